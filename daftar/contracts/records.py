"""What the workflows send the read model's activities: a snapshot, an escalation, a seat wanted."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel

from daftar.contracts.state import ApplicationState, HistoryEntry
from daftar.domain.redaction import reason_is_confidential
from daftar.domain.registration import RegistrationForm, quota_label
from daftar.domain.stages import Stage
from daftar.domain.text import normalise_text


class ApplicationSnapshot(BaseModel):
    """What the read model keeps of one application: no national id, no security reasons."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: Stage
    province: str
    city: str
    quota: str
    #: First and last name (`full_name`); "" in a snapshot made before the read model kept it.
    full_name: str = ""
    registered_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    due_at: datetime | None
    escalated: bool = False
    rejected_stage: Stage | None
    rules: list[str]
    licence_number: str | None
    office_province: str | None
    office_city: str | None
    exam_total: Decimal | None
    interview_score: Decimal | None
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    claim_assigned_by: str | None = None
    version: int
    #: The history length of the workflow task that made this snapshot: it orders the writes.
    history_length: int = 0
    #: How many of `decisions` the read model holds from committed writes (not a column).
    recorded_decisions: int = 0
    decisions: list[HistoryEntry]


class EscalationIn(BaseModel):
    """A stage that passed its SLA, for the read model's escalation list."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: Stage
    due_at: datetime
    escalated_at: datetime


class SeatWanted(BaseModel):
    """A candidate who has just come to wait for the exam asks for a seat (EXAM-5)."""

    application_id: str
    tracking_code: str
    cycle: int
    province: str


def full_name(form: RegistrationForm) -> str:
    """The applicant's first and last name in one spelling, as the read model keeps it.

    Persian ی and ک for the Arabic letters and single spaces (the inbox searches it so).
    """
    return normalise_text(f"{form.first_name} {form.last_name}")


def application_snapshot(state: ApplicationState, updated_at: datetime, *,
                         history_length: int = 0,
                         recorded_decisions: int = 0) -> ApplicationSnapshot:
    """The read model's snapshot of `state`, written at `updated_at`.

    One definition, used by the workflow that writes it and by reconciliation, which checks
    the read model against it. `history_length` is the length of the history of the workflow
    task that made it; the read model already holds `recorded_decisions` of its decisions
    from committed writes.
    """
    interview = next((d.score for d in state.decisions if d.stage == "interview"), None)
    return ApplicationSnapshot(
        application_id=state.application_id, tracking_code=state.tracking_code,
        cycle=state.cycle, stage=state.stage, province=state.form.province,
        city=state.form.city, quota=quota_label(state.form.quota),
        full_name=full_name(state.form),
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
        claim_assigned_by=state.claim.assigned_by if state.claim else None,
        version=state.version, history_length=history_length,
        recorded_decisions=recorded_decisions,
        # SEC-1: confidential reasons stay in the history only.
        decisions=[d.model_copy(update={"reason": None}) if reason_is_confidential(d.stage)
                   else d for d in state.decisions])
