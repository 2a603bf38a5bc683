"""An application's life through HTTP: register, photo, payment, decisions, and the rest.

Each route parses, calls one service (`daftar.services`), and answers its result.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from daftar.api.auth import current_principal, require
from daftar.api.deps import ApplicantsDep, ObjectsDep, SessionDep, SessionsDep, SettingsDep
from daftar.api.errors import responses
from daftar.api.schemas import (
    DisqualifyBody,
    DocumentBody,
    ExamResultBody,
    LicenceView,
    OfficeBody,
    WithdrawBody,
    Year,
)
from daftar.domain.registration import RegistrationForm
from daftar.domain.stages import Role
from daftar.services import applications, decisions, payments, photos, registration
from daftar.services.auth import Principal
from daftar.services.cycles import KnownCycle, load_cycle
from daftar.services.schemas import (
    ApplicationView,
    BatchBody,
    BatchResult,
    DecisionBody,
    PaymentAnswer,
    PaymentBody,
    Registered,
)
from daftar.services.views import application_view

router = APIRouter(tags=["applications"])

_REFUSALS = responses(401, 403, 404, 409, 422, 503, e404="Unknown application")
#: Registration needs no token.
_REGISTRATION_REFUSALS = responses(404, 409, 422, 503, e404="Unknown cycle",
                                   e409="The national id already applied in this cycle")

Anyone = Annotated[Principal, Depends(current_principal)]


def _cycle(year: Year, session: SessionDep) -> KnownCycle:
    # A dependency, so an unknown cycle is 404 before the form is read.
    return load_cycle(session, year)


@router.post("/v1/cycles/{year}/applications", status_code=201, response_model=Registered,
             responses=_REGISTRATION_REFUSALS)
async def register(
    form: RegistrationForm,
    cycle: Annotated[KnownCycle, Depends(_cycle)],
    applicants: ApplicantsDep,
    settings: SettingsDep,
) -> Registered:
    """Register in the cycle's window (REG-1); every broken rule is reported at once.

    The form is stored normalised (Persian ی and ک, ASCII digits, single spaces) and refused with a
    control character in any field (REG-2).
    """
    return await registration.register(applicants, settings, cycle, form)


@router.put("/v1/applications/{app_id}/photo", status_code=204, responses=_REFUSALS,
            openapi_extra={"requestBody": {"required": True, "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}})
async def upload_photo(
    app_id: str,
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.applicant))],
    applicants: ApplicantsDep,
    sessions: SessionsDep,
    objects: ObjectsDep,
) -> Response:
    """The applicant's JPG photo (REG-4): checked, stored, then given to the workflow.

    A photo the workflow refuses (the wrong stage, a closed window) leaves nothing recorded.
    """
    applications.own(principal, app_id)
    data = await request.body()  # bounded by the route's body limit (daftar.api.limits)
    await photos.submit_photo(applicants, sessions, objects, principal, app_id, data)
    return Response(status_code=204)


@router.post("/v1/applications/{app_id}/payment", response_model=PaymentAnswer,
             responses=_REFUSALS)
async def confirm_payment(
    app_id: str, body: PaymentBody, applicants: ApplicantsDep, sessions: SessionsDep,
    principal: Annotated[Principal, Depends(require(Role.payment_gateway))],
) -> PaymentAnswer:
    """The gateway confirms the fee (REG-2): `{application_id, stage}` and nothing else.

    A reference pays one application of the cycle (409 on another); the same reference and amount
    again answers 200 and records nothing (the gateway may retry safely).
    """
    return await payments.confirm(applicants, sessions, principal, app_id, body)


@router.get("/v1/applications/{app_id}", response_model=ApplicationView, responses=_REFUSALS)
async def get_application(app_id: str, principal: Anyone,
                          applicants: ApplicantsDep) -> ApplicationView:
    """Stage, registration data, decisions, exam result and office, redacted by role."""
    return await applications.read(applicants, principal, app_id)


@router.post("/v1/applications/{app_id}/decisions", response_model=ApplicationView,
             responses=_REFUSALS)
async def decide(app_id: str, body: DecisionBody, principal: Anyone,
                 applicants: ApplicantsDep) -> ApplicationView:
    """A reviewer's decision (INT-1, QUAL-1, SEC-1).

    Interview → interviewer, qualification → qualification_officer, security → security_officer. 409
    `claimed` while another reviewer's claim on it holds.
    """
    return application_view(await decisions.decide(applicants, principal, app_id, body),
                            principal)


@router.post("/v1/applications/{app_id}/claim", response_model=ApplicationView,
             responses=_REFUSALS)
async def claim(app_id: str, principal: Anyone, applicants: ApplicantsDep) -> ApplicationView:
    """Claim the waiting decision (interview, qualification or security) for the claim period.

    The cycle's claim period is `claim_hours`, default 2: meanwhile another reviewer's decision on
    it is 409 `claimed`. Claiming again renews it; the claim is recorded in the history.
    """
    return application_view(await decisions.claim(applicants, principal, app_id), principal)


@router.delete("/v1/applications/{app_id}/claim", response_model=ApplicationView,
               responses=_REFUSALS)
async def release_claim(app_id: str, principal: Anyone,
                        applicants: ApplicantsDep) -> ApplicationView:
    """Release a claim: the claimant's own, or any as admin.

    With no claim holding, the current state (nothing is recorded).
    """
    return application_view(await decisions.release(applicants, principal, app_id), principal)


@router.post("/v1/decisions/batch", response_model=BatchResult,
             responses=responses(401, 403, 422, 503))
async def decide_batch(body: BatchBody, principal: Anyone,
                       applicants: ApplicantsDep) -> BatchResult:
    """Up to 500 decisions of one stage: each validated and applied on its own.

    The response lists each item's result in order (`applied` with the new stage, or `refused` with
    the error and its rules).
    """
    return await decisions.decide_batch(applicants, principal, body)


@router.post("/v1/applications/{app_id}/exam-result", response_model=ApplicationView,
             responses=_REFUSALS)
async def record_exam_result(
    app_id: str, body: ExamResultBody, applicants: ApplicantsDep, sessions: SessionsDep,
    principal: Annotated[Principal, Depends(require(Role.exam_officer))],
) -> ApplicationView:
    """One candidate's exam result (EXAM-2), judged against the pass mark of the cycle's results.

    Below it rejects, else to interview. 409 before any results are loaded; a `pass_mark` in the
    body is refused (422).
    """
    return await applications.record_exam_result(
        applicants, sessions, principal, app_id, total_score=body.total_score,
        subjects=body.subjects)


@router.post("/v1/applications/{app_id}/office", response_model=ApplicationView,
             responses=_REFUSALS)
async def assign_office(
    app_id: str, body: OfficeBody, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.licensing_officer))],
) -> ApplicationView:
    """Place one cleared candidate in an office's city (LAUNCH-1)."""
    return await applications.assign_office(applicants, principal, app_id,
                                            **body.model_dump())


@router.post("/v1/applications/{app_id}/documents", response_model=ApplicationView,
             responses=_REFUSALS)
async def submit_document(
    app_id: str, body: DocumentBody, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.applicant))],
) -> ApplicationView:
    """ART11-1 proof that an occupation ended, or the VET-2 veteran certificate."""
    return await applications.submit_document(applicants, principal, app_id, kind=body.kind,
                                              reference=body.reference)


@router.post("/v1/applications/{app_id}/licence", response_model=LicenceView,
             responses=_REFUSALS)
async def issue_licence(
    app_id: str, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.licensing_officer))],
) -> LicenceView:
    """LIC-1: issue the licence; 409 while ART11-1 proof or the VET-2 certificate is missing."""
    view = await applications.issue_licence(applicants, principal, app_id)
    assert view.licence_number is not None
    return LicenceView(licence_number=view.licence_number, application=view)


@router.post("/v1/applications/{app_id}/withdraw", response_model=ApplicationView,
             responses=_REFUSALS)
async def withdraw(
    app_id: str, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.applicant))],
    body: WithdrawBody | None = None,
) -> ApplicationView:
    """WD-1: the applicant withdraws before the licence; the fee is not refunded."""
    return await applications.withdraw(applicants, principal, app_id,
                                       body.reason if body else None)


@router.post("/v1/applications/{app_id}/disqualify", response_model=ApplicationView,
             responses=_REFUSALS)
async def disqualify(
    app_id: str, body: DisqualifyBody, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.admin))],
) -> ApplicationView:
    """FRAUD-1: remove the applicant at any stage; an issued licence is revoked."""
    return await applications.disqualify(applicants, principal, app_id, body.reason)
