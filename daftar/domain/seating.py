"""Exam seats (EXAM-5): each paid candidate in a venue of their province's centre, one seat each.

EXAM-5: the written exam is held on one day in Tehran and every province centre; from the
cycle's card date each paid candidate's admission card shows their venue and seat. Pure: no
I/O, no clock; the same venues and candidates, in any order, give the same plan.

Algorithm of :func:`assign_seats`:

0. Checks (``ValueError``): venue ids unique, seats not negative; application ids and
   tracking codes unique (REG-3).
1. Venues are grouped by province and ordered by (name, id) within it. A venue whose
   province code is no province, or whose ``city`` (when given) is not its province's centre,
   is a problem and gets nobody.
2. Candidates are grouped by province code, and each province's sorted by tracking code
   (unique, so a total order).
3. One pass over each province's candidates: a province with candidates and no venue, or
   with more candidates than its venues' seats, is a problem and none of its candidates is
   seated (no partial province: a seat once on a card must not move when venues are added).
   Otherwise the first venue takes the first candidates, seats 1, 2, …, until it is full, then
   the next venue, and so on; a venue's seats are numbered 1..assigned without gaps.
   Candidates whose province code is no province are a problem too.

A plan with problems is not one to print cards from (:attr:`SeatingPlan.ok`). The problems
are :class:`~daftar.domain.violations.Violation` values under EXAM-5, in province-code order,
each naming the province in Persian (and English and its code) and the numbers.

Cost: one sort of each province's candidates (together, no more than one sort of them all),
then linear in candidates and venues. The records are named tuples: a plan of 100,000 seats
is built in a fraction of a second.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple

from daftar.domain.jalali import day_start_utc, parse_jalali
from daftar.domain.places import PROVINCES_BY_CODE, Province, is_centre
from daftar.domain.violations import Violation


class Venue(NamedTuple):
    """An exam venue (حوزه امتحانی) in a province centre (EXAM-5).

    Attributes:
        id: the venue's id, unique among the venues of a cycle.
        name: its name; venues of a province are filled in (name, id) order.
        province: the SCI two-digit code of its province, exactly as in
            ``daftar.domain.places.PROVINCES`` (``find_province(name).code`` gives it).
        seats: how many candidates it holds, at least 0.
        city: its city, when known; it must then be the province's centre.
    """

    id: str
    name: str
    province: str
    seats: int
    city: str | None = None


class ExamCandidate(NamedTuple):
    """A paid candidate to seat (EXAM-5).

    Attributes:
        application_id: the application's id.
        tracking_code: its tracking code (REG-3); candidates are seated in its order.
        province: the SCI two-digit code of the province the applicant named (REG-7),
            exactly as in ``daftar.domain.places.PROVINCES``.
    """

    application_id: str
    tracking_code: str
    province: str


class SeatAssignment(NamedTuple):
    """A candidate's seat: a venue of their province and a seat number from 1 (EXAM-5)."""

    application_id: str
    tracking_code: str
    province: str
    venue_id: str
    seat: int


class VenueLoad(NamedTuple):
    """A venue's seats and how many of them the plan gives (EXAM-5)."""

    venue_id: str
    name: str
    province: str
    seats: int
    assigned: int

    @property
    def free(self) -> int:
        """Seats left empty."""
        return self.seats - self.assigned


@dataclass(frozen=True, slots=True)
class SeatingPlan:
    """The seats of a cycle's exam (EXAM-5).

    Attributes:
        assignments: every seated candidate, in (province code, venue order, seat) order,
            which is also (province code, tracking code) order.
        venues: every venue with its seats and the number assigned, in (province code,
            name, id) order.
        unseated: application ids of the candidates left without a seat because of a
            problem of their province, in (province code, tracking code) order.
        problems: EXAM-5 violations in province-code order; none when the plan is complete.
    """

    assignments: tuple[SeatAssignment, ...]
    venues: tuple[VenueLoad, ...]
    unseated: tuple[str, ...]
    problems: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """Whether every candidate has a seat and no venue is misplaced: cards may show it."""
        return not self.problems

    def by_application(self) -> dict[str, SeatAssignment]:
        """Each seated candidate's seat, by application id (for the admission cards)."""
        return {a.application_id: a for a in self.assignments}


_tracking = attrgetter("tracking_code")


def _venue_order(v: Venue) -> tuple[str, str, str]:
    return (v.province, v.name, v.id)


def _named(province: Province) -> str:
    return f"{province.name_fa} ({province.name_en}, {province.code})"


def _check_inputs(venues: list[Venue], candidates: list[ExamCandidate]) -> None:
    """EXAM-5, REG-3: ids unique and seats not negative, else ValueError naming the first."""
    for what, values in (
        ("venue id", [v.id for v in venues]),
        ("application id", [c.application_id for c in candidates]),
        ("tracking code", [c.tracking_code for c in candidates]),
    ):
        if len(set(values)) != len(values):
            twice = sorted(k for k, n in Counter(values).items() if n > 1)
            rule = "REG-3" if what == "tracking code" else "EXAM-5"
            raise ValueError(f"{rule}: {what} {twice[0]!r} is listed more than once.")
    for v in venues:
        if v.seats < 0:
            raise ValueError(f"EXAM-5: venue {v.id!r} has {v.seats} seats; seats are 0 or more.")


def _usable_venues(venues: list[Venue], problems: list[tuple[str, Violation]]
                   ) -> dict[str, list[Venue]]:
    """Venues by province code, in fill order; misplaced ones are problems and left out."""
    usable: dict[str, list[Venue]] = defaultdict(list)
    for v in venues:
        province = PROVINCES_BY_CODE.get(v.province)
        if province is None:
            problems.append((v.province, Violation(rule="EXAM-5", field="venues", message=(
                f"Venue {v.name} ({v.id}) has province code {v.province!r}, which is no "
                "province; use the SCI two-digit code, 00 to 30."))))
        elif v.city is not None and not is_centre(province, v.city):
            problems.append((v.province, Violation(rule="EXAM-5", field="venues", message=(
                f"Venue {v.name} ({v.id}) is in {v.city}, not in {province.centre_fa} "
                f"({province.centre_en}), the centre of {_named(province)}: the exam is held "
                "in province centres only."))))
        else:
            usable[v.province].append(v)
    return usable


def assign_seats(venues: Iterable[Venue], candidates: Iterable[ExamCandidate]) -> SeatingPlan:
    """Seat every candidate in a venue of their province's centre (EXAM-5).

    See the module docstring for the steps and the order. Deterministic: the same venues and
    candidates in any order give an equal plan.

    Args:
        venues: the cycle's venues.
        candidates: the cycle's paid candidates, each with their province's SCI code.

    Returns:
        The plan: seats, per-venue loads, the candidates left unseated and the problems.

    Raises:
        ValueError: a venue id, application id or tracking code is repeated, or a venue has
            negative seats.
    """
    all_venues = sorted(venues, key=_venue_order)
    people = list(candidates)
    _check_inputs(all_venues, people)
    problems: list[tuple[str, Violation]] = []
    usable = _usable_venues(all_venues, problems)
    by_province: dict[str, list[ExamCandidate]] = defaultdict(list)
    for c in people:
        by_province[c.province].append(c)

    assigned: dict[str, int] = {}
    seated: list[SeatAssignment] = []
    unseated: list[str] = []
    for code in sorted(by_province):
        # Tracking codes are unique (checked above), so they alone order a province's people.
        group = sorted(by_province[code], key=_tracking)
        problem = _province_problem(code, len(group), usable.get(code, []))
        if problem is not None:
            problems.append((code, problem))
            unseated.extend(c.application_id for c in group)
            continue
        start = 0
        for v in usable[code]:
            taken = group[start:start + v.seats]
            seated.extend(SeatAssignment(c.application_id, c.tracking_code, code, v.id, n)
                          for n, c in enumerate(taken, start=1))
            assigned[v.id] = len(taken)
            start += len(taken)

    loads = tuple(VenueLoad(v.id, v.name, v.province, v.seats, assigned.get(v.id, 0))
                  for v in all_venues)
    problems.sort(key=lambda p: p[0])
    return SeatingPlan(assignments=tuple(seated), venues=loads, unseated=tuple(unseated),
                       problems=tuple(p for _, p in problems))


def _province_problem(code: str, count: int, venues: list[Venue]) -> Violation | None:
    """EXAM-5: why a province's ``count`` candidates cannot all be seated, or None."""
    province = PROVINCES_BY_CODE.get(code)
    if province is None:
        return Violation(rule="EXAM-5", field="candidates", message=(
            f"{count} candidate(s) have province code {code!r}, which is no province; each "
            "candidate needs their province's SCI two-digit code, 00 to 30."))
    if not venues:
        return Violation(rule="EXAM-5", field="venues", message=(
            f"{_named(province)} has {count} candidate(s) and no exam venue; add a venue in "
            f"{province.centre_fa} ({province.centre_en}) with at least {count} seats."))
    seats = sum(v.seats for v in venues)
    if count > seats:
        return Violation(rule="EXAM-5", field="venues", message=(
            f"{_named(province)} has {count} candidates for {seats} seats in "
            f"{len(venues)} venue(s); {count - seats} more seats are needed in "
            f"{province.centre_fa} ({province.centre_en})."))
    return None


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (instants are stored in UTC)")


def seats_fixed(now: datetime, card_date: str) -> bool:
    """EXAM-5: whether the seats are fixed at ``now``: from the card date on, cards show them.

    The card date is a Jalali day; seats are fixed from its 00:00 Asia/Tehran.

    Args:
        now: an aware instant.
        card_date: the cycle's card date, ``YYYY/MM/DD`` (Persian digits accepted).

    Returns:
        True from the card date's first instant on.

    Raises:
        ValueError: ``now`` is naive or ``card_date`` is not a Jalali date.
    """
    _require_aware(now)
    return now >= day_start_utc(parse_jalali(card_date))


def reseating_violation(now: datetime, card_date: str) -> Violation | None:
    """EXAM-5: a change of the seats at ``now`` refused once they are fixed, or None before.

    Args:
        now: an aware instant.
        card_date: the cycle's card date, ``YYYY/MM/DD``.

    Returns:
        The violation from the card date on; None before it.

    Raises:
        ValueError: ``now`` is naive or ``card_date`` is not a Jalali date.
    """
    if not seats_fixed(now, card_date):
        return None
    return Violation(rule="EXAM-5", field="venues", message=(
        f"Seats are fixed from the card date {parse_jalali(card_date)} (Tehran time): "
        "admission cards show "
        "them, so venues and seats no longer change."))
