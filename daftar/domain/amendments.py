"""CYC-1: what an amendment of a running cycle may change, checked before it is sent.

The checks that need only the request and the cycle as stored live here; whether the window
is still open, and whether the admin's view is current, is checked again by the cycle's
workflow on its own clock (`daftar.domain.transitions.amend`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from daftar.domain.cycles import cycle_violations, parse_dates
from daftar.domain.refusals import Refusal, RefusalKind
from daftar.domain.violations import Violation

Place = tuple[str, str]


@dataclass(frozen=True)
class CityTerms:
    """A city of the cycle: capacity, priority and neighbours in other provinces (LAUNCH-1)."""

    province: str
    city: str
    capacity: int
    priority: int
    neighbours: tuple[Place, ...] = field(default_factory=tuple)

    @property
    def place(self) -> Place:
        """The city as (province, city)."""
        return (self.province, self.city)


def amended_cities(current: Sequence[CityTerms], changes: Sequence[CityTerms]
                   ) -> tuple[list[CityTerms], list[Place]]:
    """The cycle's cities after `changes`: each listed city replaced, the others added.

    Returns:
        Every city after the amendment (the cycle's order, new ones last), and the places
        the amendment adds.
    """
    by_place = {c.place: c for c in current}
    added = [c.place for c in changes if c.place not in by_place]
    changed = {c.place: c for c in changes}
    after = [changed.get(c.place, c) for c in current]
    after += [changed[p] for p in added]
    return after, added


def amendment_refusal(*, registration_start: str, registration_end: str,
                      new_end: str | None, exam_date: str | None,
                      cities_after: Sequence[CityTerms],
                      seats_given: Mapping[Place, int]) -> Refusal | None:
    """Every reason the amendment may not be made, at once, or None.

    REG-1: a new end is a Jalali date, not before the window's start, before the exam.
    LAUNCH-1: the cities after it stay consistent (unique; neighbours are cities of the cycle
    in other provinces). CYC-1: no capacity below the seats launch rounds already gave (409).

    Args:
        registration_start: The window's first day, as stored.
        registration_end: The window's last day, as stored.
        new_end: The amended last day, or None when it is not amended.
        exam_date: The exam's day, as stored, if set.
        cities_after: Every city of the cycle as the amendment leaves it.
        seats_given: Seats given so far per (province, city).
    """
    out: list[Violation] = []
    if new_end is not None:
        days = parse_dates({"registration_end": new_end}, out)
        if "registration_end" in days:
            out += [v for v in cycle_violations(
                registration_start=registration_start, registration_end=new_end,
                exam_date=exam_date, subject_codes=[], group_weights={}, cities=[])
                if v.field in ("registration_end", "exam_date")]
    out += cycle_violations(
        registration_start=registration_start, registration_end=registration_end,
        exam_date=None, subject_codes=[], group_weights={},
        cities=[(c.province, c.city, c.neighbours) for c in cities_after])
    if out:
        return Refusal(kind=RefusalKind.invalid,
                       message="The amendment breaks the cycle's rules.", violations=tuple(out))
    below = [Violation(rule="CYC-1", field="cities", message=(
        f"{c.city} ({c.province}): capacity {c.capacity} is below the {seats_given[c.place]} "
        "seats launch rounds have already given."))
        for c in cities_after if seats_given.get(c.place, 0) > c.capacity]
    if below:
        return Refusal(kind=RefusalKind.conflict,
                       message="A capacity cannot fall below the seats already given.",
                       violations=tuple(below))
    return None
