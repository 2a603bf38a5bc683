"""Cycles: created by the admin, read by staff (docs/api.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from daftar.api.auth import require
from daftar.api.deps import SessionDep, SettingsDep
from daftar.api.errors import responses
from daftar.api.schemas import Year
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.services import cycles
from daftar.services.auth import Principal
from daftar.services.schemas_cycle import CycleCreate, CycleView

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
