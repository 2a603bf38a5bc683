"""Corrections (docs/api.md, COR-1..COR-3) and the cycle's close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from daftar.api.auth import require
from daftar.api.deps import ApplicantsDep, CyclesDep, SessionsDep
from daftar.api.errors import responses
from daftar.api.schemas import AssignBody, ReinstateBody, ReopenBody, Year
from daftar.contracts.cycle import CycleProgress
from daftar.domain.stages import Role
from daftar.services import corrections
from daftar.services.auth import Principal
from daftar.services.schemas import ApplicationView

router = APIRouter(tags=["corrections"], responses=responses(
    401, 403, 404, 409, 422, 503, e409="Not at a stage the correction applies to"))

Admin = Annotated[Principal, Depends(require(Role.admin))]


@router.post("/v1/applications/{app_id}/reopen", response_model=ApplicationView)
async def reopen(app_id: str, body: ReopenBody, principal: Admin,
                 applicants: ApplicantsDep) -> ApplicationView:
    """COR-1: the latest reviewer decision goes back to its stage's inbox, with a fresh SLA.

    Allowed while the next stage has not acted (a pass: the application waits at the next
    stage; a fail: it stands rejected by it). The history keeps both decisions and the
    reopening.
    """
    return await corrections.reopen(applicants, principal, app_id, body.stage, body.reason)


@router.post("/v1/applications/{app_id}/reinstate", response_model=ApplicationView,
             responses={202: {"model": ApplicationView,
                              "description": "Proposed: a second, different admin confirms"}})
async def reinstate(app_id: str, body: ReinstateBody, principal: Admin,
                    applicants: ApplicantsDep) -> JSONResponse:
    """COR-2: undo a rejection or a disqualification found wrong, with four eyes.

    A first admin proposes (202, nothing changes); a second, different admin confirms (200):
    the case returns to the stage it was at, its decision there pending again, and a licence
    revoked by the disqualification is restored.
    """
    view, confirmed = await corrections.reinstate(applicants, principal, app_id, body.reason)
    return JSONResponse(view.model_dump(mode="json"), status_code=200 if confirmed else 202)


@router.post("/v1/applications/{app_id}/assign", response_model=ApplicationView)
async def assign(app_id: str, body: AssignBody, principal: Admin,
                 applicants: ApplicantsDep) -> ApplicationView:
    """COR-3: the waiting decision is claimed on the named reviewer's behalf (its own expiry)."""
    return await corrections.assign(applicants, principal, app_id, body.reviewer)


@router.post("/v1/cycles/{year}/close", status_code=202, response_model=CycleProgress)
async def close_cycle(year: Year, principal: Admin, cycles: CyclesDep,
                      sessions: SessionsDep) -> CycleProgress:
    """Close the cycle: the records that wait for corrections end.

    Rejected, disqualified and revoked applications stop waiting; the cycle takes no
    amendment, exam session, publication or launch round after.
    """
    return await corrections.close_cycle(cycles, sessions, principal, year)
