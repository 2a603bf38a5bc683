"""One page of a cycle's applications by stage, province and city: the admin's list.

Read from the read model's list (`daftar.services.listing`), the latest changed first. Without
a cycle asked for, the active cycle's (`daftar.services.active_cycle`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from daftar.domain.places import city_label
from daftar.services.active_cycle import active_year
from daftar.services.cycles import cycle_years, load_cycle
from daftar.services.listing import ApplicationFilter, Row, rows_page
from daftar.store.queries import city_names


@dataclass
class Listing:
    """One page of the list, and what its filter offers."""

    cycle: int | None
    years: list[int]
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    cities: list[str] = field(default_factory=list)


def cycle_applications(session: Session, cycle: int | None, stage: str | None,
                       province: str | None, city: str | None, *, page: int,
                       size: int) -> Listing:
    """Page `page` of a cycle's applications at `stage` in `province` and `city`.

    Each filter is optional; `cycle` None means the active cycle. 404 for an unknown cycle.
    """
    years = cycle_years(session)
    year = cycle if cycle is not None else active_year(session)
    if year is None:
        return Listing(cycle=None, years=years)
    load_cycle(session, year)  # 404 for an unknown cycle
    flt = ApplicationFilter(cycle=year, stages=[stage] if stage else [],
                            province=province or None, city=city or None)
    rows, total = rows_page(session, flt, page=page, size=size)
    return Listing(cycle=year, years=years, rows=rows, total=total,
                   cities=sorted(city_names(session, year), key=city_label))
