"""Decision latency under open-loop load: daftar's full path beside the bare ceiling's.

    .venv/bin/python -m bench.openloop --paths 200 --rate 0 --database sqlite
    .venv/bin/python -m bench.openloop --paths 100 --rate 3.5 --arrivals fixed

Closed clients wait for one path before they start the next, so a slow server slows the load
down and hides its own queueing. Here new applicants arrive on a clock whatever is in flight:
arrival i is due at offset t_i, from seeded Poisson arrivals (exponential gaps of mean 1/rate,
`--arrivals poisson`, the default) or a fixed clock (t_i = i/rate, `--arrivals fixed`), and
each arrival runs one whole path (bench/http_path.py `Driver.path`: register, photo, payment,
exam, interview, qualification, security, office, licence) with its calls in order, every
call timed under its label. Then the same schedule — the same offsets, so the same bursts —
drives the bare ceiling (bench/ceiling.py `CeilingWorkflow`, its own worker process as
`run_ceiling` spawns it, a start and eight updates under the same labels) in the shape that
does daftar's durable work (`SAME_WORK`, `Shape.daftar()`: its upserts, timers, local and
notice activities and payload sizes). A few paths of each, one at a time and untimed, warm
both up first.

The rate, unless `--rate` gives it, is half the plain bare ceiling's closed-loop path rate
(`run_ceiling` with `Shape()`, measured first in the same run on the same server). The goal:
each decision's p99 at most twice the bare path's update p99 at that rate, and the photo
upload's p99 at most twice the decisions'. Printed: per call, daftar's p50/p99, the bare
p99, their ratio; the photo ÷ decisions ratio; the rate the arrivals achieved, how late the
load generator started them, the in-flight peak, errors, and CPU per path of the Temporal
server, the worker and the API for both.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from bench.ceiling import (
    CYCLE,
    PROVINCE,
    QUOTA,
    STAGE,
    TASK_QUEUE,
    CeilingWorkflow,
    Shape,
    run_ceiling,
)
from bench.common import CpuMeter, machine_line, ms, pct, progress, table
from bench.data import seed_pass_mark
from bench.http_path import STEPS, UPDATES, CallFailed, Driver, Phase
from bench.report import history_events
from bench.stack import Stack
from daftar.contracts.ids import applicant_workflow_id

YEAR = 1406  # the open-loop paths' cycle (bench/__main__.py uses 1405 and 1399)
#: The bare path doing daftar's durable work (bench/ceiling.py Shape.daftar).
SAME_WORK = Shape.daftar()
DECISIONS = ["interview", "qualification", "security"]
#: History event kinds shown per path: what each workflow task of a path waits behind.
EVENT_KINDS = {"WORKFLOW_TASK_COMPLETED": "workflow tasks", "MARKER_RECORDED": "local activities",
               "ACTIVITY_TASK_SCHEDULED": "activities", "TIMER_STARTED": "timers",
               "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES": "upserts"}
GOAL = 2.0  # each ratio the goal bounds


@dataclass
class Arrivals:
    """One open-loop run: when paths were due and started, and what was in flight."""

    scheduled: list[float] = field(default_factory=list)  # offsets from the first arrival, s
    started: list[float] = field(default_factory=list)
    finished: dict[int, float] = field(default_factory=dict)  # path → offset it completed at
    peak: int = 0  # paths in flight at once, at most

    @property
    def offered(self) -> float:
        """The schedule's own rate (a Poisson schedule's differs a little from the nominal)."""
        span = self.scheduled[-1] - self.scheduled[0] if len(self.scheduled) > 1 else 0.0
        return (len(self.scheduled) - 1) / span if span else 0.0

    @property
    def achieved(self) -> float:
        span = self.started[-1] - self.started[0] if len(self.started) > 1 else 0.0
        return (len(self.started) - 1) / span if span else 0.0

    @property
    def throughput(self) -> float:
        """Completions per second between the first and the last completion."""
        done = sorted(self.finished.values())
        span = done[-1] - done[0] if len(done) > 1 else 0.0
        return (len(done) - 1) / span if span else 0.0

    @property
    def lag(self) -> list[float]:
        """How late the load generator started each path (its own queueing, not the server's)."""
        return [s - d for s, d in zip(self.started, self.scheduled, strict=True)]

    @property
    def path_times(self) -> list[float]:
        """Each completed path's time from when it was due (so a late start counts too)."""
        return [at - self.scheduled[i] for i, at in self.finished.items()]


@dataclass
class Run:
    """A phase (latencies, errors, CPU) and how its arrivals went."""

    name: str
    phase: Phase
    arrivals: Arrivals
    events: Counter[str] = field(default_factory=Counter)  # one path's history


@dataclass
class OpenLoop:
    """What the part measured: daftar's run and the bare one at the same rate and schedule."""

    rate: float
    arrivals: str  # "poisson (seed N)" or "fixed clock"
    shape: Shape
    daftar: Run
    bare: Run
    ceiling_rate: float = 0.0  # the plain bare closed-loop rate the rate was taken from
    read_model: str = ""  # the cycle's stats afterwards


def schedule(count: int, rate: float, arrivals: str = "poisson", seed: int = 1) -> list[float]:
    """Arrival offsets in seconds: Poisson (exponential gaps, seeded) or a fixed clock."""
    if arrivals == "fixed":
        return [i / rate for i in range(count)]
    rng, at, out = random.Random(seed), 0.0, []
    for _ in range(count):
        out.append(at)
        at += rng.expovariate(rate)
    return out


async def _open_loop(label: str, offsets: list[float], job: Callable[[int], Awaitable[None]],
                     phase: Phase) -> Arrivals:
    """`job(i)` started at `offsets[i]` whatever is still in flight; a failed job is an error
    (its calls so far keep their latencies)."""
    arrivals = Arrivals(scheduled=offsets)
    in_flight = 0
    t0 = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal in_flight
        in_flight += 1
        arrivals.peak = max(arrivals.peak, in_flight)
        try:
            await job(i)
            phase.done += 1
            arrivals.finished[i] = time.perf_counter() - t0
        except CallFailed:
            pass  # the call recorded its own error
        except Exception as err:
            phase.errors.append(f"{label}: {err!r}")
        finally:
            in_flight -= 1
        if phase.done % 25 == 0:
            progress(f"  {label}: {phase.done}/{len(offsets)}, {in_flight} in flight")

    tasks = []
    for i, due in enumerate(offsets):
        delay = t0 + due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        arrivals.started.append(time.perf_counter() - t0)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    phase.wall = time.perf_counter() - t0
    progress(f"  {label}: {phase.done}/{len(offsets)} in {phase.wall:.1f} s, "
             f"peak {arrivals.peak} in flight", done=True)
    return arrivals


async def ceiling_rate(stack: Stack, n: int, concurrency: int,
                       shape: Shape | None = None) -> float:
    """The bare ceiling's closed-loop path rate: `n` paths from `concurrency` clients."""
    return (await run_ceiling(stack, n, concurrency, shape or Shape())).rate


async def _wait_for_worker(stack: Stack, name: str, task_queue: str,
                           seconds: float = 120) -> None:
    """Until process `name` itself polls `task_queue` (a worker stopped a moment ago may still
    be listed as a poller, so the new one is told by its identity, pid@host)."""
    identity = f"{stack.pid(name)}@{socket.gethostname()}"
    request = DescribeTaskQueueRequest(
        namespace="default", task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
    for _ in range(int(seconds * 10)):
        pollers = (await stack.client.workflow_service.describe_task_queue(request)).pollers
        if any(p.identity == identity for p in pollers):
            return
        if stack.procs[name].poll() is not None:
            raise SystemExit(f"{name} exited; see {stack.work / (name + '.log')}")
        await asyncio.sleep(0.1)
    raise SystemExit(f"{name} never polled {task_queue} within {seconds} s")


async def _daftar(stack: Stack, driver: Driver, year: int, offsets: list[float],
                  first_serial: int, warmup: int) -> Run:
    phase = Phase()
    for i in range(warmup):  # untimed, one at a time
        await driver.path(Phase(), year, first_serial + len(offsets) + i)
    meter = CpuMeter({"server": stack.pid("server"), "worker": stack.pid("worker"),
                      "api": stack.pid("api"), "bench": None})

    async def job(i: int) -> None:
        await driver.path(phase, year, first_serial + i)

    meter.start()
    arrivals = await _open_loop("daftar paths, open loop", offsets, job, phase)
    phase.cpu = meter.stop()
    events = (await history_events(stack.client, applicant_workflow_id(phase.sample))
              if phase.sample else Counter[str]())
    return Run("daftar", phase, arrivals, events)


async def _bare(stack: Stack, offsets: list[float], shape: Shape, warmup: int) -> Run:
    """The ceiling's worker spawned as `run_ceiling` spawns it, driven on `offsets`."""
    name = "".join(c for c in shape.name if c.isalnum() or c in "+-")
    prefix = f"openloop-{name}-{uuid.uuid4().hex[:6]}"
    stack.spawn("ceiling", [sys.executable, "-c", "from bench.ceiling import main; main()",
                            stack.temporal_address])
    try:
        client = await Client.connect(stack.temporal_address)
        await _wait_for_worker(stack, "ceiling", TASK_QUEUE)
        attributes = TypedSearchAttributes([
            SearchAttributePair(STAGE, "stage-0"), SearchAttributePair(CYCLE, 1405),
            SearchAttributePair(PROVINCE, "Tehran"), SearchAttributePair(QUOTA, "free")])
        arg = "a" * (shape.payload // 5)

        async def path(phase: Phase, workflow_id: str) -> None:
            started = time.perf_counter()
            handle = await client.start_workflow(
                CeilingWorkflow.run, shape, id=workflow_id, task_queue=TASK_QUEUE,
                search_attributes=attributes if shape.upserts else None)
            phase.latency["register"].append(time.perf_counter() - started)
            phase.sample = workflow_id
            for label in UPDATES:
                started = time.perf_counter()
                await handle.execute_update(CeilingWorkflow.step, arg)
                phase.latency[label].append(time.perf_counter() - started)

        for i in range(warmup):
            await path(Phase(), f"{prefix}-warmup-{i}")
        phase = Phase()
        meter = CpuMeter({"server": stack.pid("server"), "worker": stack.pid("ceiling"),
                          "bench": None})

        async def job(i: int) -> None:
            await path(phase, f"{prefix}-{i}")

        meter.start()
        arrivals = await _open_loop(f"bare paths ({shape.name}), open loop", offsets, job,
                                    phase)
        phase.cpu = meter.stop()
        events = await history_events(client, phase.sample) if phase.sample else Counter[str]()
        return Run(f"bare ({shape.name})", phase, arrivals, events)
    finally:
        await stack.stop("ceiling")


async def open_loop(stack: Stack, driver: Driver, year: int, rate: float, paths: int,
                    shape: Shape = SAME_WORK, *, arrivals: str = "poisson", seed: int = 1,
                    warmup: int = 5, first_serial: int = 0) -> OpenLoop:
    """`paths` daftar full paths arriving open-loop at `rate` per second, then as many bare
    paths of `shape` on the same schedule.

    Cycle `year` must exist with room for `paths + warmup` offices in its first city, and its
    pass mark be loaded (bench.data.seed_pass_mark); serials from `first_serial` on must be
    unused in it. `driver`'s HTTP client must not cap its connections below the paths in
    flight (see `open_loop_client`), or its pool, not the server, would queue them.
    """
    offsets = schedule(paths, rate, arrivals, seed)
    daftar = await _daftar(stack, driver, year, offsets, first_serial, warmup)
    done = daftar.phase.done + warmup
    read_model = await driver.converged(year, {"licensed": done}, seconds=30)
    bare = await _bare(stack, offsets, shape, warmup)
    kind = f"poisson (seed {seed})" if arrivals == "poisson" else "fixed clock"
    return OpenLoop(rate=rate, arrivals=kind, shape=shape, daftar=daftar, bare=bare,
                    read_model=read_model)


def open_loop_client(stack: Stack) -> httpx.AsyncClient:
    """An HTTP client with no cap on connections: each arrival gets one when it needs it."""
    return httpx.AsyncClient(base_url=stack.base_url, timeout=120,
                             limits=httpx.Limits(max_connections=None,
                                                 max_keepalive_connections=None))


def _ratio(a: float, b: float) -> float:
    return a / b if b and a == a and b == b else float("nan")


def _x(r: float) -> str:
    return "–" if r != r else f"{r:.2f}×"


def _met(r: float) -> str:
    return "–" if r != r else ("met" if r <= GOAL else "missed")


def _cpu(run: Run, name: str) -> str:
    if name not in run.phase.cpu or not run.phase.done:
        return "–"
    return f"{run.phase.cpu[name] / run.phase.done * 1000:.0f} ms"


def _events(c: Counter[str]) -> str:
    shown = ", ".join(f"{label} {c[kind]}" for kind, label in EVENT_KINDS.items() if c[kind])
    return f"{sum(c.values())} ({shown})" if c else "–"


def _by_call(*runs: Run) -> str:
    calls = Counter(e.split(":", 1)[0] for run in runs for e in run.phase.errors)
    return f" ({', '.join(f'{c} {n}' for c, n in calls.most_common())})" if calls else ""


def _kept_up(run: Run) -> str:
    a = run.arrivals
    return "yes" if a.throughput >= 0.95 * a.achieved else "no (its queue grew)"


def latency_rows(result: OpenLoop) -> list[list[str]]:
    """Per call: daftar p50 / p99, the bare p99 of the same call, the ratio, the goal."""
    d, b = result.daftar.phase, result.bare.phase
    rows = []
    for label, labels in [*((s, [s]) for s in STEPS), ("the 3 decisions", DECISIONS),
                          ("all 8 updates", UPDATES)]:
        p99, bare = pct(d.all_of(labels), 99), pct(b.all_of(labels), 99)
        ratio = _ratio(p99, bare)
        goal = _met(ratio) if label in DECISIONS or label == "the 3 decisions" else ""
        rows.append([label, ms(pct(d.all_of(labels), 50)), ms(p99),
                     ms(pct(b.all_of(labels), 50)), ms(bare), _x(ratio), goal,
                     str(len(d.all_of(labels)))])
    return rows


def figures(result: OpenLoop) -> list[tuple[str, str]]:
    """The part's figures besides the per-call table, as (figure, value) rows."""
    d, b = result.daftar, result.bare
    decisions = pct(d.phase.all_of(DECISIONS), 99)
    worst = max(DECISIONS, key=lambda s: pct(d.phase.latency.get(s, []), 99))
    photo = _ratio(pct(d.phase.latency.get("photo", []), 99), decisions)
    rows = [
        ("arrivals", f"open loop, {result.arrivals}, the same offsets for both"),
        ("rate asked", f"{result.rate:.2f} paths/s" + (
            f" (half the plain bare ceiling's closed-loop {result.ceiling_rate:.2f})"
            if result.ceiling_rate else " (given)")),
        ("rate of the schedule / achieved, daftar / achieved, bare",
         f"{d.arrivals.offered:.2f} / {d.arrivals.achieved:.2f} / {b.arrivals.achieved:.2f}"),
        ("paths done daftar / bare", f"{d.phase.done} / {b.phase.done} of "
                                     f"{len(d.arrivals.scheduled)}"),
        ("completions/s, first to last completion, daftar / bare",
         f"{d.arrivals.throughput:.2f} / {b.arrivals.throughput:.2f}"),
        ("kept up with the arrivals (completions/s ≥ 95% of arrivals/s), daftar / bare",
         f"{_kept_up(d)} / {_kept_up(b)}"),
        ("in flight at most, daftar / bare", f"{d.arrivals.peak} / {b.arrivals.peak}"),
        ("whole path from its due time, p50 / p99, daftar",
         f"{ms(pct(d.arrivals.path_times, 50))} / {ms(pct(d.arrivals.path_times, 99))}"),
        ("whole path from its due time, p50 / p99, bare",
         f"{ms(pct(b.arrivals.path_times, 50))} / {ms(pct(b.arrivals.path_times, 99))}"),
        ("arrivals started late by, p99 / max, daftar",
         f"{ms(pct(d.arrivals.lag, 99))} / {ms(max(d.arrivals.lag, default=float('nan')))}"),
        ("arrivals started late by, p99 / max, bare",
         f"{ms(pct(b.arrivals.lag, 99))} / {ms(max(b.arrivals.lag, default=float('nan')))}"),
        ("photo p99 ÷ the decisions' p99 (goal ≤ 2×)", f"{_x(photo)} ({_met(photo)})"),
        ("worst decision by p99", f"{worst} ({ms(pct(d.phase.latency.get(worst, []), 99))})"),
        ("CPU per path: Temporal server, daftar / bare", f"{_cpu(d, 'server')} / "
                                                         f"{_cpu(b, 'server')}"),
        ("CPU per path: worker, daftar / bare", f"{_cpu(d, 'worker')} / {_cpu(b, 'worker')}"),
        ("CPU per path: API (daftar only)", _cpu(d, "api")),
        ("CPU per path: load generator, daftar (HTTP) / bare",
         f"{_cpu(d, 'bench')} / {_cpu(b, 'bench')}"),
        ("history events of one path, daftar", _events(d.events)),
        ("history events of one path, bare", _events(b.events)),
        ("errors daftar / bare (by call; a failed call's latency is in no percentile)",
         f"{len(d.phase.errors)} / {len(b.phase.errors)}{_by_call(d, b)}"),
    ]
    if result.read_model:
        rows.append(("read model afterwards (cycle stats)", result.read_model))
    return rows


def render(result: OpenLoop) -> str:
    n = len(result.daftar.arrivals.scheduled)
    return "\n".join([
        table(f"Call latency under open-loop arrivals ({n} paths at {result.rate:.2f}/s; "
              f"bare: {result.shape.name})",
              ["call", "daftar p50", "daftar p99", "bare p50", "bare p99", "daftar ÷ bare p99",
               "goal ≤ 2× (decisions)", "samples"], latency_rows(result)),
        table("Open-loop load: arrivals, goals, CPU", ["figure", "value"],
              [list(row) for row in figures(result)])])


def parse_shape(text: str) -> Shape:
    """`timers,upserts,payload=2400` (any of Shape's switches, comma-separated), `bare` for the
    plain shape, or `daftar` for `Shape.daftar()` (daftar's durable work, the default)."""
    if text.strip() == "daftar":
        return Shape.daftar()
    shape = Shape()
    for part in filter(None, (p.strip().replace("-", "_") for p in text.split(","))):
        name, _, value = part.partition("=")
        if name == "payload" and value:
            shape.payload = int(value)
        elif name != "bare" and isinstance(getattr(shape, name, None), bool) and not value:
            setattr(shape, name, True)
        elif name != "bare":
            raise SystemExit(f"unknown shape part {part!r}: one of Shape's switches "
                             "(timers, upserts, …), payload=N, bare or daftar")
    return shape


async def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    print(machine_line(), flush=True)
    async with Stack(args.database, log_level=args.log_level, keep=args.keep) as stack, \
            open_loop_client(stack) as http:
        driver = Driver(stack, http)
        await driver.create_cycle(YEAR, capacity=args.paths + args.warmup + 10)
        seed_pass_mark(stack.engine, YEAR)
        measured = 0.0
        rate = args.rate
        if not rate:
            measured = await ceiling_rate(stack, args.ceiling_paths or args.paths,
                                          args.concurrency, Shape())
            rate = 0.5 * measured
            print(f"  plain bare ceiling, closed loop ({args.concurrency} clients): "
                  f"{measured:.2f} paths/s; open-loop rate {rate:.2f} paths/s", flush=True)
        result = await open_loop(stack, driver, YEAR, rate, args.paths,
                                 parse_shape(args.shape), arrivals=args.arrivals,
                                 seed=args.seed, warmup=args.warmup)
        result.ceiling_rate = measured
    for run in (result.daftar, result.bare):
        for error in run.phase.errors[:3]:
            print(f"  error ({run.name}): {error}")
    print()
    print(render(result))
    print(machine_line())
    print(f"bench took {time.perf_counter() - started:.0f} s")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.openloop", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--paths", type=int, default=200, help="open-loop paths, daftar and bare each")
    p.add_argument("--rate", type=float, default=0.0,
                   help="arrivals per second; 0: half the plain bare ceiling's closed-loop rate")
    p.add_argument("--arrivals", choices=["poisson", "fixed"], default="poisson")
    p.add_argument("--seed", type=int, default=1, help="of the Poisson arrivals")
    p.add_argument("--shape", default="daftar",
                   help="the bare path's shape: Shape's switches (timers, upserts, …) and "
                        "payload=N, comma-separated; bare; or daftar (Shape.daftar())")
    p.add_argument("--ceiling-paths", type=int, default=0,
                   help="closed-loop ceiling paths measuring the rate (default: --paths)")
    p.add_argument("--concurrency", type=int, default=16,
                   help="clients of the closed-loop ceiling measuring the rate")
    p.add_argument("--warmup", type=int, default=5,
                   help="untimed paths, one at a time, before each open-loop run")
    p.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--log-level", default="INFO", help="of the API and worker (production: INFO)")
    p.add_argument("--keep", action="store_true", help="keep the stack's temporary directory")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
    sys.stdout.flush()
    os._exit(0)  # the SDK's runtime may abort at interpreter exit
