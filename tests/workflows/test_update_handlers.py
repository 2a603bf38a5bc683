"""Every ApplicantWorkflow update finishes in the workflow task that accepts it.

The gateway waits for an applicant's update to complete in one call (daftar.gateway.workflows
`Applicants.update`, `at_once`), which is only as quick as an acceptance when no handler waits
on anything: none may be a coroutine.
"""

from __future__ import annotations

import inspect

from temporalio.workflow import _Definition

from daftar.workflows.applicant import ApplicantWorkflow


def test_no_applicant_update_handler_waits() -> None:
    updates = _Definition.must_from_class(ApplicantWorkflow).updates
    assert len(updates) >= 20
    waiting = [name for name, d in updates.items()
               if inspect.iscoroutinefunction(d.fn)]
    assert waiting == []
