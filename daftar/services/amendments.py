"""Amendments of a running cycle (CYC-1): checked, recorded by the cycle's workflow, listed.

The service reads the cycle as stored, works out the configuration after the change and what
it changes, answers early what the rules refuse, and sends the amendment to the cycle's
workflow: its history is the record (actor, time, before, after). The workflow stores the new
configuration before it answers, then carries the terms to every open application they
concern (daftar.activities.amendments).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from daftar.contracts.cycle import AmendIn, CityChange
from daftar.contracts.workflows import Cycle
from daftar.core.errors import ServiceError
from daftar.domain import transitions
from daftar.domain.amendments import CityTerms, amended_cities, amendment_refusal
from daftar.domain.cycles import registration_window
from daftar.domain.jalali import parse_jalali
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Cycles
from daftar.services.auth import Principal, actor
from daftar.services.cycles import KnownCycle, cycle_view, load_cycle
from daftar.services.errors import refused
from daftar.services.places import resolve_cities
from daftar.services.schemas_cycle import (
    AmendmentList,
    AmendmentView,
    CityAmend,
    CycleAmend,
    CycleView,
)
from daftar.services.views import instant
from daftar.store.cycles import seats_given
from daftar.store.db import SessionFactory


def _nothing() -> ServiceError:
    return ServiceError(422, "invalid", "The amendment changes nothing.",
                        [Violation(rule="CYC-1", message="Name at least one setting to change.")])


def _city_terms(cycle: KnownCycle) -> list[CityTerms]:
    return [CityTerms(province=c.province, city=c.city, capacity=c.capacity,
                      priority=c.priority,
                      neighbours=tuple((n.province, n.city) for n in c.neighbours))
            for c in cycle.config.cities]


def _changes(current: list[CityTerms], body: list[CityAmend]) -> list[CityTerms]:
    """Each city of the request as it will stand; a new one must give all three settings.

    A city the cycle lists is found however the request names its province (by name while it
    is stored as a code, or the other way round for a cycle stored before provinces were
    codes) and keeps the cycle's spelling; a new city and each neighbour are stored with their
    province's code (`daftar.services.places.resolve_cities`).
    """
    by_place = {c.place: c for c in current}
    resolved, missing = resolve_cities(
        [(c.province, c.city,
          None if c.neighbours is None else [(n.province, n.city) for n in c.neighbours])
         for c in body], listed=list(by_place))
    out: list[CityTerms] = []
    for i, (c, r) in enumerate(zip(body, resolved, strict=True)):
        was = by_place.get((r.province, r.city))
        if was is None and (c.capacity is None or c.priority is None):
            missing.append(Violation(rule="CYC-1", field=f"cities.{i}", message=(
                f"{c.city} ({c.province}) is not a city of this cycle: to add it, give its "
                "capacity and priority.")))
            continue
        neighbours = (r.neighbours if r.neighbours is not None
                      else was.neighbours if was else ())
        out.append(CityTerms(
            province=r.province, city=r.city,
            capacity=c.capacity if c.capacity is not None else was.capacity,  # type: ignore[union-attr]
            priority=c.priority if c.priority is not None else was.priority,  # type: ignore[union-attr]
            neighbours=neighbours))
    if missing:
        raise ServiceError(422, "invalid", "The amendment breaks the cycle's rules.", missing)
    return out


def _city_view(c: CityTerms | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"province": c.province, "city": c.city, "capacity": c.capacity,
            "priority": c.priority,
            "neighbours": [{"province": p, "city": n} for p, n in c.neighbours]}


async def amend_cycle(cycles: Cycles, sessions: SessionFactory, principal: Principal,
                      year: int, body: CycleAmend) -> CycleView:
    """Amend the running cycle (CYC-1) and answer it as stored after the amendment.

    Raises:
        ServiceError: 404 for an unknown cycle; 422 for a change that breaks the cycle's rules
            or changes nothing; 409 for a window that has closed, an end in the past, a
            capacity below the seats given, or a cycle amended meanwhile.
    """
    def read() -> tuple[KnownCycle, dict[tuple[str, str], int]]:
        with sessions() as session:
            return load_cycle(session, year), seats_given(session, year)

    cycle, given = await asyncio.to_thread(read)
    config = cycle.config
    current = _city_terms(cycle)
    changes = _changes(current, body.cities)
    cities_after, _ = amended_cities(current, changes)
    new_end = body.registration_end
    if new_end is not None:
        try:
            new_end = str(parse_jalali(new_end))
        except ValueError as err:
            raise ServiceError(422, "invalid", "The amendment breaks the cycle's rules.", [
                Violation(rule="REG-1", field="registration_end", message=str(err))]) from None
        if new_end == config.registration_end:
            new_end = None
    if (refusal := amendment_refusal(
            registration_start=config.registration_start,
            registration_end=config.registration_end, new_end=new_end,
            exam_date=config.exam_date, cities_after=cities_after, seats_given=given)):
        raise refused(refusal)

    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    stored = dict(cycle.stored)
    if new_end is not None:
        before["registration_end"], after["registration_end"] = config.registration_end, new_end
        stored["registration_end"] = new_end
    sla_days = {**config.sla_days, **(body.sla_days or {})}
    if sla_days != config.sla_days:
        before["sla_days"], after["sla_days"] = config.sla_days, sla_days
        stored["sla_days"] = sla_days
    claim_hours = body.claim_hours if body.claim_hours is not None else config.claim_hours
    if claim_hours != config.claim_hours:
        before["claim_hours"], after["claim_hours"] = config.claim_hours, claim_hours
        stored["claim_hours"] = claim_hours
    by_place = {c.place: c for c in current}
    moved = [c for c in changes if by_place.get(c.place) != c]
    if moved:
        before["cities"] = [_city_view(by_place.get(c.place)) for c in moved]
        after["cities"] = [_city_view(c) for c in moved]
        stored["cities"] = [_city_view(c) for c in cities_after]
    if not after:
        raise _nothing()
    stored.setdefault("reference_day", config.age_reference_day)

    _, closes_before = cycle.window()
    _, closes_at = registration_window(config.registration_start,
                                       new_end or config.registration_end)
    changed = [name for name, differs in (
        ("closes_at", closes_at != closes_before), ("sla_days", "sla_days" in after),
        ("claim_hours", "claim_hours" in after)) if differs]
    who = actor(principal)
    # Answered early on this clock; the workflow checks again on its own.
    if (refusal := transitions.amend(
            who, base=config.amendments, amendments=config.amendments,
            closes_before=closes_before, closes_at=closes_at if new_end else None,
            now=datetime.now(UTC))):
        raise refused(refusal)
    await cycles.update(year, Cycle.amend, AmendIn(
        actor=who, base=config.amendments, before=before, after=after, config=stored,
        cities=[CityChange(province=c.province, city=c.city, capacity=c.capacity,
                           priority=c.priority,
                           neighbours=[{"province": p, "city": n} for p, n in c.neighbours],
                           added=c.place not in by_place) for c in moved],
        closes_before=closes_before, closes_at=closes_at, sla_days=sla_days,
        claim_hours=claim_hours, changed=changed))

    def view() -> CycleView:
        with sessions() as session:
            return cycle_view(session, year)

    return await asyncio.to_thread(view)


async def amendments(cycles: Cycles, sessions: SessionFactory, year: int) -> AmendmentList:
    """The cycle's amendments as its workflow recorded them, the oldest first (404 if unknown)."""
    def known() -> None:
        with sessions() as session:
            load_cycle(session, year)

    await asyncio.to_thread(known)
    recorded = await cycles.query(year, Cycle.amendments)
    items = [AmendmentView(number=a.number, actor=a.actor, at=instant(a.at), before=a.before,
                           after=a.after) for a in recorded.items]
    return AmendmentList(items=items, total=len(items))
