"""Cycles: created by the admin, read by every step that needs the cycle's rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from daftar.core.errors import ServiceError, violations_error
from daftar.core.settings import Settings
from daftar.domain.cycles import cycle_violations, registration_window
from daftar.domain.jalali import parse_jalali
from daftar.domain.violations import Violation
from daftar.services.places import resolve_cities
from daftar.services.schemas_cycle import (
    City,
    CityRef,
    CycleConfig,
    CycleCreate,
    CycleList,
    CycleView,
)
from daftar.services.views import instant
from daftar.store import queries, reads
from daftar.store.cycles import CycleExists, cycle_years, insert_cycle
from daftar.store.exam_sessions import exam_session
from daftar.store.models import CityRecord

__all__ = ["KnownCycle", "create_cycle", "cycle_view", "cycle_years", "list_cycles",
           "load_cycle"]


@dataclass(frozen=True)
class KnownCycle:
    """A cycle that exists, its configuration typed once from the stored row."""

    year: int
    config: CycleConfig
    #: The configuration exactly as stored, which the cycle's view shows.
    stored: dict[str, Any]

    def window(self) -> tuple[datetime, datetime]:
        """REG-1: the cycle's registration window as UTC instants."""
        return registration_window(self.config.registration_start,
                                   self.config.registration_end)


def load_cycle(session: Session, year: int) -> KnownCycle:
    """The cycle of `year`.

    Raises:
        ServiceError: 404 when there is no such cycle.
    """
    record = queries.get_cycle(session, year)
    if record is None:
        raise ServiceError(404, "not_found", f"No cycle {year}.")
    return KnownCycle(year=record.year, config=CycleConfig.model_validate(record.config),
                      stored=record.config)


def stored_config(body: CycleCreate, settings: Settings) -> dict[str, Any]:
    """The configuration a new cycle is stored with.

    The request's, the operator's default SLAs for the stages it leaves out, and its Jalali dates
    normalised (`YYYY/MM/DD`).
    """
    config = body.model_dump(mode="json")
    config["sla_days"] = {**settings.sla_days, **body.sla_days}
    config["registration_start"] = str(parse_jalali(body.registration_start))
    config["registration_end"] = str(parse_jalali(body.registration_end))
    # AGE-1/AGE-2 count on the end first announced, whatever later amendments do (CYC-1).
    config["reference_day"] = config["registration_end"]
    if body.exam_date:
        config["exam_date"] = str(parse_jalali(body.exam_date))
    return config


def resolved_cities(cities: list[City]) -> tuple[list[City], list[Violation]]:
    """A new cycle's cities as stored: each province (a city's, a neighbour's) as its code.

    Returns:
        The cities, and a LAUNCH-1 violation for each province that names none of the 31.
    """
    resolved, violations = resolve_cities(
        [(c.province, c.city, [(n.province, n.city) for n in c.neighbours]) for c in cities])
    out = [c.model_copy(update={
        "province": r.province, "city": r.city,
        "neighbours": [CityRef(province=p, city=n) for p, n in r.neighbours or ()]})
        for c, r in zip(cities, resolved, strict=True)]
    return out, violations


def create_cycle(session: Session, settings: Settings, body: CycleCreate) -> CycleView:
    """Create a cycle with its window, fee, subjects, cities and SLAs.

    Each city's and each neighbour's province is stored as its code (`resolved_cities`).

    Raises:
        ServiceError: 422 for an inconsistent configuration or a province that names none of
            the 31 (LAUNCH-1, naming the field), 409 when the year exists.
    """
    cities, violations = resolved_cities(body.cities)
    body = body.model_copy(update={"cities": cities})
    violations += cycle_violations(
        registration_start=body.registration_start, registration_end=body.registration_end,
        exam_date=body.exam_date, subject_codes=[s.code for s in body.subjects],
        group_weights=body.group_weights,
        cities=[(c.province, c.city, [(n.province, n.city) for n in c.neighbours])
                for c in body.cities])
    if violations:
        raise violations_error("The cycle's configuration is inconsistent.", violations)
    config = stored_config(body, settings)
    try:
        insert_cycle(session, year=body.year, config=config, created_at=datetime.now(UTC),
                     cities=[CityRecord(cycle=body.year, province=c.province, city=c.city,
                                        capacity=c.capacity, priority=c.priority,
                                        neighbours=[n.model_dump() for n in c.neighbours])
                             for c in body.cities])
    except CycleExists:
        raise ServiceError(409, "duplicate", f"Cycle {body.year} already exists.") from None
    return cycle_view(session, body.year)


def cycle_view(session: Session, year: int) -> CycleView:
    """The cycle, its phase and its applications counted per stage (404 if unknown).

    The phase: `before_registration`, `registration`, `exam` (the window has closed and no
    result is published), `results` (publishing or published), `launch` (a launch round ran),
    `closed` (an admin closed the cycle).
    """
    cycle = load_cycle(session, year)
    opens, closes = cycle.window()
    now = datetime.now(UTC)
    if "closed_at" in cycle.stored:
        phase = "closed"
    elif now < opens:
        phase = "before_registration"
    elif now < closes:
        phase = "registration"
    elif reads.launch_rounds(session, year):
        phase = "launch"
    elif (load := reads.exam_load(session, year)) is not None \
            and load.state in ("publishing", "published"):
        phase = "results"
    else:
        phase = "exam"
    config = dict(cycle.stored)
    if (exam := exam_session(session, year)) is not None:
        config["exam_date"] = exam.exam_date  # the exam session's day replaces it (EXAM-5)
    return CycleView(year=year, phase=phase, config=config,
                     registration_opens=instant(opens), registration_closes=instant(closes),
                     counts=queries.stage_counts(session, year),
                     amendments=cycle.config.amendments,
                     reference_day=cycle.config.age_reference_day)


def list_cycles(session: Session, *, page: int, size: int) -> CycleList:
    """Every cycle with its phase and counts, the latest first, a page at a time."""
    years = cycle_years(session)
    chosen = years[(page - 1) * size:page * size]
    return CycleList(items=[cycle_view(session, y) for y in chosen], total=len(years),
                     page=page, size=size)
