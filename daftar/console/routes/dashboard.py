"""The admin dashboard.

A cycle's stages by province, overdue work, escalations, the pass mark and its distribution, and the
launch rounds with their placements. Without a cycle asked for, the page shows the active one
(`daftar.services.active_cycle`), as does the overdue list.

The charts are server-drawn SVG, read without colour: every bar carries its number as text,
provinces take the Okabe–Ito colours (distinct to every kind of colour vision) with patterns
beyond eight, the stages' chart draws the stages still in progress apart from the finished ones
(each group on its own scale, each bar at least visible), and the score histogram has both axes
with ticks and titles and the pass mark drawn dashed and named.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import page
from daftar.domain.places import city_label
from daftar.domain.stages import TERMINAL_STAGES, Role, Stage
from daftar.services import dashboard as dashboard_service
from daftar.services.active_cycle import active_year
from daftar.services.cycles import cycle_years
from daftar.services.dashboard import (
    LIST_SIZE,
    PLACEMENTS_SHOWN,
    CycleOverview,
    Histogram,
)
from daftar.services.schemas_cohort import StatsView

routes = router()

#: The stages in the order of the path, for the chart's rows.
STAGE_ORDER = [s.value for s in Stage]
#: The stages an application leaves no more: drawn apart from those still in progress.
FINISHED = frozenset({Stage.licensed.value, *(s.value for s in TERMINAL_STAGES)})
Year = Annotated[int | None, Query(ge=1, le=9999)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]

#: The Okabe–Ito colours, told apart with any colour vision; provinces beyond eight take them
#: again with a pattern (`PATTERNS`).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
#: The patterns laid over a province's colour, one per round of the palette (None: plain).
PATTERNS = (None, "hatch", "dots", "cross")
#: The widest bar's share of the chart's width (%): the rest holds the bars' numbers.
BAR_ROOM = 76.0
#: The narrowest a bar with any application is drawn (% of the chart's width).
MIN_BAR = 1.5


@dataclass(frozen=True)
class Swatch:
    """How one province is drawn: its colour, and its pattern when the colours run out."""

    province: str
    colour: str
    pattern: str | None
    index: int

    @property
    def fill(self) -> str:
        """The SVG fill: the colour, or the pattern of that colour."""
        return f"url(#province-{self.index})" if self.pattern else self.colour


def swatches(provinces: list[str]) -> dict[str, Swatch]:
    """Each province's swatch, in the given order."""
    return {p: Swatch(p, PALETTE[i % len(PALETTE)],
                      PATTERNS[(i // len(PALETTE)) % len(PATTERNS)], i)
            for i, p in enumerate(provinces)}


@dataclass
class Segment:
    """One province's part of a stage's bar, its place and width in % of the chart."""

    province: str
    n: int
    x: float
    width: float
    fill: str


@dataclass
class StageBar:
    """One stage's bar, split by province, with the place of its number (%)."""

    stage: str
    total: int
    segments: list[Segment]
    width: float
    label_x: float


@dataclass
class StageGroup:
    """Stages drawn on one scale: those in progress, or those finished."""

    key: str
    title: str
    bars: list[StageBar]


def _bar(stage: str, by: dict[str, int], provinces: list[str], kinds: dict[str, Swatch],
         widest: int) -> StageBar:
    total = sum(by.get(p, 0) for p in provinces)
    width = max(total / widest * BAR_ROOM, MIN_BAR) if widest else MIN_BAR
    segments: list[Segment] = []
    edge = 100.0  # bars grow from the right, as the page reads
    for province in provinces:
        n = by.get(province, 0)
        if n:
            w = width * n / total
            edge -= w
            segments.append(Segment(province, n, round(edge, 3), round(w, 3),
                                    kinds[province].fill))
    return StageBar(stage, total, segments, round(width, 3), round(100.0 - width - 2.0, 3))


def stage_groups(stats: StatsView, provinces: list[str],
                 kinds: dict[str, Swatch]) -> list[StageGroup]:
    """The stages with applications in two groups, each on its own scale, in path order."""
    groups = []
    for key, title, finished in (("pending", "در جریان", False), ("finished", "پایان‌یافته", True)):
        stages = [s for s in STAGE_ORDER if stats.counts.get(s) and (s in FINISHED) == finished]
        widest = max((sum(stats.counts[s].values()) for s in stages), default=0)
        bars = [_bar(s, stats.counts[s], provinces, kinds, widest) for s in stages]
        if bars:
            groups.append(StageGroup(key, title, bars))
    return groups


#: The histogram's drawing area in its viewBox (0 0 WIDTH HEIGHT).
WIDTH, HEIGHT = 680, 326
LEFT, RIGHT, TOP, BOTTOM = 70, 664, 48, 252


@dataclass(frozen=True)
class Bin:
    """One bar of the histogram in viewBox units, its band and count."""

    x: float
    y: float
    width: float
    height: float
    low: int
    high: int
    n: int


@dataclass(frozen=True)
class Tick:
    """A tick of an axis: its position and its number."""

    at: float
    value: int


@dataclass
class HistogramChart:
    """The score histogram as drawn: bins, ticks on both axes, and the pass mark."""

    bins: list[Bin]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    pass_x: float | None
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    width: int = WIDTH
    height: int = HEIGHT


def _step(tallest: int) -> int:
    """A round step (1, 2 or 5 × 10ⁿ) giving at most five ticks up to `tallest`."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if tallest <= m * step * 5:
                return m * step
        step *= 10


def histogram(chart: Histogram) -> HistogramChart:
    """The histogram's drawing: y from 0 to a round top, x across the bins' bands."""
    top_count = chart.tallest or 1
    step = _step(top_count)
    top_value = math.ceil(top_count / step) * step
    span_x, span_y = RIGHT - LEFT, BOTTOM - TOP

    def y_of(n: int) -> float:
        return round(BOTTOM - n / top_value * span_y, 2)

    width = span_x / len(chart.bins) if chart.bins else span_x
    bins = [Bin(x=round(LEFT + i * width + 1, 2), y=y_of(n), width=round(width - 2, 2),
                height=round(BOTTOM - y_of(n), 2), low=round(low), high=round(high),
                n=n)
            for i, (low, high, n) in enumerate(chart.bins)]
    every = max(1, len(chart.bins) // 5)
    edges = [(i, chart.bins[i][0]) for i in range(0, len(chart.bins), every)]
    if chart.bins:
        edges.append((len(chart.bins), chart.bins[-1][1]))
    x_ticks = [Tick(round(LEFT + i * width, 2), round(Decimal(v))) for i, v in edges]
    y_ticks = [Tick(y_of(v), v) for v in range(0, top_value + 1, step)]
    pass_x = (round(LEFT + chart.x(chart.pass_mark, span_x), 2)
              if chart.pass_mark is not None else None)
    return HistogramChart(bins, x_ticks, y_ticks, pass_x)


@dataclass
class Dashboard:
    """The dashboard page's data: the service's overview, and its charts."""

    year: int | None
    years: list[int]
    active: int | None = None
    stats: StatsView | None = None
    provinces: list[str] | None = None
    groups: list[StageGroup] | None = None
    swatches: dict[str, Swatch] | None = None
    overdue: int = 0
    escalations: list[Any] | None = None
    escalation_count: int = 0
    chart: Histogram | None = None
    drawn: HistogramChart | None = None
    placements: dict[int, list[Any]] | None = None

    @property
    def bars(self) -> list[StageBar]:
        """Every stage's bar, both groups."""
        return [b for g in self.groups or [] for b in g.bars]

    @classmethod
    def of(cls, seen: CycleOverview, active: int | None) -> Dashboard:
        """The page's data for the service's overview."""
        if seen.stats is None:
            return cls(year=seen.year, years=seen.years, active=active)
        kinds = swatches(seen.provinces)
        return cls(year=seen.year, years=seen.years, active=active, stats=seen.stats,
                   provinces=seen.provinces,
                   groups=stage_groups(seen.stats, seen.provinces, kinds), swatches=kinds,
                   overdue=seen.overdue, escalations=seen.escalations,
                   escalation_count=seen.escalation_count, chart=seen.chart,
                   drawn=histogram(seen.chart) if seen.chart and seen.chart.count else None,
                   placements=seen.placements)


def _overview(session: Session, cycle: int | None) -> tuple[CycleOverview, int | None]:
    active = active_year(session)
    return dashboard_service.overview(session, cycle if cycle is not None else active), active


@routes.get("/dashboard")
async def dashboard(request: Request, who: ViewerDep, cycle: Year = None) -> Response:
    """A cycle's overview (the active cycle's when none is asked for)."""
    need(who, Role.admin, Role.auditor)
    seen, active = await asyncio.to_thread(in_session, request,
                                           lambda s: _overview(s, cycle))
    data = Dashboard.of(seen, active)
    return page(request, "dashboard.html", viewer=who, title="داشبورد", data=data,
                stage_order=STAGE_ORDER, placements_shown=PLACEMENTS_SHOWN,
                city_name=city_label)


def _overdue(session: Session, cycle: int | None, page_no: int,
             ) -> tuple[int | None, list[int], list[Any], int]:
    years = cycle_years(session)
    year = cycle if cycle is not None else active_year(session)
    if year is None:
        return None, years, [], 0
    rows, total = dashboard_service.overdue_rows(session, year, page=page_no)
    return year, years, rows, total


@routes.get("/overdue")
async def overdue(request: Request, who: ViewerDep, cycle: Year = None,
                  page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
                  ) -> Response:
    """Every overdue application of the cycle, the longest overdue first.

    The active cycle's when none is asked for.
    """
    need(who, Role.admin, Role.auditor)
    year, years, rows, total = await asyncio.to_thread(
        in_session, request, lambda s: _overdue(s, cycle, page_no))
    return page(request, "overdue.html", viewer=who, title="کارهای معوق", rows=rows,
                total=total, cycle=year, years=years, page_no=page_no,
                pages=max(1, -(-total // LIST_SIZE)), city_name=city_label)
