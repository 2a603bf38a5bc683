"""The admin's and auditor's overview of a cycle.

Its stages by province, overdue work, escalations, the exam's distribution and pass mark, and the
launch rounds' placements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Session

from daftar.services.cycles import load_cycle
from daftar.services.listing import Row, row_of
from daftar.services.schemas_cohort import StatsView
from daftar.services.stats import cycle_stats
from daftar.store import cohort, queries, reads
from daftar.store.cycles import cycle_years
from daftar.store.models import EscalationRow, PlacementRecord

#: Placements read per round; the rest are counted.
PLACEMENTS_SHOWN = 100
#: Escalations listed, and overdue applications per page.
LIST_SIZE = 50


@dataclass
class Histogram:
    """Totals binned for a chart, with the pass mark's position."""

    bins: list[tuple[Decimal, Decimal, int]]
    lowest: Decimal
    highest: Decimal
    pass_mark: Decimal | None
    count: int
    passed: int

    @property
    def tallest(self) -> int:
        """The highest bin's count."""
        return max((n for _, _, n in self.bins), default=0)

    def x(self, value: Decimal, width: float) -> float:
        """`value`'s horizontal position on a chart `width` wide."""
        span = self.highest - self.lowest
        return float((value - self.lowest) / span) * width if span else width / 2


def histogram(scores: list[tuple[Decimal, bool]], pass_mark: Decimal | None,
              bins: int = 20) -> Histogram:
    """Loaded totals in `bins` equal bins spanning them, and the pass mark.

    Each total with whether it passed, as scored.
    """
    totals = [t for t, _ in scores]
    points = [*totals, *([pass_mark] if pass_mark is not None else [])]
    if not totals:
        return Histogram([], Decimal(0), Decimal(0), pass_mark, 0, 0)
    low, high = min(points), max(points)
    if low == high:
        low, high = low - 1, high + 1
    width = (high - low) / bins
    counts = [0] * bins
    for t in totals:
        counts[min(int((t - low) / width), bins - 1)] += 1
    edges = [(low + width * i, low + width * (i + 1), counts[i]) for i in range(bins)]
    return Histogram(edges, low, high, pass_mark, len(totals), sum(p for _, p in scores))


@dataclass
class CycleOverview:
    """What the dashboard shows of a cycle; only the years when there is no cycle yet."""

    year: int | None
    years: list[int]
    stats: StatsView | None = None
    provinces: list[str] = field(default_factory=list)
    overdue: int = 0
    escalations: list[EscalationRow] = field(default_factory=list)
    escalation_count: int = 0
    chart: Histogram | None = None
    placements: dict[int, list[PlacementRecord]] = field(default_factory=dict)


def overview(session: Session, year: int | None) -> CycleOverview:
    """The cycle of `year`, else the latest (404 for an unknown year)."""
    years = cycle_years(session)
    year = year if year is not None else (years[0] if years else None)
    if year is None:
        return CycleOverview(year=None, years=years)
    load_cycle(session, year)
    stats = cycle_stats(session, year)
    scores = reads.score_totals(session, year)
    return CycleOverview(
        year=year, years=years, stats=stats,
        provinces=sorted({p for by in stats.counts.values() for p in by}),
        overdue=queries.count_overdue(session, year, datetime.now(UTC)),
        escalations=reads.latest_escalations(session, year, LIST_SIZE),
        escalation_count=reads.count_escalations(session, year),
        chart=histogram(scores, stats.exam.pass_mark if stats.exam else None),
        placements={r.number: cohort.placements_of(session, year, r.number)[:PLACEMENTS_SHOWN]
                    for r in stats.rounds if r.number is not None})


def overdue_rows(session: Session, year: int, *, page: int) -> tuple[list[Row], int]:
    """One page of the cycle's overdue applications, the longest overdue first.

    404 for an unknown cycle.
    """
    load_cycle(session, year)
    rows, total = queries.list_overdue(session, year, datetime.now(UTC), page=page,
                                       size=LIST_SIZE)
    return [row_of(r) for r in rows], total
