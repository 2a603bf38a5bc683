"""An application's timeline, read from its Temporal event history (the audit trail).

Every event a person cares about — registration, payment, photo, exam result, each decision
with its actor, role, score, rule ids and reason, reviewers' claims and releases, escalations,
the office, documents, the licence, withdrawal, disqualification or revocation, and the end —
in history order. Only
updates the workflow accepted are in the history, so a refused message never appears here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from temporalio.api.common.v1 import Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter

from daftar.contracts.applicant import (
    AbsenceIn,
    ApplicantInput,
    AssignIn,
    ClaimIn,
    CloseIn,
    DecisionIn,
    DisqualifyIn,
    DocumentIn,
    DocumentRequestIn,
    ExamResultIn,
    LicenceIn,
    OfficeIn,
    PaymentIn,
    PhotoIn,
    ReinstateIn,
    ReleaseIn,
    ReopenIn,
    SeatIn,
    TermsIn,
    UploadIn,
    WithdrawIn,
)
from daftar.contracts.records import EscalationIn
from daftar.contracts.state import ApplicationState
from daftar.domain.documents import NEEDS
from daftar.domain.jalali import format_instant
from daftar.domain.stages import Role

#: The marker Temporal's core SDK records for a local activity's result.
_LOCAL_ACTIVITY = "core_local_activity"

#: Each update of ApplicantWorkflow: its message type and the timeline's name for it.
UPDATES: dict[str, tuple[type[BaseModel], str]] = {
    "confirm_payment": (PaymentIn, "paid"),
    "submit_photo": (PhotoIn, "photo"),
    "record_exam_result": (ExamResultIn, "exam_result"),
    "record_absence": (AbsenceIn, "absent"),
    "decide": (DecisionIn, "decision"),
    "claim": (ClaimIn, "claimed"),
    "release_claim": (ReleaseIn, "released"),
    "assign_office": (OfficeIn, "office"),
    "submit_document": (DocumentIn, "document"),
    "upload_document": (UploadIn, "document_uploaded"),
    "request_document": (DocumentRequestIn, "document_requested"),
    "issue_licence": (LicenceIn, "licence"),
    "withdraw": (WithdrawIn, "withdrawn"),
    "disqualify": (DisqualifyIn, "disqualified"),
    "amend_terms": (TermsIn, "amended"),
    "assign_seat": (SeatIn, "seat"),
    "reopen": (ReopenIn, "reopened"),
    "reinstate": (ReinstateIn, "reinstatement"),
    "assign": (AssignIn, "assigned"),
    "close": (CloseIn, "record_closed"),
}


class TimelineEvent(BaseModel):
    """One thing that happened to an application."""

    seq: int
    event_id: int
    kind: str
    at: datetime
    at_jalali: str
    actor: str | None = None
    role: str | None = None
    stage: str | None = None
    outcome: str | None = None
    score: Decimal | None = None
    rules: list[str] = Field(default_factory=list)
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


async def timeline(history: WorkflowHistory, converter: DataConverter) -> list[TimelineEvent]:
    """The timeline of one applicant workflow's history."""
    out: list[TimelineEvent] = []
    accepted: dict[str, TimelineEvent] = {}  # by update id
    for event in history.events:
        at = event.event_time.ToDatetime(tzinfo=UTC)
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            inp = await _decode(converter, event.workflow_execution_started_event_attributes
                                .input, ApplicantInput)
            out.append(_event(out, event, "registered", at, actor=inp.application_id,
                              role="applicant", stage="awaiting_payment", details={
                                  "cycle": inp.cycle.year, "tracking_code": inp.tracking_code,
                                  "province": inp.form.province, "city": inp.form.city,
                                  "quota": inp.form.quota.model_dump(mode="json"),
                                  "flags": inp.flags}))
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            entry = await _accepted(out, event, at, converter)
            if entry is not None:
                request = event.workflow_execution_update_accepted_event_attributes
                accepted[request.accepted_request.meta.update_id] = entry
                out.append(entry)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            attrs = event.workflow_execution_update_completed_event_attributes
            entry = accepted.get(attrs.meta.update_id)
            if entry is not None and attrs.outcome.HasField("success"):
                state = await _decode(converter, attrs.outcome.success, ApplicationState)
                entry.details["stage_after"] = state.stage.value
                if entry.kind == "disqualified" and state.stage.value == "revoked":
                    entry.kind = "revoked"  # FRAUD-1 after the licence
                if entry.kind == "reinstatement":
                    # COR-2: the first admin's proposal, or the second's confirmation.
                    entry.outcome = ("proposed" if state.reinstatement is not None
                                     else "confirmed")
                if entry.kind == "claimed" and state.claim is not None:
                    entry.stage = state.claim.stage.value
                    entry.details["expires_at"] = state.claim.expires_at.isoformat()
                if entry.kind == "licence":
                    entry.details["licence_number"] = state.licence_number
                if entry.kind == "exam_result" and state.exam_result is not None:
                    entry.outcome = "pass" if state.exam_result.passed else "fail"
                    entry.rules = [] if state.exam_result.passed else ["EXAM-2"]
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled = event.activity_task_scheduled_event_attributes
            if scheduled.activity_type.name == "record_escalation":
                esc = await _decode(converter, scheduled.input, EscalationIn)
                out.append(_event(out, event, "escalated", at, stage=esc.stage.value,
                                  details={"due_at": esc.due_at.isoformat()}))
        elif kind == EventType.EVENT_TYPE_MARKER_RECORDED:
            seat = await _seat_taken(event, converter)
            if seat is not None:  # EXAM-5: the seat the candidate took on coming to wait
                entry = _event(out, event, "seat", at, actor=seat.actor.id,
                               role=Role.exam_officer.value)
                _seat_details(entry, seat)
                out.append(entry)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            state = await _decode(converter, event.workflow_execution_completed_event_attributes
                                  .result, ApplicationState)
            out.append(_event(out, event, "closed", at, stage=state.stage.value,
                              rules=state.rules, details={
                                  "rejected_stage": state.rejected_stage and
                                  state.rejected_stage.value}))
    return out


async def _accepted(out: list[TimelineEvent], event: HistoryEvent, at: datetime,
                    converter: DataConverter) -> TimelineEvent | None:
    request = event.workflow_execution_update_accepted_event_attributes.accepted_request
    known = UPDATES.get(request.input.name)
    if known is None:
        return None
    model, kind = known
    msg: Any = await _decode(converter, request.input.args, model)
    entry = _event(out, event, kind, at, actor=msg.actor.id,
                   role=msg.actor.roles[0].value if msg.actor.roles else None)
    if isinstance(msg, DecisionIn):
        entry.stage, entry.outcome, entry.score = msg.stage.value, msg.outcome.value, msg.score
        entry.reason = msg.reason
        entry.rules = [r for r, ok in (msg.checks or {}).items() if not ok]
        entry.details = {"checks": msg.checks} if msg.checks else {}
    elif isinstance(msg, ExamResultIn):
        entry.score = msg.total_score
        entry.details = {"pass_mark": str(msg.pass_mark),
                         "subjects": {k: str(v) for k, v in msg.subjects.items()}}
    elif isinstance(msg, PaymentIn):
        entry.details = {"reference": msg.reference, "amount_rials": msg.amount_rials}
        entry.rules = ["REG-2"]
    elif isinstance(msg, PhotoIn):
        entry.details = {"sha256": msg.sha256, "width": msg.width, "height": msg.height}
        entry.rules = ["REG-4"]
    elif isinstance(msg, OfficeIn):
        entry.details = {"province": msg.province, "city": msg.city, "round": msg.round}
        entry.rules = ["LAUNCH-1"]
    elif isinstance(msg, DocumentIn):
        entry.details = {"kind": msg.kind.value, "reference": msg.reference}
        entry.rules = ["ART11-1" if msg.kind.value == "occupation_ended" else "VET-2"]
    elif isinstance(msg, DocumentRequestIn):
        entry.reason = msg.reason
        entry.details = {"kind": msg.kind.value, "days": msg.days}
        entry.rules = ["DOC-2", *NEEDS[msg.kind].rules]
    elif isinstance(msg, UploadIn):
        entry.details = {"kind": msg.kind.value, "sha256": msg.sha256, "size": msg.size,
                         "content_type": msg.content_type}
        entry.rules = ["DOC-1", *NEEDS[msg.kind].rules]
    elif isinstance(msg, LicenceIn):
        entry.rules = ["LIC-1"]
    elif isinstance(msg, WithdrawIn):
        entry.reason, entry.rules = msg.reason, ["WD-1"]
    elif isinstance(msg, DisqualifyIn):
        entry.reason, entry.rules = msg.reason, ["FRAUD-1"]
    elif isinstance(msg, AbsenceIn):
        entry.stage, entry.outcome, entry.rules = "exam", "absent", ["EXAM-6"]
    elif isinstance(msg, ReopenIn):
        entry.stage, entry.reason, entry.rules = msg.stage.value, msg.reason, ["COR-1"]
    elif isinstance(msg, ReinstateIn):
        entry.reason, entry.rules = msg.reason, ["COR-2"]
    elif isinstance(msg, AssignIn):
        entry.details, entry.rules = {"reviewer": msg.reviewer}, ["COR-3"]
    elif isinstance(msg, SeatIn):
        _seat_details(entry, msg)
    elif isinstance(msg, TermsIn):
        entry.rules = ["CYC-1"]
        entry.details = {"amendment": msg.number,
                         "registration_closes_at": msg.registration_closes_at.isoformat(),
                         "sla_days": msg.sla_days, "claim_hours": msg.claim_hours}
    return entry


def _event(out: list[TimelineEvent], event: HistoryEvent, kind: str, at: datetime,
           **fields: Any) -> TimelineEvent:
    return TimelineEvent(seq=len(out) + 1, event_id=event.event_id, kind=kind, at=at,
                         at_jalali=format_instant(at), **fields)


def _seat_details(entry: TimelineEvent, msg: SeatIn) -> None:
    entry.rules = ["EXAM-5"]
    entry.details = {"venue_id": msg.venue_id, "venue": msg.venue_name, "city": msg.city,
                     "seat": msg.seat, "exam_date": msg.exam_date,
                     "start_time": msg.start_time, "version": msg.version}


async def _seat_taken(event: HistoryEvent, converter: DataConverter) -> SeatIn | None:
    """The seat of a `take_seat` local activity's marker, if it gave one (EXAM-5)."""
    marker = event.marker_recorded_event_attributes
    if (marker.marker_name != _LOCAL_ACTIVITY or "data" not in marker.details
            or "result" not in marker.details):
        return None
    data = await _decode(converter, marker.details["data"], dict)
    if not isinstance(data, dict) or data.get("activity_type") != "take_seat":
        return None
    seat: SeatIn | None = await _decode(converter, marker.details["result"], SeatIn | None)
    return seat


async def _decode(converter: DataConverter, payloads: Payloads, model: Any) -> Any:
    # The converter's codec (if any) then its payload converter, as the worker would.
    return (await converter.decode(list(payloads.payloads), [model]))[0]
