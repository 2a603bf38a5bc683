"""The cohort steps (docs/api.md): exam results and their publication, launch rounds, stats."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from daftar.api.auth import require
from daftar.api.deps import CyclesDep, SessionDep, SessionsDep
from daftar.api.errors import responses
from daftar.api.schemas import LaunchRoundBody, PublishBody, Year
from daftar.domain.stages import Role
from daftar.services import cohort, scoring
from daftar.services import stats as stats_service
from daftar.services.auth import Principal
from daftar.services.schemas_cohort import ExamLoadView, RoundView, ScorePage, StatsView

router = APIRouter(prefix="/v1/cycles/{year}", tags=["cohort"],
                   responses=responses(401, 403, 404, 422, 503, e404="Unknown cycle"))

Officer = Annotated[Principal, Depends(require(Role.exam_officer))]
ExamReaders = Annotated[Principal, Depends(require(Role.exam_officer, Role.admin, Role.auditor))]
Licensing = Annotated[Principal, Depends(require(Role.licensing_officer))]
RoundReaders = Annotated[Principal, Depends(require(Role.licensing_officer, Role.admin,
                                                    Role.auditor))]
Overseers = Annotated[Principal, Depends(require(Role.admin, Role.auditor))]
RoundNumber = Annotated[int, Path(ge=1, le=1_000_000)]

_RESULTS_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/ExamResultsBody"}},
    "text/csv": {"schema": {"type": "string"}, "example":
                 "tracking_code,civil_law_correct,civil_law_wrong\n00123,30,5\n"}}}}


@router.post("/exam-results", response_model=ExamLoadView, openapi_extra=_RESULTS_BODY,
             responses=responses(409, e409="The results are already published"))
async def load_exam_results(year: Year, request: Request, principal: Officer,
                            cycles: CyclesDep, sessions: SessionsDep) -> ExamLoadView:
    """Load answer counts (JSON rows or CSV), score them (EXAM-4) and set the pass mark (EXAM-2).

    The counts are per candidate. Every bad row is reported; nothing is half-loaded; a new load
    before publication replaces the earlier one.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = scoring.parse_results(kind, await request.body(),
                                 request.query_params.get("taraz_scale"))
    return await scoring.load_results(cycles, sessions, principal, year, body)


@router.get("/exam-results", response_model=ExamLoadView)
def exam_results(year: Year, session: SessionDep, _: ExamReaders) -> ExamLoadView:
    """The loaded results' summary and the publication's progress (sent / total)."""
    return scoring.exam_results(session, year)


@router.get("/exam-results/scores", response_model=ScorePage)
def exam_scores(year: Year, session: SessionDep, _: ExamReaders,
                page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                size: Annotated[int, Query(ge=1, le=500)] = 50) -> ScorePage:
    """Each candidate's standardized scores and total, highest total first."""
    return scoring.exam_scores(session, year, page=page, size=size)


@router.post("/exam-results/publish", status_code=202, response_model=ExamLoadView,
             responses=responses(409, e409="Not loaded, already published, or the absentees "
                                           "not confirmed"))
async def publish(year: Year, principal: Officer, cycles: CyclesDep, sessions: SessionsDep,
                  body: PublishBody | None = None) -> ExamLoadView:
    """Send every candidate their result; progress at `GET .../exam-results`.

    Candidates waiting for the exam with no result end as absent (EXAM-6): the body's
    `confirm_absent` must name how many they are (`absent` in `GET .../exam-results`).
    """
    return await cohort.publish(cycles, sessions, principal, year,
                                body.confirm_absent if body else None)


@router.post("/launch-rounds", response_model=RoundView,
             responses=responses(409, e409="The previous round is still being sent"))
async def launch_round(year: Year, principal: Licensing, cycles: CyclesDep,
                       sessions: SessionsDep, body: LaunchRoundBody | None = None,
                       dry_run: bool = False) -> RoundView:
    """Allocate offices to the cleared candidates (LAUNCH-1, VET-2); `dry_run` only computes."""
    return await cohort.launch_round(cycles, sessions, principal, year,
                                     relocate=body.relocate if body else True, dry_run=dry_run)


@router.get("/launch-rounds", response_model=list[RoundView])
def launch_rounds(year: Year, session: SessionDep, _: RoundReaders) -> list[RoundView]:
    """Every round of the cycle with its progress (placements at `.../launch-rounds/{n}`)."""
    return cohort.launch_rounds(session, year)


@router.get("/launch-rounds/{number}", response_model=RoundView)
def launch_round_detail(year: Year, number: RoundNumber, session: SessionDep,
                        _: RoundReaders) -> RoundView:
    """One round with its placements."""
    return cohort.launch_round_detail(session, year, number)


@router.get("/stats", response_model=StatsView)
def stats(year: Year, session: SessionDep, _: Overseers) -> StatsView:
    """Counts per stage × province, the pass mark and the launch rounds, from counters."""
    return stats_service.cycle_stats(session, year)
