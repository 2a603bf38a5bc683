"""Revision 1 of ApplicantWorkflow: the same path with less asked of Temporal.

An application started on revision 1 takes the changes that came behind patches before it as
given (no patch marker, no `TemporalChangeVersion` upsert) and keeps only its stage current in
the search attributes, once per change of stage. One started without a revision runs as its
history says (the recorded histories replay: tests/workflows/test_recorded_histories.py).
"""

from __future__ import annotations

from collections import Counter

from temporalio.api.enums.v1 import EventType

from daftar.contracts import search
from daftar.contracts.applicant import APPLICANT_REVISION, LicenceIn
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.workflows.applicant import (
    OVERDUE_REMINDERS,
    SEATS_ON_ENTRY,
    WAITS_FOR_CORRECTIONS,
    ApplicantWorkflow,
)
from daftar.workflows.application import REVISION_1
from daftar.workflows.notices import NOTICES
from tests.workflows.conftest import Harness
from tests.workflows.steps import decide, exam, notices_sent, place, register, staff

UPSERT = EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
MARKER = EventType.EVENT_TYPE_MARKER_RECORDED
ACTIVITY = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED


def test_revision_1_covers_every_patch_that_came_before_it() -> None:
    assert {NOTICES, SEATS_ON_ENTRY, OVERDUE_REMINDERS, WAITS_FOR_CORRECTIONS} == REVISION_1
    assert APPLICANT_REVISION >= 1


async def _licensed(harness: Harness, revision: int) -> tuple[list[list[str]], Counter[str]]:
    """One application driven to its licence: each upsert's attribute names, marker names."""
    h = await harness.start(revision=revision)
    await register(h)
    await exam(h)
    for stage in (DecisionStage.interview, DecisionStage.qualification,
                  DecisionStage.security):
        await decide(h, stage)
    await place(h)
    done = await h.execute_update(ApplicantWorkflow.issue_licence,
                                  LicenceIn(actor=staff(Role.licensing_officer)))
    assert done.stage == Stage.licensed
    await notices_sent(h)
    history = await h.fetch_history()
    upserts = [sorted(e.upsert_workflow_search_attributes_event_attributes.search_attributes
                      .indexed_fields) for e in history.events if e.event_type == UPSERT]
    kinds = Counter(e.marker_recorded_event_attributes.marker_name
                    for e in history.events if e.event_type == MARKER)
    kinds["notices sent"] = sum(
        e.activity_task_scheduled_event_attributes.activity_type.name == "send_notice"
        for e in history.events if e.event_type == ACTIVITY)
    return upserts, kinds


async def test_revision_1_upserts_the_stage_once_per_change_and_sets_no_patch(
        harness: Harness) -> None:
    upserts, kinds = await _licensed(harness, APPLICANT_REVISION)
    # The start set all four; then awaiting_exam, _interview, _qualification, _security,
    # _launch, _licence and licensed: seven changes of stage, each its stage alone.
    assert upserts == [[search.STAGE.name]] * 7
    assert kinds["core_patch"] == 0
    # The notices are sent all the same (NOTE-1): registered, the exam's result, the three
    # decisions passed, the office and the licence.
    assert kinds["notices sent"] == 7


async def test_an_application_without_a_revision_runs_behind_its_patches(
        harness: Harness) -> None:
    upserts, kinds = await _licensed(harness, 0)
    names = sorted(key.name for key in search.ALL_KEYS)
    # As before revision 1: every attribute at the first record and at each change of stage,
    # and the patches' TemporalChangeVersion as each is first met.
    assert upserts.count(names) == 8
    assert upserts.count(["TemporalChangeVersion"]) == kinds["core_patch"] >= 2
    assert kinds["notices sent"] == 7
