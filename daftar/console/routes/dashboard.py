"""The admin dashboard: a cycle's stages by province, overdue work, escalations, the pass mark
and its distribution, and the launch rounds with their placements."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, col, select

from daftar.api.routes.cohort import cycle_stats
from daftar.api.routes.cycles import load_cycle
from daftar.api.schemas_cohort import StatsView
from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import page
from daftar.console.views import Histogram, Row, histogram, row_of
from daftar.domain.stages import Role, Stage
from daftar.store import cohort as store
from daftar.store import queries
from daftar.store.models import (
    CycleRecord,
    EscalationRow,
    ExamScore,
    PlacementRecord,
)

routes = router()

#: The stages in the order of the path, for the chart's rows.
STAGE_ORDER = [s.value for s in Stage]
#: Placements shown per round; the rest are counted.
PLACEMENTS_SHOWN = 100
LIST_SIZE = 50
Year = Annotated[int | None, Query(ge=1, le=9999)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]


#: Province colours of the chart (each at least 3:1 against white, WCAG 1.4.11).
PALETTE = ("#1f5fa8", "#b3432b", "#2e7d32", "#7b3fa0", "#8a6100", "#00707a", "#b0306e",
           "#4d5b6a", "#5b6f00", "#a34d00")


@dataclass
class Segment:
    province: str
    n: int
    start: int
    colour: str


@dataclass
class StageBar:
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
    year: int | None
    years: list[int]
    stats: StatsView | None = None
    provinces: list[str] | None = None
    bars: list[StageBar] | None = None
    colours: dict[str, str] | None = None
    overdue: int = 0
    escalations: list[EscalationRow] | None = None
    escalation_count: int = 0
    chart: Histogram | None = None
    placements: dict[int, list[PlacementRecord]] | None = None


def _years(session: Session) -> list[int]:
    return list(session.exec(select(CycleRecord.year).order_by(col(CycleRecord.year).desc())))


def _read(session: Session, year: int | None) -> Dashboard:
    years = _years(session)
    year = year if year is not None else (years[0] if years else None)
    if year is None:
        return Dashboard(year=None, years=years)
    load_cycle(session, year)
    stats = cycle_stats(session, year)
    provinces = sorted({p for by in stats.counts.values() for p in by})
    now = datetime.now(UTC)
    overdue = queries.count_overdue(session, year, now)
    esc_count = session.exec(select(func.count()).select_from(EscalationRow)
                             .where(EscalationRow.cycle == year)).one()
    escalations = list(session.exec(
        select(EscalationRow).where(EscalationRow.cycle == year)
        .order_by(col(EscalationRow.escalated_at).desc()).limit(LIST_SIZE)))
    scores = [(Decimal(t), bool(p)) for t, p in session.exec(
        select(col(ExamScore.total), col(ExamScore.passed)).where(ExamScore.cycle == year))]
    chart = histogram(scores, stats.exam.pass_mark if stats.exam else None)
    placements = {r.number: store.placements_of(session, year, r.number)[:PLACEMENTS_SHOWN]
                  for r in stats.rounds if r.number is not None}
    return Dashboard(year=year, years=years, stats=stats, provinces=provinces,
                     bars=stage_bars(stats, provinces),
                     colours={p: PALETTE[i % len(PALETTE)] for i, p in enumerate(provinces)},
                     overdue=int(overdue), escalations=escalations,
                     escalation_count=int(esc_count), chart=chart, placements=placements)


@routes.get("/dashboard")
async def dashboard(request: Request, who: ViewerDep, cycle: Year = None) -> Response:
    need(who, Role.admin, Role.auditor)
    data = await asyncio.to_thread(in_session, request, lambda s: _read(s, cycle))
    return page(request, "dashboard.html", viewer=who, title="داشبورد", data=data,
                stage_order=STAGE_ORDER, placements_shown=PLACEMENTS_SHOWN)


@routes.get("/overdue")
async def overdue(request: Request, who: ViewerDep, cycle: Annotated[int, Query(ge=1, le=9999)],
                  page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
                  ) -> Response:
    """Every overdue application of the cycle, the longest overdue first."""
    need(who, Role.admin, Role.auditor)

    def read(session: Session) -> tuple[list[Row], int]:
        load_cycle(session, cycle)
        rows, total = queries.list_overdue(session, cycle, datetime.now(UTC), page=page_no,
                                           size=LIST_SIZE)
        return [row_of(r) for r in rows], total

    rows, total = await asyncio.to_thread(in_session, request, read)
    return page(request, "overdue.html", viewer=who, title="کارهای معوق", rows=rows,
                total=total, cycle=cycle, page_no=page_no,
                pages=max(1, -(-total // LIST_SIZE)))
