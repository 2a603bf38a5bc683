"""A launch round at scale: the allocation over R ranked candidates, the fan-out to F of them.

    .venv/bin/python -m bench.launch --candidates 100000 --fan-out 10000 --database sqlite
    .venv/bin/python -m bench.launch --candidates 20000 --fan-out 300 --database postgresql

On the bench stack (bench/stack.py: Temporal dev server on a SQLite file with WAL, a worker
and the API in their own processes, a SQLite or PostgreSQL read model):

1. Allocation at size. A cycle is created through HTTP with the bench's six cities, a total
   capacity of 60 % of R and neighbours across provinces (so the round places, relocates and
   leaves candidates waiting); R candidates standing at awaiting_launch are bulk-inserted into
   its read model (SQLAlchemy core, in batches) with their published results (exam score rows
   marked sent), interview scores, quotas (10 % veterans) and registration instants. Then,
   each timed on its own: the store's `compute_round` (its queries and the allocation), the
   pure `allocate` over the same candidates, `save_round` writing the round's placements
   (rolled back), the worker's `allocate_round` activity as the cycle's workflow runs it
   (one transaction, committed), the next round's `compute_round` with the first round's
   placements stored, and that next round as a dry run through HTTP. Each step runs
   `--repeat` times (the activity's round removed again between runs) and shows its best and
   median run: on a shared machine the best is the step's own cost. The bench process's peak
   memory growth during `compute_round` is read from /proc (VmHWM, reset before).
2. Fan-out. F applicant workflows are brought to awaiting_launch through the Temporal client
   (started, paid, photographed, given an exam result and passed at the interview,
   qualification and security, as the real updates do it, not HTTP: the figure wanted is the
   round's), into a cycle whose cities hold them all; once the set-up's SMS are sent, the
   worker is restarted (a round comes weeks after clearance: nothing is cached, each office
   replays its candidate's history), and the launch round is posted through HTTP
   (`POST /v1/cycles/{year}/launch-rounds`, which returns once the round is allocated and
   stored) and the wall time runs until the round is marked done and every candidate stands
   at awaiting_licence in the read model. Beside it, as during a publication (bench.publication),
   reviewers' decisions go through HTTP at `--decision-rate` per second (open loop) to
   applicants of another cycle at awaiting_interview: for `--baseline` seconds before the
   round, then throughout it; their p99 during the round beside the p99 without it says
   whether the fan-out starves reviewers. Where the decisions' workflow tasks waited, and a
   sample of the offices', is read from their histories (bench/waits.py); `--profile DIR`
   samples the worker with py-spy during the round.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, delete, func, select

from bench.common import CpuMeter, Sampler, machine_line, ms, pct, proc_kib, progress
from bench.data import ALL_CHECKS, CITIES, FEE, PASS_MARK, cycle_body, start_applicant
from bench.data import form as form_body
from bench.http_path import Driver, Phase, http_client
from bench.profile import PY_SPY, Profiling, summary, summary_tables
from bench.publication import (
    DECISION_SERIAL,
    DECISION_YEAR,
    Reviewers,
    register_at,
    restart_workers,
)
from bench.readmodel import FIRST_NAMES, LAST_NAMES
from bench.stack import Stack
from bench.waits import p50_p99, task_rows, update_waits
from daftar.activities.cohort import CohortActivities
from daftar.contracts.applicant import (
    CycleTerms,
    DecisionIn,
    ExamResultIn,
    PaymentIn,
    PhotoIn,
)
from daftar.contracts.cycle import RoundJob
from daftar.contracts.ids import applicant_workflow_id
from daftar.contracts.workflows import Applicant
from daftar.domain.actors import Actor
from daftar.domain.allocation import CitySeats, allocate
from daftar.domain.decisions import Outcome
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.registration import RegistrationForm
from daftar.domain.stages import DEFAULT_SLA_DAYS, DecisionStage, Role, Stage
from daftar.store import cohort as store
from daftar.store.db import session_factory, transaction
from daftar.store.models import (
    ApplicationRecord,
    CityRecord,
    CycleRecord,
    ExamLoad,
    ExamScore,
    LaunchRound,
    PlacementRecord,
    StageCount,
)
from daftar.workflows.applicant import ApplicantWorkflow

ALLOCATION_YEAR = 1398  # the bulk-inserted cohort
FAN_OUT_YEAR = 1397  # the applicant workflows
BATCH = 5000
#: The round's candidates whose histories are read for where their office's task waited.
OFFICE_SAMPLE = 500
#: Each city's neighbours in other provinces (LAUNCH-1 relocation), by (province, city).
NEIGHBOURS = {("Tehran", "Tehran"): [("Qom", "Qom")],
              ("Qom", "Qom"): [("Tehran", "Tehran"), ("Tehran", "Rey"), ("Isfahan", "Kashan")],
              ("Isfahan", "Isfahan"): [("Fars", "Shiraz")],
              ("Fars", "Shiraz"): [("Isfahan", "Isfahan")]}
Figures = list[tuple[str, str]]


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s" if seconds > 0 else "–"


def _body(year: int, capacities: list[int]) -> dict[str, Any]:
    body = cycle_body(year, 0)
    for city, capacity in zip(body["cities"], capacities, strict=True):
        city["capacity"] = capacity
        city["neighbours"] = [{"province": p, "city": c}
                              for p, c in NEIGHBOURS.get((city["province"], city["city"]), [])]
    return body


async def _create_cycle(driver: Driver, year: int, capacities: list[int]) -> None:
    r = await driver.http.post("/v1/cycles", json=_body(year, capacities),
                               headers=driver.staff[Role.admin])
    if r.status_code != 201:
        raise SystemExit(f"creating cycle {year}: {r.status_code} {r.text}")


# --- 1. allocation at size -------------------------------------------------------------


def fill_ranked(stack: Stack, year: int, rows: int) -> float:
    """Insert `rows` candidates at awaiting_launch with published results; seconds taken."""
    rng, now = random.Random(year), datetime.now(UTC)
    with Session(stack.engine) as s:  # the cities as the cycle stored them (province codes)
        cities = [(c.province, c.city) for c in s.exec(
            select(CityRecord).where(CityRecord.cycle == year).order_by(col(CityRecord.id)))]
    weights = [share for _, _, share in CITIES]
    apps = ApplicationRecord.__table__  # type: ignore[attr-defined]
    scores = ExamScore.__table__  # type: ignore[attr-defined]
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    with stack.engine.begin() as conn:
        conn.execute(ExamLoad.__table__.insert(), [{  # type: ignore[attr-defined]
            "cycle": year, "scale": Decimal(2000), "pass_mark": PASS_MARK,
            "pass_mark_exact": str(PASS_MARK), "top_count": 0, "top_mean": PASS_MARK,
            "candidates": rows, "passed": rows, "loaded_by": "bench", "loaded_at": now,
            "state": "published", "sent": rows, "skipped": 0, "published_at": now}])
        for start in range(0, rows, BATCH):
            app_rows, score_rows = [], []
            for i in range(start, min(start + BATCH, rows)):
                province, city = rng.choices(cities, weights=weights)[0]
                app_id = f"{year:04x}{i:012x}"
                code = tracking_code(app_id)
                registered = now - timedelta(days=90, seconds=rng.randrange(10 * 86400))
                entered = now - timedelta(seconds=rng.randrange(5 * 86400))
                total = Decimal(rng.randrange(55_000_000, 90_000_000)) / 10_000
                counts[province] += 1
                app_rows.append({
                    "application_id": app_id, "tracking_code": code, "cycle": year,
                    "stage": Stage.awaiting_launch.value, "province": province, "city": city,
                    "quota": "free" if rng.random() > 0.1 else "veteran:martyr_family",
                    "full_name": f"{FIRST_NAMES[i % len(FIRST_NAMES)]} "
                                 f"{LAST_NAMES[i // len(FIRST_NAMES) % len(LAST_NAMES)]}",
                    "registered_at": registered, "updated_at": entered,
                    "stage_entered_at": entered, "due_at": None, "escalated": False,
                    "rejected_stage": None, "rules": [], "licence_number": None,
                    "office_province": None, "office_city": None,
                    "exam_total": total.quantize(Decimal("0.0001")),
                    "interview_score": Decimal(rng.randrange(5000, 10_001)) / 100,
                    "version": 7})
                score_rows.append({
                    "cycle": year, "application_id": app_id, "tracking_code": code,
                    "counts": {}, "standard": {}, "total": total, "total_exact": str(total),
                    "passed": True, "outcome": store.SENT})
            conn.execute(apps.insert(), app_rows)
            conn.execute(scores.insert(), score_rows)
            progress(f"  read model: {start + len(app_rows)}/{rows} ranked candidates")
        conn.execute(StageCount.__table__.insert(), [  # type: ignore[attr-defined]
            {"cycle": year, "province": p, "stage": Stage.awaiting_launch.value, "n": n}
            for p, n in counts.items()])
    elapsed = time.perf_counter() - started
    progress(f"  read model: {rows} ranked candidates in {elapsed:.1f} s", done=True)
    return elapsed


def _reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux ≥ 4.0); whether it could."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Timings:
    """Each step's wall and CPU seconds (this process's) over the repeats.

    Shown as the best wall time with its rate and the CPU it took, then the median wall time:
    on a shared machine the wall time waits for a core, the CPU time does not (PostgreSQL's
    own work is in its server, not counted here; SQLite's is).
    """

    def __init__(self) -> None:
        self.runs: dict[str, list[tuple[float, float]]] = {}
        self._at = (0.0, 0.0)

    def start(self) -> None:
        self._at = (time.perf_counter(), time.process_time())

    def stop(self, what: str) -> None:
        wall, cpu = self._at
        self.runs.setdefault(what, []).append(
            (time.perf_counter() - wall, time.process_time() - cpu))

    def show(self, what: str, n: int, unit: str = "") -> str:
        runs = sorted(self.runs[what])
        (best, cpu), median = runs[0], runs[len(runs) // 2][0]
        shown = f"{_s(best)} ({_rate(n, best)}{unit}), CPU {_s(cpu)}"
        return shown if len(runs) == 1 else f"{shown}; median {_s(median)}"


def allocation_at_size(stack: Stack, year: int, rows: int, repeat: int) -> Figures:
    """Time each part of a launch round's allocation over `rows` ranked candidates, `repeat`
    times each (the machine may be shared: the best run is the step's own cost)."""
    sessions = session_factory(stack.engine)
    with Session(stack.engine) as s:
        record = s.get(CycleRecord, year)
        assert record is not None
        share = Decimal(str(record.config.get("veteran_share", "0.30")))
        cities = [CitySeats(province=c.province, city=c.city, capacity=c.capacity,
                            priority=c.priority,
                            neighbours=[(n["province"], n["city"]) for n in c.neighbours])
                  for c in s.exec(select(CityRecord).where(CityRecord.cycle == year))]
    job = RoundJob(cycle=year, number=1, relocate=True,
                   actor=Actor(id="licensing-1", roles=[Role.licensing_officer]))
    activities = CohortActivities(stack.client, sessions)
    t, peak = Timings(), 0
    resettable = _reset_peak()
    for run in range(repeat):
        progress(f"  allocation: run {run + 1}/{repeat}")
        # compute_round: its queries and the allocation, in a session rolled back.
        _reset_peak()
        before = proc_kib(os.getpid())
        with sessions() as session:
            t.start()
            allocation, candidates = store.compute_round(session, year, relocate=True)
            t.stop("compute")
        peak = max(peak, proc_kib(os.getpid(), "VmHWM") - before)
        if len(candidates) != rows:
            raise SystemExit(f"compute_round read {len(candidates)} candidates, not {rows}")
        # The pure allocation over the same candidates and cities.
        t.start()
        again = allocate(candidates, cities, veteran_share=share, relocate=True)
        t.stop("pure")
        assert again == allocation
        del candidates, again
        # save_round: the round and its placements written and flushed, then rolled back.
        with sessions() as session:
            t.start()
            store.save_round(session, year, 1, relocate=True, actor="bench",
                             allocation=allocation)
            session.flush()
            t.stop("save")
            session.rollback()
        # The worker's activity as the cycle's workflow runs it: one transaction, committed
        # (and removed again, but for the last run).
        t.start()
        summary = activities.allocate_round(job)
        t.stop("activity")
        assert summary.placed == len(allocation.placements)
        if run < repeat - 1:
            with transaction(sessions) as session:
                session.exec(delete(PlacementRecord).where(col(PlacementRecord.cycle) == year))
                session.exec(delete(LaunchRound).where(col(LaunchRound.cycle) == year))
    # The next round over those still waiting, the first round's placements stored.
    for _ in range(repeat):
        with sessions() as session:
            t.start()
            second, waiting = store.compute_round(session, year, relocate=True)
            t.stop("compute2")
    progress(f"  allocation: {repeat} runs over {rows} candidates", done=True)
    relocated = sum(p.relocation != "none" for p in allocation.placements)
    reserved = sum(p.reserved for p in allocation.placements)
    placed = len(allocation.placements)
    return [
        ("ranked candidates at awaiting_launch", f"{rows:,}"),
        ("cities / seats / veteran share",
         f"{len(cities)} / {sum(c.capacity for c in cities):,} / {share}"),
        ("round 1: placed / relocated / on reserved seats / waiting",
         f"{placed:,} / {relocated:,} / {reserved:,} / {len(allocation.waiting):,}"),
        ("runs of each allocation step (best wall shown with its CPU, then the median wall)",
         f"{repeat}"),
        ("pure allocate (domain)", t.show("pure", rows)),
        ("store compute_round (queries + allocate)", t.show("compute", rows)),
        ("store save_round (placements flushed)", t.show("save", placed, " placements")),
        ("allocate_round activity (compute + save + commit)", t.show("activity", rows)),
        ("bench process peak memory growth during compute_round",
         f"{peak / 1024:.0f} MiB" if resettable else "– (VmHWM cannot be reset)"),
        (f"round 2 compute_round (round 1 stored): {len(waiting):,} candidates, "
         f"{len(second.placements):,} placed", t.show("compute2", rows)),
    ]


async def dry_run(driver: Driver, year: int) -> tuple[str, str]:
    """The next round as a dry run through HTTP: its time and what it answered."""
    started = time.perf_counter()
    r = await driver.http.post(f"/v1/cycles/{year}/launch-rounds", params={"dry_run": "true"},
                               json={"relocate": True},
                               headers=driver.staff[Role.licensing_officer], timeout=600)
    elapsed = time.perf_counter() - started
    if r.status_code != 200:
        raise SystemExit(f"dry run: {r.status_code} {r.text[:300]}")
    body = r.json()
    return ("round 2 dry run through HTTP (POST …/launch-rounds?dry_run=true)",
            f"{_s(elapsed)}: {body['placed']:,} placed, {body['waiting']:,} waiting, "
            f"{len(r.content) // 1024:,} KiB")


# --- 2. fan-out --------------------------------------------------------------------------


def _count(stack: Stack, year: int, stage: Stage) -> int:
    with Session(stack.engine) as s:
        return int(s.exec(select(func.count()).select_from(ApplicationRecord).where(
            ApplicationRecord.cycle == year, ApplicationRecord.stage == stage.value)).one())


async def to_launch(stack: Stack, year: int, count: int, concurrency: int) -> float:
    """Bring `count` applicant workflows to awaiting_launch; seconds until the read model
    shows them all there."""
    key = stack.settings.identity_key
    terms = CycleTerms(year=year, fee_rials=FEE, sla_days=DEFAULT_SLA_DAYS,
                       registration_closes_at=datetime.now(UTC) + timedelta(days=30))
    gate = asyncio.Semaphore(concurrency)
    gateway = Actor(id="gateway", roles=[Role.payment_gateway])
    examiner = Actor(id="exam-1", roles=[Role.exam_officer])
    reviewers = {DecisionStage.interview: Actor(id="int-1", roles=[Role.interviewer]),
                 DecisionStage.qualification: Actor(id="qual-1",
                                                    roles=[Role.qualification_officer]),
                 DecisionStage.security: Actor(id="sec-1", roles=[Role.security_officer])}
    with Session(stack.engine) as s:  # the cities as the cycle stored them (province codes)
        listed = [(c.province, c.city) for c in s.exec(
            select(CityRecord).where(CityRecord.cycle == year).order_by(col(CityRecord.id)))]
    rng = random.Random(year)
    totals = [PASS_MARK + Decimal(rng.randrange(0, 30_000_000)) / 10_000 for _ in range(count)]
    interviews = [Decimal(rng.randrange(5000, 10_001)) / 100 for _ in range(count)]
    done = 0
    started = time.perf_counter()

    async def one(n: int) -> None:
        nonlocal done
        province, city, _ = CITIES[n % len(CITIES)]
        # As the registration service stores it: in the cycle's spelling of its city.
        f = RegistrationForm.model_validate(form_body(500_000 + n, province, city)).model_copy(
            update=dict(zip(("province", "city"), listed[n % len(listed)], strict=True)))
        app_id = application_id(key, year, f.national_id)
        async with gate:
            h = await start_applicant(stack, f, terms)
            await h.execute_update(ApplicantWorkflow.confirm_payment, PaymentIn(
                actor=gateway, reference=f"r{n}", amount_rials=FEE))
            await h.execute_update(ApplicantWorkflow.submit_photo, PhotoIn(
                actor=Actor(id=app_id, roles=[Role.applicant]), sha256="0" * 64,
                width=250, height=350, size=30_000))
            await h.execute_update(ApplicantWorkflow.record_exam_result, ExamResultIn(
                actor=examiner, total_score=totals[n], pass_mark=PASS_MARK))
            for stage, actor in reviewers.items():
                await h.execute_update(ApplicantWorkflow.decide, DecisionIn(
                    actor=actor, stage=stage, outcome=Outcome.passed,
                    score=interviews[n] if stage is DecisionStage.interview else None,
                    checks=ALL_CHECKS if stage is DecisionStage.qualification else None))
        done += 1
        if done % 50 == 0:
            progress(f"  fan-out set-up: {done}/{count} at awaiting_launch")

    await asyncio.gather(*(one(n) for n in range(count)))
    while _count(stack, year, Stage.awaiting_launch) < count:
        await asyncio.sleep(0.25)
    return time.perf_counter() - started


def _round(stack: Stack, year: int) -> LaunchRound | None:
    with Session(stack.engine) as s:
        return s.get(LaunchRound, (year, 1))


async def offices(stack: Stack, driver: Driver, year: int, count: int,
                  concurrency: int, *, rate: float = 2.0, baseline: float = 20.0,
                  profile: Path | None = None) -> Figures:
    """Set up `count` candidates at awaiting_launch, run a launch round; the figures.

    With `rate`, reviewers' decisions go on for `baseline` seconds before the round, then
    throughout it. With `profile`, py-spy samples the worker during the round into it, and
    its summary is printed.
    """
    await _create_cycle(driver, year, [min(count, 100_000)] * len(CITIES))
    setup = await to_launch(stack, year, count, concurrency)
    progress(f"  fan-out set-up: {count} at awaiting_launch in {setup:.0f} s", done=True)
    reviewers: list[str] = []
    if rate:
        # Enough for the baseline and a round at the set-up's pace (or better), three
        # decisions each; a tick with none free is counted, not sent.
        expected = baseline + setup + 30
        reviewers = await register_at(stack, DECISION_YEAR, range(
            DECISION_SERIAL, DECISION_SERIAL + math.ceil(rate * expected / 3) + 5),
            concurrency, exam=True)
    drain = await stack.activities_drained()
    progress(f"  set-up's SMS sent {drain:.0f} s after", done=True)
    # A round comes weeks after the candidates' clearance: nothing of theirs is cached.
    await restart_workers(stack)
    decisions = Reviewers(driver, reviewers, rate) if rate else None
    quiet, busy, done = Phase(), Phase(), asyncio.Event()
    quiet_from = time.time()
    if decisions is not None:
        await decisions.run(quiet, baseline)
    pids = {"worker": stack.pid("worker"), "server": stack.pid("server"),
            "api": stack.pid("api")}
    meter = CpuMeter(dict(pids))
    spy = Profiling(profile or Path(), {"worker": pids["worker"]}, f"launch-{count}")
    with Sampler(pids) as peak:
        sending = asyncio.create_task(decisions.run(busy, done)) if decisions else None
        if profile is not None:
            spy.start()
        meter.start()
        busy_from, started = time.time(), time.perf_counter()
        r = await driver.http.post(f"/v1/cycles/{year}/launch-rounds", json={"relocate": True},
                                   headers=driver.staff[Role.licensing_officer], timeout=600)
        allocated = time.perf_counter() - started
        if r.status_code != 200:
            raise SystemExit(f"launch round: {r.status_code} {r.text[:300]}")
        placed = int(r.json()["placed"])
        while True:
            launch = _round(stack, year)
            licence = _count(stack, year, Stage.awaiting_licence)
            progress(f"  offices: {licence}/{placed} at awaiting_licence")
            if launch is not None and launch.state == "done" and licence >= placed:
                break
            await asyncio.sleep(0.25)
        wall = time.perf_counter() - started
        cpu = meter.stop()
        if profile is not None:
            spy.stop()
        done.set()
        if sending is not None:
            await sending
    progress(f"  offices: {placed} sent in {wall:.1f} s", done=True)
    if profile is not None:
        print(*summary_tables(summary(spy.file("worker")),
                              f"worker during the round's fan-out to {count}"),
              sep="\n", flush=True)
    waits = await update_waits(stack.client, [applicant_workflow_id(i) for i in reviewers],
                               name=Applicant.decide.name)
    # The round's own updates, from a sample of its candidates: how long an office's workflow
    # task queued and ran (a replay of the whole history when the workflow was not cached).
    placement_ids = _placed_ids(stack, year)
    sample = random.Random(7).sample(placement_ids, min(len(placement_ids), OFFICE_SAMPLE))
    offices_sent = await update_waits(stack.client, map(applicant_workflow_id, sample),
                                      name=Applicant.assign_office.name)
    per = {name: f"{seconds / max(placed, 1) * 1000:.1f} ms" for name, seconds in cpu.items()}
    return [
        ("fan-out: candidates at awaiting_launch / placed",
         f"{count:,} / {placed:,} ({len(placement_ids):,} placement rows)"),
        ("fan-out: set-up, then its SMS sent (before the round)",
         f"{_s(setup)}, {_s(drain)}"),
        ("fan-out: POST launch round answered (allocated and stored)",
         f"{_s(allocated)}"),
        ("fan-out: wall until every office is in the read model",
         f"{_s(wall)} ({placed / wall:.0f} candidates/s)"),
        ("fan-out: the allocation's share of the wall time", f"{allocated / wall:.1%}"),
        ("fan-out: sent / skipped", f"{launch.sent:,} / {launch.skipped:,}"),
        ("fan-out: CPU per candidate: worker / server / API",
         f"{per['worker']} / {per['server']} / {per['api']}"),
        ("fan-out: peak RSS: worker / server",
         f"{peak.peak['worker'] / 1024:.0f} MiB / {peak.peak['server'] / 1024:.0f} MiB"),
        ("fan-out set-up: start + 6 updates per candidate (through the client)",
         f"{_s(setup)} ({count / setup:.1f} candidates/s; {count * 7 / setup:.0f} calls/s)"),
        *_decisions(quiet, busy, decisions, rate),
        *(task_rows([w for w in waits if quiet_from <= w.scheduled < busy_from],
                    [w for w in waits if w.scheduled >= busy_from]) if decisions else []),
        (f"offices' workflow task ({len(offices_sent)} sampled), queued / in the worker, "
         "p50 / p99",
         f"{p50_p99(offices_sent, 'queued')} / {p50_p99(offices_sent, 'worked')}"),
    ]


def _placed_ids(stack: Stack, year: int) -> list[str]:
    with Session(stack.engine) as s:
        return list(s.exec(select(PlacementRecord.application_id).where(
            PlacementRecord.cycle == year)).all())


def _decisions(quiet: Phase, busy: Phase, decisions: Reviewers | None,
               rate: float) -> Figures:
    """The reviewers' decisions without and during the round: p99s and their ratio."""
    if decisions is None:
        return []
    without, during = quiet.all_of(["decision"]), busy.all_of(["decision"])
    p_without, p_during = pct(without, 99), pct(during, 99)
    return [
        (f"decisions at {rate:g}/s, p50 / p99: without the round (count)",
         f"{ms(pct(without, 50))} / {ms(p_without)} ({len(without)})"),
        (f"decisions at {rate:g}/s, p50 / p99: during the round (count)",
         f"{ms(pct(during, 50))} / {ms(p_during)} ({len(during)})"),
        ("decisions p99 ratio, during ÷ without (goal ≤ 3×)",
         f"{p_during / p_without:.2f}×" if p_without else "–"),
        ("decisions failed / not sent (no applicant free)",
         f"{len(quiet.errors) + len(busy.errors)} / {decisions.unsent}"),
    ]


# --- both --------------------------------------------------------------------------------


async def launch(stack: Stack, candidates: int, fan_out: int, *, concurrency: int = 64,
                 repeat: int = 3, rate: float = 2.0, baseline: float = 20.0,
                 profile: Path | None = None) -> list[tuple[str, str]]:
    """Allocation over `candidates` ranked candidates and a fan-out to `fan_out`: figures.

    A size of 0 skips its part.
    """
    figures: Figures = []
    async with http_client(stack, concurrency) as http:
        driver = Driver(stack, http)
        if candidates:
            seats = max(1, candidates * 6 // 10 // len(CITIES))
            await _create_cycle(driver, ALLOCATION_YEAR, [min(seats, 100_000)] * len(CITIES))
            fill = await asyncio.to_thread(fill_ranked, stack, ALLOCATION_YEAR, candidates)
            figures.append(("bulk insert of the ranked candidates",
                            f"{_s(fill)} ({_rate(candidates, fill)})"))
            figures += await asyncio.to_thread(allocation_at_size, stack, ALLOCATION_YEAR,
                                               candidates, repeat)
            figures.append(await dry_run(driver, ALLOCATION_YEAR))
        if fan_out:
            figures += await offices(stack, driver, FAN_OUT_YEAR, fan_out, concurrency,
                                     rate=rate, baseline=baseline, profile=profile)
    return figures


async def main(candidates: int, fan_out: int, concurrency: int, repeat: int, database: str,
               keep: bool, rate: float, baseline: float, profile: Path | None) -> None:
    print(machine_line(), flush=True)
    if profile is not None and not PY_SPY:
        raise SystemExit("--profile needs py-spy on PATH")
    async with Stack(database, log_level="WARNING", keep=keep) as stack:
        figures = await launch(stack, candidates, fan_out, concurrency=concurrency,
                               repeat=repeat, rate=rate, baseline=baseline, profile=profile)
    print(f"\n### Launch round ({database})\n\n| figure | value |\n| --- | --- |")
    for name, value in figures:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=100_000,
                        help="ranked candidates the allocation runs over (0 skips it)")
    parser.add_argument("--fan-out", type=int, default=10_000,
                        help="applicant workflows the round sends offices to (0 skips it)")
    parser.add_argument("--concurrency", type=int, default=64,
                        help="applicants set up at once through the client")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each allocation step (the best and the median shown)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--decision-rate", type=float, default=2.0,
                        help="reviewer decisions per second beside the fan-out, open loop "
                        "(0: none)")
    parser.add_argument("--baseline", type=float, default=20.0,
                        help="seconds of decisions before the round")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="py-spy the worker during the round's fan-out, stacks into DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data")
    args = parser.parse_args()
    asyncio.run(main(args.candidates, args.fan_out, args.concurrency, args.repeat,
                     args.database, args.keep, args.decision_rate, args.baseline,
                     args.profile))
    sys.stdout.flush()
    os._exit(0)
