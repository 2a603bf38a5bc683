"""The admin dashboard.

A cycle's stages by province, overdue work, escalations, the pass mark and its distribution, and the
launch rounds with their placements.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import page
from daftar.domain.stages import Role, Stage
from daftar.services import dashboard as dashboard_service
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
Year = Annotated[int | None, Query(ge=1, le=9999)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]


#: Province colours of the chart (each at least 3:1 against white, WCAG 1.4.11).
PALETTE = ("#1f5fa8", "#b3432b", "#2e7d32", "#7b3fa0", "#8a6100", "#00707a", "#b0306e",
           "#4d5b6a", "#5b6f00", "#a34d00")


@dataclass
class Segment:
    """One province's part of a stage's bar."""

    province: str
    n: int
    start: int
    colour: str


@dataclass
class StageBar:
    """One stage's bar, split by province."""

    stage: str
    total: int
    segments: list[Segment]


def stage_bars(stats: StatsView, provinces: list[str]) -> list[StageBar]:
    """One bar per stage with applications, split by province, in the order of the path."""
    colour = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(provinces)}
    bars = []
    for stage in STAGE_ORDER:
        by = stats.counts.get(stage)
        if not by:
            continue
        segments, start = [], 0
        for province in provinces:
            n = by.get(province, 0)
            if n:
                segments.append(Segment(province, n, start, colour[province]))
                start += n
        bars.append(StageBar(stage, start, segments))
    return bars


@dataclass
class Dashboard:
    """The dashboard page's data: the service's overview, and its chart's bars and colours."""

    year: int | None
    years: list[int]
    stats: StatsView | None = None
    provinces: list[str] | None = None
    bars: list[StageBar] | None = None
    colours: dict[str, str] | None = None
    overdue: int = 0
    escalations: list[Any] | None = None
    escalation_count: int = 0
    chart: Histogram | None = None
    placements: dict[int, list[Any]] | None = None

    @classmethod
    def of(cls, seen: CycleOverview) -> Dashboard:
        """The page's data for the service's overview."""
        if seen.stats is None:
            return cls(year=seen.year, years=seen.years)
        return cls(year=seen.year, years=seen.years, stats=seen.stats,
                   provinces=seen.provinces, bars=stage_bars(seen.stats, seen.provinces),
                   colours={p: PALETTE[i % len(PALETTE)] for i, p in enumerate(seen.provinces)},
                   overdue=seen.overdue, escalations=seen.escalations,
                   escalation_count=seen.escalation_count, chart=seen.chart,
                   placements=seen.placements)


@routes.get("/dashboard")
async def dashboard(request: Request, who: ViewerDep, cycle: Year = None) -> Response:
    """A cycle's overview (the latest cycle's when none is asked for)."""
    need(who, Role.admin, Role.auditor)
    seen = await asyncio.to_thread(in_session, request, lambda s: dashboard_service.overview(
        s, cycle))
    data = Dashboard.of(seen)
    return page(request, "dashboard.html", viewer=who, title="داشبورد", data=data,
                stage_order=STAGE_ORDER, placements_shown=PLACEMENTS_SHOWN)


@routes.get("/overdue")
async def overdue(request: Request, who: ViewerDep, cycle: Annotated[int, Query(ge=1, le=9999)],
                  page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
                  ) -> Response:
    """Every overdue application of the cycle, the longest overdue first."""
    need(who, Role.admin, Role.auditor)
    rows, total = await asyncio.to_thread(
        in_session, request, lambda s: dashboard_service.overdue_rows(s, cycle, page=page_no))
    return page(request, "overdue.html", viewer=who, title="کارهای معوق", rows=rows,
                total=total, cycle=cycle, page_no=page_no,
                pages=max(1, -(-total // LIST_SIZE)))
