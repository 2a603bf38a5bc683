"""The task queue and the workflow ids, each made in one place (no personal data in them)."""

from __future__ import annotations

#: The task queue daftar's worker serves: both workflows and all activities.
TASK_QUEUE = "daftar"


def applicant_workflow_id(application_id: str) -> str:
    """The one place an application's workflow id is made (no personal data in it)."""
    return f"application-{application_id}"


def cycle_workflow_id(year: int) -> str:
    """The one place a cycle's workflow id is made."""
    return f"cycle-{year}"
