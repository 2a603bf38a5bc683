"""Workflow state turned into API views, redacted for the caller (DESIGN.md #8, SEC-1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from daftar.api.auth import Principal
from daftar.api.schemas import ApplicationView, DecisionView, Instant
from daftar.domain.jalali import format_instant
from daftar.domain.stages import TERMINAL_STAGES, Role, Stage
from daftar.workflows.messages import ApplicationState

#: Roles that see the full national id; others see it masked.
NATIONAL_ID_ROLES = (Role.admin, Role.qualification_officer, Role.security_officer, Role.auditor)
#: Roles that see the full mobile number; others see it masked. The applicant is reached by
#: the system's own SMS (NOTE-1), so reviewers, who judge the file and not the person, never
#: call them; the admin (the Center) is who contacts an applicant outside those messages: a
#: number that cannot be reached, a correction, a FRAUD-1 proceeding. Auditors check the
#: record, not the person: the archived history they export holds the number if it is ever
#: in question.
MOBILE_ROLES = (Role.admin,)
#: SEC-1: only these read a security decision's reason.
SECURITY_REASON_ROLES = (Role.security_officer, Role.auditor)


def instant(at: datetime) -> Instant:
    """An instant as `at` (ISO UTC) and `at_jalali` (Asia/Tehran)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return Instant(at=at.astimezone(UTC), at_jalali=format_instant(at))


def mask(number: str) -> str:
    """A national id or a mobile number with all but its first and last three digits hidden."""
    return f"{number[:3]}****{number[-3:]}"


def application_view(state: ApplicationState, principal: Principal) -> ApplicationView:
    """The application as `principal` may see it."""
    own = principal.has(Role.applicant) and principal.sub == state.application_id
    registration: dict[str, Any] = state.form.model_dump(mode="json")
    registration["national_id"] = (
        state.national_id if own or principal.has(*NATIONAL_ID_ROLES) else mask(state.national_id))
    if not (own or principal.has(*MOBILE_ROLES)):
        registration["mobile"] = mask(state.form.mobile)
    reads_security = principal.has(*SECURITY_REASON_ROLES)
    decisions = []
    for d in state.decisions:
        view = DecisionView(**d.model_dump(), at_jalali=format_instant(d.at))
        if d.stage == "security" and not reads_security:
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
        exam_result=_dump(state.exam_result), decisions=decisions, office=_dump(state.office),
        documents=[d.model_dump(mode="json") for d in state.documents],
        licence_number=state.licence_number,
        escalations=[e.model_dump(mode="json") for e in state.escalations],
        claim=_dump(state.claim),
    )


def _dump(model: Any) -> dict[str, Any] | None:
    return None if model is None else dict(model.model_dump(mode="json"))
