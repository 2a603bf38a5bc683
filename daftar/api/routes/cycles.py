"""Cycles: created by the admin, read by staff (API.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.exc import IntegrityError

from daftar.api.auth import Principal, require
from daftar.api.deps import SessionDep, SettingsDep
from daftar.api.errors import responses
from daftar.api.schemas import CycleCreate, CycleView, Year
from daftar.api.views import instant
from daftar.core.errors import ServiceError, violations_error
from daftar.domain.cycles import cycle_violations, registration_window
from daftar.domain.jalali import parse_jalali
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.store import queries
from daftar.store.models import CityRecord, CycleRecord

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
    violations = cycle_violations(
        registration_start=body.registration_start, registration_end=body.registration_end,
        exam_date=body.exam_date, subject_codes=[s.code for s in body.subjects],
        group_weights=body.group_weights,
        cities=[(c.province, c.city, [(n.province, n.city) for n in c.neighbours])
                for c in body.cities])
    if violations:
        raise violations_error("The cycle's configuration is inconsistent.", violations)
    config = body.model_dump(mode="json")
    config["sla_days"] = {**settings.sla_days, **body.sla_days}
    config["registration_start"] = str(parse_jalali(body.registration_start))
    config["registration_end"] = str(parse_jalali(body.registration_end))
    if body.exam_date:
        config["exam_date"] = str(parse_jalali(body.exam_date))
    if queries.get_cycle(session, body.year) is not None:
        raise _exists(body.year)
    try:
        session.add(CycleRecord(year=body.year, config=config, created_at=datetime.now(UTC)))
        session.flush()  # the cycle row first: cities refer to it
    except IntegrityError as err:  # a concurrent request created the same year
        session.rollback()
        raise _exists(body.year) from err
    session.add_all(CityRecord(cycle=body.year, province=c.province, city=c.city,
                               capacity=c.capacity, priority=c.priority,
                               neighbours=[n.model_dump() for n in c.neighbours])
                    for c in body.cities)
    session.commit()
    return _view(session, body.year)


@router.get("/{year}", response_model=CycleView, responses=responses(404, e404="Unknown cycle"))
def get_cycle(
    year: Year,
    session: SessionDep,
    _: Annotated[Principal, Depends(require(*STAFF_ROLES))],
) -> CycleView:
    """The cycle, its phase and its applications counted per stage."""
    return _view(session, year)


def load_cycle(session: SessionDep, year: int) -> CycleRecord:
    cycle = queries.get_cycle(session, year)
    if cycle is None:
        raise ServiceError(404, "not_found", f"No cycle {year}.")
    return cycle


def window(cycle: CycleRecord) -> tuple[datetime, datetime]:
    """REG-1: the cycle's window as UTC instants."""
    return registration_window(cycle.config["registration_start"],
                               cycle.config["registration_end"])


def _view(session: SessionDep, year: int) -> CycleView:
    cycle = load_cycle(session, year)
    opens, closes = window(cycle)
    now = datetime.now(UTC)
    phase = ("before_registration" if now < opens
             else "registration" if now < closes else "after_registration")
    return CycleView(year=year, phase=phase, config=cycle.config,
                     registration_opens=instant(opens), registration_closes=instant(closes),
                     counts=queries.stage_counts(session, year))


def _exists(year: int) -> ServiceError:
    return ServiceError(409, "duplicate", f"Cycle {year} already exists.")
