"""Publication of exam results to a whole cohort: cost per candidate, beside a bare fan-out.

    .venv/bin/python -m bench.publication --candidates 1000,20000
    (one size runs inside `python -m bench --publication N`)

Each size runs on a fresh bench stack (bench/stack.py: Temporal dev server on a SQLite file
with WAL, a worker and the API in their own processes, a SQLite or PostgreSQL read model):

1. N candidates are set up at awaiting_exam (started, paid and photographed through the
   Temporal client, not HTTP: the figure wanted is the publication's) and scored results are
   loaded; a few reviewers' applicants of another cycle are brought to awaiting_interview.
2. N bare workflows (bench/fanout.py, a worker process of their own with daftar's workflow
   cache size) are given histories as long as a daftar candidate's at awaiting_exam.
3. Both workers are restarted, so that both fan-outs start from an empty workflow cache, as a
   publication weeks after registration does. Reviewer decisions go through the HTTP API at a
   steady open-loop rate for `--baseline` seconds: their latency without a publication.
4. The publication (ExamCycleWorkflow.publish_results) is timed until the read model says
   published, with the decisions still going on: wall time, worker and server CPU per
   candidate, peak RSS, the decisions' p99 beside the baseline's.
5. The bare fan-out: the same number of updates, in daftar's shape (page size, updates in
   flight), to the bare workflows; daftar ÷ bare.

With two sizes or more the table gives the flatness (largest ÷ smallest cost per candidate)
and the cost of 100,000 candidates extrapolated from the slope between the smallest and the
largest size (on paper: the size is not run).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session, func, select
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from bench import fanout
from bench.common import CpuMeter, Sampler, machine_line, pct, proc_kib, progress, table
from bench.data import ALL_CHECKS, PASS_MARK, form, start_applicant
from bench.http_path import CallFailed, Driver, Phase, http_client
from bench.profile import PY_SPY, Profiling, summary, summary_tables
from bench.stack import Stack
from bench.waits import UpdateWait, task_rows, update_waits
from daftar.activities import cohort
from daftar.contracts.applicant import (
    CycleTerms,
    ExamResultIn,
    PaymentIn,
    PhotoIn,
)
from daftar.contracts.cycle import CycleWorkflowIn, PublicationState, PublishIn
from daftar.contracts.ids import applicant_workflow_id, cycle_workflow_id
from daftar.contracts.workflows import Applicant
from daftar.domain.actors import Actor
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.notices import NoticeEvent
from daftar.domain.registration import RegistrationForm
from daftar.domain.scoring import (
    AnswerCounts,
    CandidateAnswers,
    ScoringConfig,
    SubjectSpec,
    score_cohort,
)
from daftar.domain.stages import DEFAULT_SLA_DAYS, Role, Stage
from daftar.store.cohort import replace_exam_load
from daftar.store.db import session_factory, transaction
from daftar.store.models import ApplicationRecord, ExamLoad, NoticeRecord
from daftar.worker import build_worker
from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow

YEAR = 1404
#: The reviewers' applicants: a cycle of their own, and serials no other part uses.
DECISION_YEAR = 1402
DECISION_SERIAL = 900_000
FEE = 2_000_000
SUBJECTS = [SubjectSpec(code=f"s{i}", questions=40) for i in range(8)]
#: daftar's fan-out shape and workflow cache, as daftar.worker builds its worker.
_BUILD = inspect.signature(build_worker).parameters
FAN_OUT_PAGE: int = _BUILD["fan_out_page"].default
FAN_OUT_CONCURRENCY: int = min(_BUILD["fan_out_concurrency"].default, cohort.FAN_OUT_IN_FLIGHT)
DEFAULT_CACHE: int = inspect.signature(Worker.__init__).parameters["max_cached_workflows"].default
#: The decisions each reviewers' applicant takes, in order.
DECISIONS: list[tuple[str, Role, dict[str, Any]]] = [("interview", Role.interviewer, {"score": 80}),
             ("qualification", Role.qualification_officer, {"checks": ALL_CHECKS}),
             ("security", Role.security_officer, {"reason": None})]
Figures = list[tuple[str, str]]
MIB = 1024


@dataclass
class Measured:
    """One size's figures."""

    candidates: int
    setup: float = 0.0
    drain: float = 0.0  # after the set-up, until no activity task waited (its SMS)
    scoring: float = 0.0
    passed: int = 0
    sent: int = 0
    skipped: int = 0
    events: int = 0  # a daftar candidate's history at awaiting_exam (the median)
    history_bytes: int = 0
    wall: float = 0.0  # until the last result's SMS and the absentees
    results_wall: float = 0.0  # until the read model counts every result sent
    cpu: dict[str, float] = field(default_factory=dict)  # seconds: worker, server
    rss: dict[str, int] = field(default_factory=dict)  # KiB peaks: worker, server
    server_hwm: int = 0
    bare_events: int = 0
    bare_bytes: int = 0
    bare_wall: float = 0.0
    bare_cpu: dict[str, float] = field(default_factory=dict)
    bare_rss: dict[str, int] = field(default_factory=dict)
    baseline: list[float] = field(default_factory=list)  # decision latencies, seconds
    during: list[float] = field(default_factory=list)
    decision_errors: list[str] = field(default_factory=list)
    unsent_decisions: int = 0  # ticks with no reviewers' applicant free
    #: The decisions' workflow tasks, from the histories (bench/waits.py).
    waits_quiet: list[UpdateWait] = field(default_factory=list)
    waits_busy: list[UpdateWait] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)  # bench.profile.summary's

    def per(self, seconds: float) -> float:
        """Milliseconds per candidate."""
        return seconds / self.candidates * 1000

    @property
    def cost(self) -> float:
        """Worker + server CPU ms per candidate."""
        return self.per(self.cpu["worker"] + self.cpu["server"])

    @property
    def bare_cost(self) -> float:
        return self.per(self.bare_cpu["worker"] + self.bare_cpu["server"])


def _form(n: int) -> RegistrationForm:
    return RegistrationForm.model_validate(form(n))


def _count(stack: Stack, year: int, stage: Stage) -> int:
    with Session(stack.engine) as s:
        return int(s.exec(select(func.count()).select_from(ApplicationRecord).where(
            ApplicationRecord.cycle == year, ApplicationRecord.stage == stage.value)).one())


async def register_at(stack: Stack, year: int, serials: range, concurrency: int,
                    *, exam: bool = False) -> list[str]:
    """Start, pay and photograph one applicant per serial (and pass the exam when `exam`);
    their application ids once the read model has them all at the stage reached."""
    key = stack.settings.identity_key
    closes = datetime.now(UTC) + timedelta(days=30)
    gate = asyncio.Semaphore(concurrency)
    gateway = Actor(id="gateway", roles=[Role.payment_gateway])
    officer = Actor(id="exam-1", roles=[Role.exam_officer])
    ids: list[str] = []

    async def one(n: int) -> None:
        async with gate:
            f = _form(n)
            app_id = application_id(key, year, f.national_id)
            ids.append(app_id)
            h = await start_applicant(stack, f, CycleTerms(
                year=year, fee_rials=FEE, registration_closes_at=closes,
                sla_days=DEFAULT_SLA_DAYS))
            await h.execute_update(ApplicantWorkflow.confirm_payment, PaymentIn(
                actor=gateway, reference=f"r{n}", amount_rials=FEE))
            await h.execute_update(ApplicantWorkflow.submit_photo, PhotoIn(
                actor=Actor(id=app_id, roles=[Role.applicant]), sha256="0" * 64,
                width=250, height=350, size=30_000))
            if exam:
                await h.execute_update(ApplicantWorkflow.record_exam_result, ExamResultIn(
                    actor=officer, total_score=PASS_MARK + 500, pass_mark=PASS_MARK))

    for start in range(serials.start, serials.stop, 1000):
        await asyncio.gather(*(one(n) for n in range(start, min(start + 1000, serials.stop))))
        progress(f"  set-up {year}: {min(start + 1000, serials.stop) - serials.start}"
                 f"/{len(serials)}")
    stage = Stage.awaiting_interview if exam else Stage.awaiting_exam
    while _count(stack, year, stage) < len(serials):
        await asyncio.sleep(0.5)
    return ids


def _load_scores(stack: Stack) -> tuple[float, int]:
    with Session(stack.engine) as s:
        ids = list(s.exec(select(ApplicationRecord.application_id).where(
            ApplicationRecord.cycle == YEAR)))
    rng = random.Random(1)
    answers = [CandidateAnswers(key=i, subjects={
        sub.code: AnswerCounts(correct=(c := rng.randint(0, 40)), wrong=rng.randint(0, 40 - c))
        for sub in SUBJECTS}) for i in ids]
    started = time.perf_counter()
    scored = score_cohort(ScoringConfig(subjects=SUBJECTS), answers)
    scoring = time.perf_counter() - started
    with transaction(session_factory(stack.engine)) as session:
        replace_exam_load(session, ExamLoad(
            cycle=YEAR, scale=Decimal(2000), pass_mark=scored.pass_mark,
            top_count=scored.top_count, top_mean=scored.top_mean, candidates=len(ids),
            passed=scored.passed, loaded_by="bench", loaded_at=datetime.now(UTC)), [
            {"cycle": YEAR, "application_id": s.key, "tracking_code": tracking_code(s.key),
             "counts": {}, "standard": {k: str(v) for k, v in s.standard.items()},
             "total": s.total, "passed": s.passed} for s in scored.scores])
    return scoring, scored.passed


class Reviewers:
    """Decisions over HTTP at a steady open-loop rate, each to a reviewers' applicant whose
    previous decision has returned (interview, then qualification, then security)."""

    def __init__(self, driver: Driver, ids: list[str], rate: float) -> None:
        self.driver, self.rate = driver, rate
        self.free = [(app_id, 0) for app_id in ids]  # (application, next decision)
        self.unsent = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def _decide(self, phase: Phase, app_id: str, step: int) -> None:
        stage, role, extra = DECISIONS[step]
        try:
            await self.driver.call(phase, "decision", "POST",
                                   f"/v1/applications/{app_id}/decisions", 200,
                                   headers=self.driver.staff[role],
                                   json={"stage": stage, "outcome": "pass", **extra})
        except (CallFailed, httpx.HTTPError) as err:
            if not isinstance(err, CallFailed):
                phase.errors.append(f"decision: {err!r}")
            return
        if step + 1 < len(DECISIONS):
            self.free.append((app_id, step + 1))

    async def run(self, phase: Phase, until: asyncio.Event | float) -> None:
        """Send until `until` is set (or for `until` seconds), then wait for the last ones."""
        started = time.perf_counter()
        ticks = 0
        while not (until.is_set() if isinstance(until, asyncio.Event)
                   else time.perf_counter() - started >= until):
            if self.free:
                task = asyncio.create_task(self._decide(phase, *self.free.pop(0)))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            else:
                self.unsent += 1
            ticks += 1
            await asyncio.sleep(max(0.0, started + ticks / self.rate - time.perf_counter()))
        await asyncio.gather(*self._tasks)


async def restart_workers(stack: Stack) -> None:
    """Fresh daftar workers: their workflow caches empty."""
    for name in stack.names("worker"):
        await stack.stop(name)
        stack._daftar(name, "worker")
        await stack.wait_polling(name, stack.task_queue, own=True)


def _result_notices(stack: Stack) -> int:
    with Session(stack.engine) as s:
        return int(s.exec(select(func.count()).select_from(NoticeRecord).where(
            NoticeRecord.event == NoticeEvent.exam_result.value,
            NoticeRecord.status == "sent")).one())


async def _published(stack: Stack, cycle: WorkflowHandle[Any, Any], candidates: int,
                     notices: int) -> tuple[ExamLoad, float]:
    """Until every result is sent, the absentees ended and every result's SMS sent; the
    exam load and when its results were all sent (perf_counter)."""
    sent_at = 0.0
    while True:
        with Session(stack.engine) as s:
            load = s.get(ExamLoad, YEAR)
        assert load is not None
        told = _result_notices(stack) - notices
        progress(f"  published {load.sent + load.skipped}/{candidates}, SMS {told}")
        if load.state == "published" and not sent_at:
            sent_at = time.perf_counter()
        if sent_at and told >= candidates:
            state = await cycle.query(ExamCycleWorkflow.progress)
            if state.publication == PublicationState.published:
                return load, sent_at
        await asyncio.sleep(0.25)


async def measure(stack: Stack, candidates: int, concurrency: int, *, rate: float = 2.0,
                  baseline: float = 20.0, cache: int = DEFAULT_CACHE,
                  bare: bool = True, profile: Path | None = None) -> Measured:
    """Set up `candidates` at awaiting_exam, publish their results, then the bare fan-out."""
    m = Measured(candidates)
    started = time.perf_counter()
    ids = await register_at(stack, YEAR, range(candidates), concurrency)
    m.setup = time.perf_counter() - started
    progress(f"  set-up: {candidates} at awaiting_exam in {m.setup:.0f} s", done=True)
    sizes = sorted(await asyncio.gather(*(fanout.history_size(
        stack.client, applicant_workflow_id(i)) for i in ids[:: max(1, len(ids) // 20)])))
    m.events, m.history_bytes = sizes[len(sizes) // 2]  # the median of about 20
    m.scoring, m.passed = _load_scores(stack)
    # Enough reviewers' applicants for the baseline and a publication at the set-up's pace
    # (or better), three decisions each.
    expected = baseline + 1.5 * m.setup + 30
    reviewers = await register_at(
        stack, DECISION_YEAR,
        range(DECISION_SERIAL, DECISION_SERIAL + math.ceil(rate * expected / 3) + 5),
        concurrency, exam=True)
    plain = await Client.connect(stack.temporal_address)  # the bare side: no codec
    if bare:
        await fanout.start_worker(stack, cache)
        _, m.bare_events = await fanout.set_up(plain, candidates, m.events, concurrency)
        m.bare_bytes = (await fanout.history_size(plain, f"{fanout.PREFIX}-0"))[1]
        progress(f"  bare set-up: {candidates} with {m.bare_events} events", done=True)
        await stack.stop("bare")
    m.drain = await stack.activities_drained()
    progress(f"  set-up's SMS sent {m.drain:.0f} s after", done=True)
    await restart_workers(stack)
    server, worker = stack.pid("server"), stack.pid("worker")
    workers = {name: stack.pid(name) for name in stack.names("worker")}
    async with http_client(stack, 16) as http:
        decisions = Reviewers(Driver(stack, http), reviewers, rate)
        quiet = Phase()
        quiet_from = time.time()
        await decisions.run(quiet, baseline)
        m.baseline = quiet.all_of(["decision"])
        busy, done = Phase(), asyncio.Event()
        notices = _result_notices(stack)
        meter = CpuMeter({**workers, "server": server})
        with Sampler({**workers, "server": server}) as peak:
            busy_from = time.time()
            sending = asyncio.create_task(decisions.run(busy, done))
            if profile is not None and not PY_SPY:
                raise SystemExit("--profile needs py-spy on PATH")
            spy = Profiling(profile or Path(), {"worker": worker}, f"publication-{candidates}")
            if profile is not None:
                spy.start()
            meter.start()
            started = time.perf_counter()
            cycle = await stack.client.start_workflow(
                ExamCycleWorkflow.run, CycleWorkflowIn(year=YEAR),
                id=cycle_workflow_id(YEAR), task_queue=stack.task_queue)
            await cycle.execute_update(ExamCycleWorkflow.publish_results, PublishIn(
                actor=Actor(id="exam-1", roles=[Role.exam_officer])))
            load, sent_at = await _published(stack, cycle, candidates, notices)
            m.wall = time.perf_counter() - started
            m.results_wall = sent_at - started
            used = meter.stop()
            m.cpu = {"worker": sum(used[w] for w in workers), "server": used["server"]}
            for name in workers:
                if stack.procs[name].poll() is not None:
                    raise SystemExit(f"{name} exited during the publication; see "
                                     f"{stack.work / f'{name}.log'}")
            if profile is not None:
                spy.stop()
                m.profile = summary(spy.file("worker"))
            done.set()
            await sending
        m.rss = {"worker": max(peak.peak[w] for w in workers), "server": peak.peak["server"]}
        m.during = busy.all_of(["decision"])
        m.decision_errors = quiet.errors + busy.errors
        m.unsent_decisions = decisions.unsent
    waits = await update_waits(plain, [applicant_workflow_id(i) for i in reviewers],
                               name=Applicant.decide.name)
    m.waits_quiet = [w for w in waits if quiet_from <= w.scheduled < busy_from]
    m.waits_busy = [w for w in waits if w.scheduled >= busy_from]
    m.sent, m.skipped = load.sent, load.skipped
    m.server_hwm = proc_kib(server, "VmHWM")
    progress(f"  published {candidates} in {m.wall:.1f} s", done=True)
    if bare:
        await fanout.start_worker(stack, cache)
        meter = CpuMeter({"worker": stack.pid("bare"), "server": server})
        with Sampler({"worker": stack.pid("bare"), "server": server}) as peak:
            meter.start()
            m.bare_wall = await fanout.publish(plain, candidates, FAN_OUT_PAGE,
                                               FAN_OUT_CONCURRENCY)
            m.bare_cpu = meter.stop()
        m.bare_rss = dict(peak.peak)
        await stack.stop("bare")
        progress(f"  bare fan-out: {candidates} in {m.bare_wall:.1f} s", done=True)
    return m


def figures(m: Measured, cache: int = DEFAULT_CACHE) -> Figures:
    """One size's figures, as rows of (name, value)."""
    n = m.candidates
    rows = [
        ("candidates", f"{n}"),
        ("history of a candidate at awaiting_exam", f"{m.events} events, "
                                                    f"{m.history_bytes / 1024:.1f} KiB"),
        (f"scoring, {len(SUBJECTS)} subjects each (EXAM-4)", f"{m.scoring:.2f} s"),
        ("publication wall time: results sent / with SMS and absentees",
         f"{m.results_wall:.1f} s / {m.wall:.1f} s ({n / m.wall:.0f} candidates/s)"),
        ("sent / skipped / passed the mark", f"{m.sent} / {m.skipped} / {m.passed}"),
        ("CPU per candidate: worker / server",
         f"{m.per(m.cpu['worker']):.1f} ms / {m.per(m.cpu['server']):.1f} ms"),
        ("worker peak RSS during publication", f"{m.rss['worker'] / MIB:.0f} MiB"),
        ("server peak RSS during publication", f"{m.rss['server'] / MIB:.0f} MiB"),
        ("server peak RSS (whole run, VmHWM)", f"{m.server_hwm / MIB:.0f} MiB"),
    ]
    if m.bare_cpu:
        rows += [
            ("fan-out shape: page / updates in flight (daftar: at most, paced; bare: fixed)",
             f"{FAN_OUT_PAGE} / {FAN_OUT_CONCURRENCY}"),
            (f"bare fan-out (cache {cache}): history", f"{m.bare_events} events, "
                                                       f"{m.bare_bytes / 1024:.1f} KiB"),
            ("bare fan-out: wall time", f"{m.bare_wall:.1f} s ({n / m.bare_wall:.0f}/s)"),
            ("bare fan-out: CPU per candidate: worker / server",
             f"{m.per(m.bare_cpu['worker']):.1f} ms / {m.per(m.bare_cpu['server']):.1f} ms"),
            ("bare fan-out: worker peak RSS", f"{m.bare_rss['worker'] / MIB:.0f} MiB"),
            ("daftar ÷ bare: wall / worker + server CPU (goal ≤ 1.2×)",
             f"{m.wall / m.bare_wall:.2f}× / {m.cost / m.bare_cost:.2f}×"),
        ]
    p_quiet, p_busy = pct(m.baseline, 99), pct(m.during, 99)
    rows += [
        ("decisions p99: without / during publication (count)",
         f"{p_quiet * 1000:.0f} ms ({len(m.baseline)}) / {p_busy * 1000:.0f} ms "
         f"({len(m.during)})"),
        ("decisions p99 ratio (goal ≤ 3×)", f"{p_busy / p_quiet:.2f}×"),
        *task_rows(m.waits_quiet, m.waits_busy),
        ("decisions failed / not sent (no applicant free)",
         f"{len(m.decision_errors)} / {m.unsent_decisions}"),
        ("set-up: start + pay + photo per candidate",
         f"{m.setup:.0f} s ({n / m.setup:.1f}/s)"),
        ("set-up's SMS: sent after the set-up (before the publication starts)",
         f"{m.drain:.0f} s"),
    ]
    return rows


async def publication(stack: Stack, candidates: int, concurrency: int) -> Figures:
    """Set up `candidates` at awaiting_exam, publish their results; the figures."""
    return figures(await measure(stack, candidates, concurrency))


def on_paper(sizes: list[Measured], at: int = 100_000, cache: int = DEFAULT_CACHE) -> Figures:
    """Flatness across sizes, and `at` candidates extrapolated from the slope between the
    smallest and the largest size."""
    small, large = sizes[0], sizes[-1]

    def flat(values: list[float]) -> str:
        return f"{max(values) / min(values):.3f}"

    def line(a: float, b: float) -> float:  # a total at `small`, b at `large`, extended
        return a + (b - a) / (large.candidates - small.candidates) * (at - small.candidates)

    rows = [
        ("flatness, largest ÷ smallest per candidate (goal ≤ 1.05): wall",
         flat([m.wall / m.candidates for m in sizes])),
        ("flatness: worker CPU", flat([m.cpu["worker"] / m.candidates for m in sizes])),
        ("flatness: server CPU", flat([m.cpu["server"] / m.candidates for m in sizes])),
    ]
    wall = line(small.wall, large.wall)
    worker = line(small.cpu["worker"], large.cpu["worker"])
    server = line(small.cpu["server"], large.cpu["server"])
    # The worker holds at most `cache` workflows: past that its memory stops growing with N.
    held = min(at, max(cache, large.candidates))
    rss = line(small.rss["worker"], large.rss["worker"]) if held == at else (
        small.rss["worker"] + (large.rss["worker"] - small.rss["worker"])
        / (large.candidates - small.candidates) * (held - small.candidates))
    setup = line(small.setup, large.setup)
    rows += [
        (f"{at:,} on paper: publication wall", f"{wall / 60:.0f} min ({at / wall:.0f}/s)"),
        (f"{at:,} on paper: CPU per candidate worker / server",
         f"{worker / at * 1000:.1f} ms / {server / at * 1000:.1f} ms"),
        (f"{at:,} on paper: worker peak RSS (growth stops at the cache, {cache} workflows)",
         f"{rss / MIB:.0f} MiB"),
        (f"{at:,} on paper: set-up", f"{setup / 60:.0f} min"),
    ]
    if all(m.bare_cpu for m in sizes):
        bare = line(small.bare_wall, large.bare_wall)
        rows.append((f"{at:,} on paper: bare fan-out wall",
                     f"{bare / 60:.0f} min (daftar ÷ bare {wall / bare:.2f}×)"))
    return rows


async def main(sizes: list[int], concurrency: int, database: str, keep: bool, rate: float,
               baseline: float, bare: bool, profile: Path | None) -> None:
    print(machine_line(), flush=True)
    measured: list[Measured] = []
    for n in sizes:
        print(f"\n{n} candidates: starting a fresh stack", flush=True)
        async with Stack(database, log_level="WARNING", keep=keep) as stack:
            measured.append(await measure(stack, n, concurrency, rate=rate,
                                          baseline=baseline, bare=bare, profile=profile))
        print(table(f"{n} candidates", ["figure", "value"], figures(measured[-1])), flush=True)
    for m in measured:
        if m.profile:
            print(*summary_tables(m.profile, f"worker during the publication of "
                                             f"{m.candidates}"), sep="\n")
    rows = [figures(m) for m in measured]
    print()
    print(table(f"Publication ({database}, decisions at {rate:g}/s)",
                ["figure", *(f"{m.candidates}" for m in measured)],
                [[name, *(dict(r)[name] for r in rows)] for name, _ in rows[0]]))
    if len(measured) > 1:
        print(table("Across sizes", ["figure", "value"], on_paper(measured)))
    print(machine_line())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", default="1000,20000",
                        type=lambda s: sorted(int(x) for x in s.split(",")),
                        help="comma-separated sizes, each on a fresh stack")
    parser.add_argument("--concurrency", type=int, default=64, help="set-up concurrency")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--decision-rate", type=float, default=2.0,
                        help="reviewer decisions per second, open loop")
    parser.add_argument("--baseline", type=float, default=20.0,
                        help="seconds of decisions without a publication")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare fan-out")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="py-spy the worker during each publication, stacks into DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data")
    args = parser.parse_args()
    asyncio.run(main(args.candidates, args.concurrency, args.database, args.keep,
                     args.decision_rate, args.baseline, not args.no_bare, args.profile))
    sys.stdout.flush()
    os._exit(0)
