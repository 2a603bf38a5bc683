"""Cycles: created by the admin, read by staff (docs/api.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from daftar.api.auth import require
from daftar.api.deps import CyclesDep, SessionDep, SessionsDep, SettingsDep
from daftar.api.errors import responses
from daftar.api.schemas import Year
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.services import amendments, cycles
from daftar.services.auth import Principal
from daftar.services.schemas_cycle import (
    AmendmentList,
    CycleAmend,
    CycleCreate,
    CycleList,
    CycleView,
)

router = APIRouter(prefix="/v1/cycles", tags=["cycles"],
                   responses=responses(401, 403, 422, 503))

_ERRORS = responses(409, 422, e409="The year exists", e422="Malformed, or rules broken")


@router.post("", status_code=201, response_model=CycleView, responses=_ERRORS)
def create_cycle(
    body: CycleCreate,
    session: SessionDep,
    settings: SettingsDep,
    _: Annotated[Principal, Depends(require(Role.admin))],
) -> CycleView:
    """Create a cycle with its window, fee, subjects, cities and SLAs."""
    return cycles.create_cycle(session, settings, body)


@router.get("/{year}", response_model=CycleView, responses=responses(404, e404="Unknown cycle"))
def get_cycle(
    year: Year,
    session: SessionDep,
    _: Annotated[Principal, Depends(require(*STAFF_ROLES))],
) -> CycleView:
    """The cycle, its phase and its applications counted per stage."""
    return cycles.cycle_view(session, year)


@router.get("", response_model=CycleList)
def list_cycles(
    session: SessionDep,
    _: Annotated[Principal, Depends(require(*STAFF_ROLES))],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CycleList:
    """Every cycle, the latest first, with its phase and its applications per stage."""
    return cycles.list_cycles(session, page=page, size=size)


@router.patch("/{year}", response_model=CycleView, responses=responses(
    404, 409, e404="Unknown cycle",
    e409="The window has closed, an end in the past, a capacity below the seats given, or "
         "the cycle was amended meanwhile"))
async def amend_cycle(
    year: Year,
    body: CycleAmend,
    cycles_: CyclesDep,
    sessions: SessionsDep,
    principal: Annotated[Principal, Depends(require(Role.admin))],
) -> CycleView:
    """Amend the running cycle (CYC-1): its window's end, SLA days, claim hours, cities.

    Recorded in the cycle's workflow history (actor, time, before, after); open applications
    follow the new terms: an unpaid one waits for the new end, a stage's deadline follows the
    new SLA days. AGE-1 and AGE-2 keep the reference day first announced.
    """
    return await amendments.amend_cycle(cycles_, sessions, principal, year, body)


@router.get("/{year}/amendments", response_model=AmendmentList,
            responses=responses(404, e404="Unknown cycle"))
async def list_amendments(
    year: Year,
    cycles_: CyclesDep,
    sessions: SessionsDep,
    _: Annotated[Principal, Depends(require(*STAFF_ROLES))],
) -> AmendmentList:
    """The cycle's amendments (CYC-1), the oldest first, as its workflow recorded them."""
    return await amendments.amendments(cycles_, sessions, year)
