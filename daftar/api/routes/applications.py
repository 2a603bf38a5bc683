"""An application's life through HTTP: register, photo, payment, decisions, and the rest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError

from daftar.api import actions, payment
from daftar.api.actions import actor as _actor
from daftar.api.auth import Principal, current_principal, issue_token, require
from daftar.api.deps import ApplicantsDep, SessionDep, SettingsDep
from daftar.api.errors import responses
from daftar.api.routes.cycles import load_cycle, window
from daftar.api.schemas import (
    ApplicationView,
    BatchBody,
    BatchResult,
    DecisionBody,
    DisqualifyBody,
    DocumentBody,
    ExamResultBody,
    LicenceView,
    OfficeBody,
    PaymentAnswer,
    PaymentBody,
    Registered,
    WithdrawBody,
    Year,
)
from daftar.api.views import application_view
from daftar.contracts.applicant import (
    ApplicantInput,
    CycleTerms,
    DisqualifyIn,
    DocumentIn,
    ExamResultIn,
    LicenceIn,
    OfficeIn,
    PhotoIn,
    WithdrawIn,
)
from daftar.contracts.workflows import Applicant
from daftar.core.errors import ServiceError, violations_error
from daftar.domain.cycles import window_violation
from daftar.domain.eligibility import (
    check_registration,
    listed_place,
    normalise_form,
    text_violations,
)
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.photo import check_photo
from daftar.domain.registration import RegistrationForm, RegistrationRules
from daftar.domain.stages import STAFF_ROLES, Role, Stage
from daftar.domain.violations import Violation
from daftar.store.models import CycleRecord, ExamLoad, PhotoRecord

router = APIRouter(tags=["applications"])

APPLICANT_TOKEN_TTL = timedelta(days=365)

_REFUSALS = responses(401, 403, 404, 409, 422, 503, e404="Unknown application")
#: Registration needs no token.
_REGISTRATION_REFUSALS = responses(404, 409, 422, 503, e404="Unknown cycle",
                                   e409="The national id already applied in this cycle")

Staff = Annotated[Principal, Depends(require(*STAFF_ROLES))]
Anyone = Annotated[Principal, Depends(current_principal)]


def _cycle(year: Year, session: SessionDep) -> CycleRecord:
    return load_cycle(session, year)


def _own(principal: Principal, app_id: str) -> None:
    """The applicant role reaches its own application only."""
    if principal.has(Role.applicant) and principal.sub != app_id and not principal.has(
            *STAFF_ROLES):
        raise ServiceError(403, "forbidden", "An applicant may reach their own application only.")


@router.post("/v1/cycles/{year}/applications", status_code=201, response_model=Registered,
             responses=_REGISTRATION_REFUSALS)
async def register(
    form: RegistrationForm,
    cycle: Annotated[CycleRecord, Depends(_cycle)],
    applicants: ApplicantsDep,
    settings: SettingsDep,
) -> Registered:
    """Register in the cycle's window (REG-1); every broken rule is reported at once. The form
    is stored normalised (Persian ی and ک, ASCII digits, single spaces) and refused with a
    control character in any field (REG-2)."""
    _, closes = window(cycle)
    cities = [(c["province"], c["city"]) for c in cycle.config["cities"]]
    rules = RegistrationRules(
        registration_start=cycle.config["registration_start"],
        registration_end=cycle.config["registration_end"], cities=cities)
    violations = text_violations(form)
    form = normalise_form(form)
    check = check_registration(form, rules)
    violations += check.violations
    closed = window_violation(datetime.now(UTC), cycle.config["registration_start"],
                              cycle.config["registration_end"])
    if closed is not None:
        violations.insert(0, closed)
    if violations:
        raise violations_error("The registration breaks the cycle's rules.", violations)
    if (listed := listed_place(form.province, form.city, cities)) is not None:
        # The cycle's own spelling, so lists and launch rounds match the city exactly.
        form = form.model_copy(update={"province": listed[0], "city": listed[1]})
    app_id = application_id(settings.identity_key, cycle.year, check.national_id)
    code = tracking_code(app_id)
    await applicants.start(ApplicantInput(
        application_id=app_id, tracking_code=code,
        cycle=CycleTerms(year=cycle.year, fee_rials=cycle.config["fee_rials"],
                         claim_hours=cycle.config.get("claim_hours", 2),
                         registration_closes_at=closes, sla_days=cycle.config["sla_days"]),
        form=form, national_id=check.national_id, flags=check.flags, veteran=check.veteran))
    token = issue_token(settings.signing_secret, sub=app_id, roles=[Role.applicant],
                        ttl=APPLICANT_TOKEN_TTL)
    return Registered(application_id=app_id, tracking_code=code, stage=Stage.awaiting_payment,
                      applicant_token=token)


@router.put("/v1/applications/{app_id}/photo", status_code=204, responses=_REFUSALS,
            openapi_extra={"requestBody": {"required": True, "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}})
async def upload_photo(
    app_id: str,
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.applicant))],
    applicants: ApplicantsDep,
) -> Response:
    """The applicant's JPG photo (REG-4): checked, stored, then given to the workflow; a photo
    the workflow refuses (the wrong stage, a closed window) leaves nothing stored."""
    _own(principal, app_id)
    data = await request.body()  # bounded by the route's body limit (daftar.api.limits)
    photo = await asyncio.to_thread(check_photo, data)
    if photo.violations:
        raise violations_error("The photo does not meet REG-4.", photo.violations)
    assert photo.width is not None and photo.height is not None
    await applicants.exists(app_id)  # 404 before storing bytes for an unknown application
    # Stored before the workflow records its hash, so a recorded photo always has its bytes.
    stored = await asyncio.to_thread(_store_photo, request, app_id, photo.sha256, data)
    try:
        await applicants.update(app_id, Applicant.submit_photo, PhotoIn(
            actor=_actor(principal), sha256=photo.sha256, width=photo.width,
            height=photo.height, size=photo.size))
    except ServiceError as err:
        if stored and err.status != 503:  # refused for sure; after a 503 it may be recorded
            await _discard_photo(request, applicants, app_id, photo.sha256)
        raise
    return Response(status_code=204)


def _store_photo(request: Request, app_id: str, sha256: str, data: bytes) -> bool:
    """Store the bytes; False when the same photo of the application is stored already."""
    with request.app.state.sessions() as s:
        if s.get(PhotoRecord, (app_id, sha256)) is not None:
            return False
        s.add(PhotoRecord(application_id=app_id, sha256=sha256, content=data,
                          uploaded_at=datetime.now(UTC)))
        try:
            s.commit()
        except IntegrityError:  # the same upload, concurrently: that one stored it
            s.rollback()
            return False
        return True


async def _discard_photo(request: Request, applicants: ApplicantsDep, app_id: str,
                         sha256: str) -> None:
    """Delete the bytes this request stored for a refused photo, unless the application's
    photo is these same bytes after all (the same upload, accepted concurrently)."""
    try:
        state = await applicants.state(app_id)
    except ServiceError:
        return  # cannot tell: the bytes stay
    if state.photo is not None and state.photo.sha256 == sha256:
        return

    def delete() -> None:
        with request.app.state.sessions() as s:
            row = s.get(PhotoRecord, (app_id, sha256))
            if row is not None:
                s.delete(row)
                s.commit()

    await asyncio.to_thread(delete)


@router.post("/v1/applications/{app_id}/payment", response_model=PaymentAnswer,
             responses=_REFUSALS)
async def confirm_payment(
    app_id: str, body: PaymentBody, applicants: ApplicantsDep, request: Request,
    principal: Annotated[Principal, Depends(require(Role.payment_gateway))],
) -> PaymentAnswer:
    """The gateway confirms the fee (REG-2): `{application_id, stage}` and nothing else. A
    reference pays one application of the cycle (409 on another); the same reference and
    amount again answers 200 and records nothing (the gateway may retry safely)."""
    return await payment.confirm(applicants, request.app.state.sessions, principal, app_id,
                                 body)


@router.get("/v1/applications/{app_id}", response_model=ApplicationView, responses=_REFUSALS)
async def get_application(app_id: str, principal: Anyone,
                          applicants: ApplicantsDep) -> ApplicationView:
    """Stage, registration data, decisions, exam result and office, redacted by role."""
    if not principal.has(*STAFF_ROLES, Role.applicant):
        raise ServiceError(403, "forbidden", "Staff or the applicant only.")
    _own(principal, app_id)
    return application_view(await applicants.state(app_id), principal)


@router.post("/v1/applications/{app_id}/decisions", response_model=ApplicationView,
             responses=_REFUSALS)
async def decide(app_id: str, body: DecisionBody, principal: Anyone,
                 applicants: ApplicantsDep) -> ApplicationView:
    """A reviewer's decision: interview → interviewer, qualification → qualification_officer,
    security → security_officer (INT-1, QUAL-1, SEC-1). 409 `claimed` while another reviewer's
    claim on it holds."""
    return application_view(await actions.decide(applicants, principal, app_id, body),
                            principal)


@router.post("/v1/applications/{app_id}/claim", response_model=ApplicationView,
             responses=_REFUSALS)
async def claim(app_id: str, principal: Anyone, applicants: ApplicantsDep) -> ApplicationView:
    """Claim the waiting decision (interview, qualification or security) for the cycle's
    claim period (`claim_hours`, default 2): meanwhile another reviewer's decision on it is
    409 `claimed`. Claiming again renews it; the claim is recorded in the history."""
    return application_view(await actions.claim(applicants, principal, app_id), principal)


@router.delete("/v1/applications/{app_id}/claim", response_model=ApplicationView,
               responses=_REFUSALS)
async def release_claim(app_id: str, principal: Anyone,
                        applicants: ApplicantsDep) -> ApplicationView:
    """Release a claim: the claimant's own, or any as admin. With no claim holding, the
    current state (nothing is recorded)."""
    return application_view(await actions.release(applicants, principal, app_id), principal)


@router.post("/v1/decisions/batch", response_model=BatchResult,
             responses=responses(401, 403, 422, 503))
async def decide_batch(body: BatchBody, principal: Anyone,
                       applicants: ApplicantsDep) -> BatchResult:
    """Up to 500 decisions of one stage: each validated and applied on its own; the response
    lists each item's result in order (`applied` with the new stage, or `refused` with the
    error and its rules)."""
    return await actions.decide_batch(applicants, principal, body)


@router.post("/v1/applications/{app_id}/exam-result", response_model=ApplicationView,
             responses=_REFUSALS)
async def record_exam_result(
    app_id: str, body: ExamResultBody, applicants: ApplicantsDep, request: Request,
    principal: Annotated[Principal, Depends(require(Role.exam_officer))],
) -> ApplicationView:
    """One candidate's exam result (EXAM-2), judged against the pass mark of the cycle's
    loaded results: below it rejects, else to interview. 409 before any results are loaded;
    a `pass_mark` in the body is refused (422)."""
    state = await applicants.state(app_id)
    mark = await asyncio.to_thread(_pass_mark, request, state.cycle)
    if mark is None:
        message = (f"No exam results are loaded for cycle {state.cycle}, so it has no pass "
                   "mark yet; load them first (POST /v1/cycles/{year}/exam-results).")
        raise ServiceError(409, "not_loaded", message, [Violation(rule="EXAM-2", message=message)])
    state = await applicants.update(app_id, Applicant.record_exam_result, ExamResultIn(
        actor=_actor(principal), total_score=body.total_score, pass_mark=mark,
        subjects=body.subjects))
    return application_view(state, principal)


def _pass_mark(request: Request, cycle: int) -> Decimal | None:
    """EXAM-2's pass mark, as the cycle's current load of exam results set it."""
    with request.app.state.sessions() as s:
        load = s.get(ExamLoad, cycle)
        return None if load is None else load.pass_mark


@router.post("/v1/applications/{app_id}/office", response_model=ApplicationView,
             responses=_REFUSALS)
async def assign_office(
    app_id: str, body: OfficeBody, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.licensing_officer))],
) -> ApplicationView:
    """Place one cleared candidate in an office's city (LAUNCH-1)."""
    state = await applicants.update(app_id, Applicant.assign_office, OfficeIn(
        actor=_actor(principal), **body.model_dump()))
    return application_view(state, principal)


@router.post("/v1/applications/{app_id}/documents", response_model=ApplicationView,
             responses=_REFUSALS)
async def submit_document(
    app_id: str, body: DocumentBody, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.applicant))],
) -> ApplicationView:
    """ART11-1 proof that an occupation ended, or the VET-2 veteran certificate."""
    _own(principal, app_id)
    state = await applicants.update(app_id, Applicant.submit_document, DocumentIn(
        actor=_actor(principal), kind=body.kind, reference=body.reference))
    return application_view(state, principal)


@router.post("/v1/applications/{app_id}/licence", response_model=LicenceView,
             responses=_REFUSALS)
async def issue_licence(
    app_id: str, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.licensing_officer))],
) -> LicenceView:
    """LIC-1: issue the licence; 409 while ART11-1 proof or the VET-2 certificate is missing."""
    state = await applicants.update(app_id, Applicant.issue_licence,
                                    LicenceIn(actor=_actor(principal)))
    assert state.licence_number is not None
    return LicenceView(licence_number=state.licence_number,
                       application=application_view(state, principal))


@router.post("/v1/applications/{app_id}/withdraw", response_model=ApplicationView,
             responses=_REFUSALS)
async def withdraw(
    app_id: str, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.applicant))],
    body: WithdrawBody | None = None,
) -> ApplicationView:
    """WD-1: the applicant withdraws before the licence; the fee is not refunded."""
    _own(principal, app_id)
    state = await applicants.update(app_id, Applicant.withdraw, WithdrawIn(
        actor=_actor(principal), reason=body.reason if body else None))
    return application_view(state, principal)


@router.post("/v1/applications/{app_id}/disqualify", response_model=ApplicationView,
             responses=_REFUSALS)
async def disqualify(
    app_id: str, body: DisqualifyBody, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.admin))],
) -> ApplicationView:
    """FRAUD-1: remove the applicant at any stage; an issued licence is revoked."""
    state = await applicants.update(app_id, Applicant.disqualify, DisqualifyIn(
        actor=_actor(principal), reason=body.reason))
    return application_view(state, principal)
