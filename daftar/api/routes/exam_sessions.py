"""The exam session (docs/api.md, EXAM-5): venues and seats, attendance sheets, admission cards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from daftar.api.auth import require
from daftar.api.deps import ApplicantsDep, CyclesDep, ObjectsDep, SessionsDep
from daftar.api.errors import responses
from daftar.api.routes.applications import Anyone
from daftar.api.schemas import Year
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.services import exam_sessions
from daftar.services.auth import Principal
from daftar.services.schemas_exam import ExamSessionBody, ExamSessionView

router = APIRouter(tags=["exam sessions"], responses=responses(401, 403, 404, 422, 503))

Officer = Annotated[Principal, Depends(require(Role.exam_officer))]
Staff = Annotated[Principal, Depends(require(*STAFF_ROLES))]


@router.put("/v1/cycles/{year}/exam-sessions", response_model=ExamSessionView,
            responses=responses(409, e409="Registration still open, seats fixed from the card "
                                          "date, or a province with more candidates than seats"))
async def set_exam_session(year: Year, body: ExamSessionBody, principal: Officer,
                           cycles: CyclesDep, sessions: SessionsDep) -> ExamSessionView:
    """Set the exam's day, start time, card date and venues; seat every paid candidate (EXAM-5).

    Each candidate sits in a venue of their province's centre, one seat each, never over a
    venue's seats, assigned deterministically and sent to their workflow (their history
    records it). Before the card date a new setting assigns the seats anew; from it only a
    venue's address may change.
    """
    return await exam_sessions.set_exam_session(cycles, sessions, principal, year, body)


@router.get("/v1/cycles/{year}/exam-sessions", response_model=ExamSessionView)
def get_exam_session(year: Year, sessions: SessionsDep, _: Staff,
                     venue: Annotated[str | None, Query(max_length=16)] = None
                     ) -> ExamSessionView:
    """The exam session, each venue's seats, and with `?venue=` its attendance sheet."""
    return exam_sessions.exam_session_view(sessions, year, venue)


@router.get("/v1/applications/{app_id}/admission-card", response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "The admission card, a printable Persian PDF"},
                       **responses(409, e409="Before the card date (named), or no seat yet")})
async def admission_card(app_id: str, principal: Anyone, applicants: ApplicantsDep,
                         sessions: SessionsDep, objects: ObjectsDep) -> Response:
    """The candidate's admission card (EXAM-5): from the card date, for them and staff."""
    pdf = await exam_sessions.admission_card(applicants, sessions, objects, principal, app_id)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="admission-card-{app_id}.pdf"'})
