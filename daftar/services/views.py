"""Workflow state turned into the views the API and the console show.

Redacted for the caller (SEC-1; daftar.domain.redaction).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from daftar.contracts.state import ApplicationState
from daftar.domain.jalali import format_instant
from daftar.domain.redaction import mask, reads_mobile, reads_national_id, reads_reason
from daftar.domain.stages import TERMINAL_STAGES, Role, Stage
from daftar.services.auth import Principal
from daftar.services.schemas import ApplicationView, DecisionView, Instant


def instant(at: datetime) -> Instant:
    """An instant as `at` (ISO UTC) and `at_jalali` (Asia/Tehran)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return Instant(at=at.astimezone(UTC), at_jalali=format_instant(at))


def application_view(state: ApplicationState, principal: Principal) -> ApplicationView:
    """The application as `principal` may see it."""
    own = principal.has(Role.applicant) and principal.sub == state.application_id
    registration: dict[str, Any] = state.form.model_dump(mode="json")
    registration["national_id"] = (state.national_id
                                   if reads_national_id(principal.roles, own=own)
                                   else mask(state.national_id))
    if not reads_mobile(principal.roles, own=own):
        registration["mobile"] = mask(state.form.mobile)
    decisions = []
    for d in state.decisions:
        view = DecisionView(**d.model_dump(), at_jalali=format_instant(d.at))
        if not reads_reason(d.stage, principal.roles):
            view.reason = None
        decisions.append(view)
    status = ("closed" if state.stage in TERMINAL_STAGES
              else "licensed" if state.stage == Stage.licensed else "open")
    return ApplicationView(
        application_id=state.application_id, tracking_code=state.tracking_code,
        cycle=state.cycle, stage=state.stage, status=status,
        rejected_stage=state.rejected_stage, rules=state.rules, registration=registration,
        flags=state.flags, registered_at=instant(state.registered_at),
        stage_entered_at=instant(state.stage_entered_at),
        due_at=instant(state.due_at) if state.due_at else None,
        payment=_dump(state.payment), photo=_dump(state.photo),
        exam_result=_dump(state.exam_result), seat=_dump(state.seat), decisions=decisions,
        office=_dump(state.office),
        documents=[d.model_dump(mode="json") for d in state.documents],
        uploads={k: u.model_dump(mode="json") for k, u in state.uploads.items()},
        request=state.request.model_dump(
            mode="json", include={"kind", "reason", "actor", "role", "stage", "at", "due_at"})
        if state.request else None,
        licence_number=state.licence_number,
        escalations=[e.model_dump(mode="json") for e in state.escalations],
        claim=_dump(state.claim),
    )


def _dump(model: Any) -> dict[str, Any] | None:
    return None if model is None else dict(model.model_dump(mode="json"))
