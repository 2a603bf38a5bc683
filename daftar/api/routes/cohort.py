"""The cohort steps (API.md): exam results and their publication, launch rounds, stats."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import ValidationError
from sqlmodel import Session, col, select

from daftar.api.actions import actor
from daftar.api.auth import Principal, require
from daftar.api.deps import CyclesDep, SessionDep
from daftar.api.errors import responses
from daftar.api.routes.cycles import load_cycle
from daftar.api.schemas import Year
from daftar.api.schemas_cohort import (
    ExamLoadView,
    ExamResultsBody,
    LaunchRoundBody,
    PlacementView,
    RoundView,
    ScoreItem,
    ScorePage,
    StatsView,
)
from daftar.contracts.cycle import PublishIn, RoundIn
from daftar.contracts.workflows import Cycle
from daftar.core.errors import ServiceError, violations_error
from daftar.domain.scoring import (
    AnswerCounts,
    CandidateAnswers,
    ScoringConfig,
    SubjectSpec,
    answer_violations,
    score_cohort,
)
from daftar.domain.stages import Role
from daftar.domain.violations import Violation
from daftar.store import cohort as store
from daftar.store.models import ExamLoad, ExamScore, LaunchRound, StageCount

router = APIRouter(prefix="/v1/cycles/{year}", tags=["cohort"],
                   responses=responses(401, 403, 404, 422, 503, e404="Unknown cycle"))

Officer = Annotated[Principal, Depends(require(Role.exam_officer))]
ExamReaders = Annotated[Principal, Depends(require(Role.exam_officer, Role.admin, Role.auditor))]
Licensing = Annotated[Principal, Depends(require(Role.licensing_officer))]
RoundReaders = Annotated[Principal, Depends(require(Role.licensing_officer, Role.admin,
                                                    Role.auditor))]
Overseers = Annotated[Principal, Depends(require(Role.admin, Role.auditor))]
MAX_ROW_ERRORS = 200
RoundNumber = Annotated[int, Path(ge=1, le=1_000_000)]

_RESULTS_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/ExamResultsBody"}},
    "text/csv": {"schema": {"type": "string"}, "example":
                 "tracking_code,civil_law_correct,civil_law_wrong\n00123,30,5\n"}}}}


@router.post("/exam-results", response_model=ExamLoadView, openapi_extra=_RESULTS_BODY,
             responses=responses(409, e409="The results are already published"))
async def load_exam_results(year: Year, request: Request, principal: Officer,
                            cycles: CyclesDep) -> ExamLoadView:
    """Load per-candidate answer counts (JSON rows or CSV), score them (EXAM-4) and set the
    pass mark (EXAM-2). Every bad row is reported; nothing is half-loaded; a new load before
    publication replaces the earlier one."""
    body = await _results_body(request)
    # 404 before the cycle's workflow is started: an unknown year must not leave one running.
    await asyncio.to_thread(lambda: _exists(request, year))
    if (await cycles.progress(year)).publication != "none":
        raise ServiceError(409, "published", "The results are already published; they are final.",
                       [Violation(rule="EXAM-2", message="Results are loaded before publication.")])

    def load() -> ExamLoadView:
        with request.app.state.sessions() as session:
            view = _score_and_store(session, year, body, principal)
            session.commit()
            return view

    return await asyncio.to_thread(load)


@router.get("/exam-results", response_model=ExamLoadView)
def exam_results(year: Year, session: SessionDep, _: ExamReaders) -> ExamLoadView:
    """The loaded results' summary and the publication's progress (sent / total)."""
    load_cycle(session, year)
    load = session.get(ExamLoad, year)
    if load is None:
        raise ServiceError(404, "not_found", f"No exam results are loaded for cycle {year}.")
    return ExamLoadView.of(load)


@router.get("/exam-results/scores", response_model=ScorePage)
def exam_scores(year: Year, session: SessionDep, _: ExamReaders,
                page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                size: Annotated[int, Query(ge=1, le=500)] = 50) -> ScorePage:
    """Each candidate's standardized scores and total, highest total first."""
    load_cycle(session, year)
    stmt = (select(ExamScore).where(ExamScore.cycle == year)
            .order_by(col(ExamScore.total).desc(), col(ExamScore.application_id))
            .offset((page - 1) * size).limit(size))
    total = store.count_scores(session, year)
    items = [ScoreItem(tracking_code=s.tracking_code, total=s.total, passed=s.passed,
                       standard={k: Decimal(v) for k, v in s.standard.items()},
                       outcome=s.outcome) for s in session.exec(stmt)]
    return ScorePage(items=items, total=total, page=page, size=size)


@router.post("/exam-results/publish", status_code=202, response_model=ExamLoadView,
             responses=responses(409, e409="Not loaded, or already published"))
async def publish(year: Year, request: Request, principal: Officer,
                  cycles: CyclesDep) -> ExamLoadView:
    """Send every candidate their result; progress at `GET .../exam-results`."""
    def current() -> ExamLoad | None:
        with request.app.state.sessions() as session:
            load_cycle(session, year)
            return session.get(ExamLoad, year)

    load = await asyncio.to_thread(current)
    if load is None:
        raise ServiceError(409, "not_loaded", "Load the exam results before publishing them.",
                       [Violation(rule="EXAM-2", message="No results are loaded.")])
    await cycles.update(year, Cycle.publish_results,
                        PublishIn(actor=actor(principal)))
    load.state = "publishing"
    return ExamLoadView.of(load)


@router.post("/launch-rounds", response_model=RoundView,
             responses=responses(409, e409="The previous round is still being sent"))
async def launch_round(year: Year, request: Request, principal: Licensing, cycles: CyclesDep,
                       body: LaunchRoundBody | None = None,
                       dry_run: bool = False) -> RoundView:
    """Allocate offices to the cleared candidates (LAUNCH-1, VET-2); `dry_run` only computes."""
    relocate = body.relocate if body else True
    if dry_run:
        def compute() -> RoundView:
            with request.app.state.sessions() as session:
                load_cycle(session, year)
                allocation, _ = store.compute_round(session, year, relocate=relocate)
            return RoundView(number=None, relocate=relocate, dry_run=True,
                             placed=len(allocation.placements),
                             waiting=len(allocation.waiting),
                             placements=[PlacementView(application_id=p.key, **p.model_dump(
                                 exclude={"key"})) for p in allocation.placements])

        return await asyncio.to_thread(compute)
    await asyncio.to_thread(lambda: _exists(request, year))
    summary = await cycles.update(year, Cycle.launch_round, RoundIn(
        actor=actor(principal), relocate=relocate))
    return await asyncio.to_thread(lambda: _round_view(request, year, summary.number))


@router.get("/launch-rounds", response_model=list[RoundView])
def launch_rounds(year: Year, session: SessionDep, _: RoundReaders) -> list[RoundView]:
    """Every round of the cycle with its progress (placements at `.../launch-rounds/{n}`)."""
    load_cycle(session, year)
    rounds = session.exec(select(LaunchRound).where(LaunchRound.cycle == year)
                          .order_by(col(LaunchRound.number)))
    return [RoundView.of(r) for r in rounds]


@router.get("/launch-rounds/{number}", response_model=RoundView)
def launch_round_detail(year: Year, number: RoundNumber, session: SessionDep,
                        _: RoundReaders) -> RoundView:
    launch = session.get(LaunchRound, (year, number))
    if launch is None:
        raise ServiceError(404, "not_found", f"Cycle {year} has no launch round {number}.")
    return RoundView.of(launch, store.placements_of(session, year, number))


@router.get("/stats", response_model=StatsView)
def stats(year: Year, session: SessionDep, _: Overseers) -> StatsView:
    """Counts per stage × province, the pass mark and the launch rounds, from counters."""
    load_cycle(session, year)
    return cycle_stats(session, year)


def cycle_stats(session: Session, year: int) -> StatsView:
    """A known cycle's stats (the stats route's and the console dashboard's)."""
    counts: dict[str, dict[str, int]] = {}
    for c in session.exec(select(StageCount).where(StageCount.cycle == year, StageCount.n > 0)):
        counts.setdefault(c.stage, {})[c.province] = c.n
    load = session.get(ExamLoad, year)
    rounds = session.exec(select(LaunchRound).where(LaunchRound.cycle == year)
                          .order_by(col(LaunchRound.number)))
    return StatsView(cycle=year, counts=counts,
                     total=sum(n for by in counts.values() for n in by.values()),
                     exam=ExamLoadView.of(load) if load else None,
                     rounds=[RoundView.of(r) for r in rounds])


# --- helpers -----------------------------------------------------------------------------


def _exists(request: Request, year: int) -> None:
    with request.app.state.sessions() as session:
        load_cycle(session, year)


def _round_view(request: Request, year: int, number: int) -> RoundView:
    with request.app.state.sessions() as session:
        launch = session.get(LaunchRound, (year, number))
        assert launch is not None
        return RoundView.of(launch, store.placements_of(session, year, number))


async def _results_body(request: Request) -> ExamResultsBody:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    try:
        if kind == "text/csv":
            return _parse_csv(raw.decode("utf-8-sig"), request.query_params.get("taraz_scale"))
        return ExamResultsBody.model_validate_json(raw)
    except ValidationError as err:
        rules = [Violation(rule="EXAM-4", field=".".join(str(p) for p in e["loc"]) or None,
                           message=e["msg"]) for e in err.errors()[:MAX_ROW_ERRORS]]
        raise ServiceError(422, "invalid_request", "The exam results are malformed.",
                           rules) from err
    except (UnicodeDecodeError, csv.Error, InvalidOperation) as err:
        raise ServiceError(422, "invalid_request", f"The CSV cannot be read: {err}.",
                       [Violation(rule="EXAM-4", message=str(err))]) from err


def _parse_csv(text: str, scale: str | None) -> ExamResultsBody:
    """`tracking_code,<code>_correct,<code>_wrong,...`: a pair left empty means absent. A row
    with more values than the header has columns is refused: which column an extra value
    belongs to cannot be known, and dropping it could drop a candidate's answers."""
    rows: list[dict[str, Any]] = []
    extra: list[Violation] = []
    reader = csv.DictReader(io.StringIO(text))
    for i, record in enumerate(reader):
        if None in record:  # DictReader keeps the values past the header's columns under None
            surplus = len(record[None])
            extra.append(Violation(rule="EXAM-4", field=f"rows[{i}]", message=(
                f"Row {i + 1} of the CSV (line {reader.line_num}) has {surplus} value(s) more "
                "than the header has columns; correct the row or the header.")))
            continue
        subjects: dict[str, dict[str, str]] = {}
        for column, value in record.items():
            if column is None or column == "tracking_code" or value in (None, ""):
                continue
            code, _, part = column.rpartition("_")
            subjects.setdefault(code, {})[part] = value
        rows.append({"tracking_code": (record.get("tracking_code") or "").strip(),
                     "subjects": subjects})
    if extra:
        raise violations_error(f"{len(extra)} row(s) of the CSV do not fit its header; "
                               "nothing was loaded.", extra[:MAX_ROW_ERRORS])
    return ExamResultsBody.model_validate(
        {"rows": rows, **({"taraz_scale": Decimal(scale)} if scale else {})})


def _score_and_store(session: Session, year: int, body: ExamResultsBody,
                     principal: Principal) -> ExamLoadView:
    cycle = load_cycle(session, year)
    config = ScoringConfig(
        subjects=[SubjectSpec(**{k: s[k] for k in ("code", "questions", "coefficient", "group")})
                  for s in cycle.config["subjects"]],
        group_weights={k: Decimal(str(v)) for k, v in cycle.config["group_weights"].items()},
        scale=body.taraz_scale or Decimal(str(cycle.config["taraz_scale"])))
    waiting = store.waiting_for_exam(session, year)
    errors: list[Violation] = []
    seen: set[str] = set()
    candidates: list[CandidateAnswers] = []
    for i, row in enumerate(body.rows):
        where = f"rows[{i}]"
        app_id = waiting.get(row.tracking_code)
        if row.tracking_code in seen:
            errors.append(Violation(rule="EXAM-4", field=where,
                                    message=f"{row.tracking_code} appears twice."))
        elif app_id is None:
            errors.append(Violation(rule="EXAM-4", field=where, message=(
                f"{row.tracking_code} is not a candidate awaiting the exam in cycle {year}.")))
        seen.add(row.tracking_code)
        counts = {k: AnswerCounts(correct=v.correct, wrong=v.wrong)
                  for k, v in row.subjects.items()}
        errors.extend(v.model_copy(update={"field": f"{where}.{v.field or 'subjects'}",
                                           "message": f"{row.tracking_code}: {v.message}"})
                      for v in answer_violations(config, counts))
        if app_id is not None:
            candidates.append(CandidateAnswers(key=app_id, subjects=counts))
    if errors:
        raise violations_error(f"{len(errors)} problem(s) in the rows; nothing was loaded.",
                               errors[:MAX_ROW_ERRORS])
    result = score_cohort(config, candidates)
    codes = {app_id: code for code, app_id in waiting.items()}
    load = ExamLoad(cycle=year, scale=config.scale, pass_mark=result.pass_mark,
                    top_count=result.top_count, top_mean=result.top_mean,
                    candidates=len(candidates), passed=result.passed,
                    loaded_by=principal.sub, loaded_at=datetime.now(UTC))
    store.replace_exam_load(session, load, [
        {"cycle": year, "application_id": s.key, "tracking_code": codes[s.key],
         "counts": {k: v.model_dump() for k, v in c.subjects.items()},
         "standard": {k: str(v) for k, v in s.standard.items()}, "total": s.total,
         "passed": s.passed}
        for s, c in zip(result.scores, candidates, strict=True)])
    return ExamLoadView.of(load)
