"""Provinces as reference data (REG-7, LAUNCH-1).

The list the API and the console offer, and a cycle's places resolved to the province codes
they are stored with. The API takes a province by its Persian or English name in any spelling
`daftar.domain.places.find_province` reads, or by its code, and stores the Statistical Centre
of Iran's two-digit code; a cycle's cities and their neighbours are resolved here before they
are checked and stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from daftar.domain.places import PROVINCES, normalise_place, place_key, province_code
from daftar.domain.violations import Violation

__all__ = ["ProvinceView", "ResolvedCity", "city_names", "province_violation", "provinces",
           "resolve_cities"]

Place = tuple[str, str]


class ProvinceView(BaseModel):
    """One of Iran's 31 provinces: its code (what the API stores), names and centre."""

    #: The Statistical Centre of Iran's two-digit code, `"00"` to `"30"`.
    code: str
    #: The official Persian name, e.g. «آذربایجان شرقی».
    name_fa: str
    #: The English name as commonly written, e.g. `East Azerbaijan`.
    name_en: str
    #: The centre's Persian name, e.g. «تبریز».
    centre_fa: str
    #: The centre's English name, e.g. `Tabriz`.
    centre_en: str


def provinces() -> list[ProvinceView]:
    """The 31 provinces in the order of their codes."""
    return [ProvinceView(code=p.code, name_fa=p.name_fa, name_en=p.name_en,
                         centre_fa=p.centre_fa, centre_en=p.centre_en) for p in PROVINCES]


def province_violation(value: str, field: str) -> Violation:
    """LAUNCH-1: `value`, given as the province of `field`, names none of the 31 provinces."""
    return Violation(rule="LAUNCH-1", field=field, message=(
        f"«{value}» names none of Iran's 31 provinces: give its Persian or English name or "
        "its two-digit code (GET /v1/places/provinces lists them)."))


@dataclass(frozen=True)
class ResolvedCity:
    """A city of a request with its province as stored: the code, or as given when unknown."""

    province: str
    city: str
    #: Each neighbour as stored: the cycle's own spelling of the city it names, when it lists
    #: it; else its province's code (or the name given, when unknown) and the city as given.
    neighbours: tuple[Place, ...] | None


def resolve_cities(cities: Sequence[tuple[str, str, Sequence[Place] | None]], *,
                   listed: Sequence[Place] = ()) -> tuple[list[ResolvedCity], list[Violation]]:
    """The cities of a request with their provinces and neighbours as they are stored.

    A city that `listed` (the cycle's cities as stored) names by `place_key` keeps the cycle's
    own spelling, whatever its province holds (a code, or the name of a cycle stored before
    provinces were codes): an amendment finds it when the admin names its province by name.
    Any other city takes its province's code; a province that names none of the 31 is a
    LAUNCH-1 violation on the field. Neighbours likewise: the spelling of the city they name
    among `listed` and the request's own cities, else their province's code.

    Args:
        cities: each city as (province, city, neighbours or None when not given).
        listed: the cities the cycle already has, as stored.

    Returns:
        The cities as stored, in the request's order, and the violations (one per unknown
        province, each naming its field, e.g. `cities.0.neighbours.1.province`).
    """
    violations: list[Violation] = []
    known: dict[tuple[str, str], Place] = {place_key(*p): p for p in listed}
    paths = [f"cities.{i}" for i in range(len(cities))]

    def resolve(province: str, city: str, field: str) -> Place:
        found = known.get(place_key(province, city))
        if found is not None:
            return found
        code = province_code(province)
        if code is None:
            violations.append(province_violation(province, f"{field}.province"))
            return (province, city)
        return (code, city)

    own: list[Place] = []
    for (province, city, _), path in zip(cities, paths, strict=True):
        place = resolve(province, city, path)
        own.append(place)
        known.setdefault(place_key(*place), place)
    out: list[ResolvedCity] = []
    for (_, _, neighbours), place, path in zip(cities, own, paths, strict=True):
        resolved = None if neighbours is None else tuple(
            resolve(p, c, f"{path}.neighbours.{j}") for j, (p, c) in enumerate(neighbours))
        out.append(ResolvedCity(province=place[0], city=place[1], neighbours=resolved))
    return out, violations


def city_names(names: Iterable[str]) -> list[str]:
    """What a city field offers in the console: each name once, in the order of their keys.

    Names are the same when their `normalise_place` keys are; the first spelling is kept.
    """
    kept: dict[str, str] = {}
    for name in names:
        kept.setdefault(normalise_place(name), name)
    return [kept[k] for k in sorted(kept)]
