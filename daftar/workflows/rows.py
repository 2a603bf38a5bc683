"""The read-model row an application's state records: one definition, used by the workflow
that writes it and by reconciliation, which checks the read model against it."""

from __future__ import annotations

from datetime import datetime

from daftar.workflows import search
from daftar.workflows.messages import ApplicationRow, ApplicationState


def application_row(state: ApplicationState, updated_at: datetime, *, history_length: int = 0,
                    recorded_decisions: int = 0) -> ApplicationRow:
    """The row for `state`, written at `updated_at` by a workflow task whose history was
    `history_length` events long; the read model already holds `recorded_decisions` of its
    decisions from committed writes."""
    interview = next((d.score for d in state.decisions if d.stage == "interview"), None)
    return ApplicationRow(
        application_id=state.application_id, tracking_code=state.tracking_code,
        cycle=state.cycle, stage=state.stage, province=state.form.province,
        city=state.form.city, quota=search.quota_label(state.form.quota),
        registered_at=state.registered_at, updated_at=updated_at,
        stage_entered_at=state.stage_entered_at, due_at=state.due_at,
        escalated=any(e.stage == state.stage for e in state.escalations),
        rejected_stage=state.rejected_stage, rules=state.rules,
        licence_number=state.licence_number,
        office_province=state.office.province if state.office else None,
        office_city=state.office.city if state.office else None,
        exam_total=state.exam_result.total_score if state.exam_result else None,
        interview_score=interview,
        claimed_by=state.claim.actor if state.claim else None,
        claim_expires_at=state.claim.expires_at if state.claim else None,
        version=state.version, history_length=history_length,
        recorded_decisions=recorded_decisions,
        # SEC-1: security reasons are confidential; they stay in the history only.
        decisions=[d.model_copy(update={"reason": None}) if d.stage == "security" else d
                   for d in state.decisions])
