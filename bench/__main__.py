"""daftar's benchmarks in one command, each on an embedded stack of its own.

    .venv/bin/python -m bench                       # defaults: a few minutes on 2 cores
    .venv/bin/python -m bench --database both --profile
    .venv/bin/python -m bench --applicants 1000 --publication 50000 --read-model-rows 100000

For each read-model database (SQLite, PostgreSQL or both) a fresh stack starts in a temporary
directory (bench/stack.py: Temporal dev server with WAL, worker and API in processes of their
own) and measures, in turn:

1. registration through HTTP: N applications from C clients, applications/s, p50/p99;
2. N full paths through HTTP (registration → … → licence, 8 updates each) from C clients,
   beside two ceilings measured in the same run on the same server (bench/ceiling.py): the
   plain bare workflow, and one doing daftar's durable work (`Shape.daftar()`); the ratios,
   CPU per path of each process, history events per path, every update's latency;
3. `--open-loop` paths arriving on a clock at half the plain ceiling's rate, beside the
   durable-work ceiling on the same schedule (bench/openloop.py);
4. admin lists, inbox, stats and the console's pages with R applications bulk-inserted;
5. a launch round's allocation over `--launch-candidates` ranked candidates and its fan-out
   to `--launch-fan-out` workflows (bench/launch.py);
6. publication of exam results to P candidates beside a bare fan-out (bench/publication.py);
7. with `--rush N`, the registration rush on stacks of its own, 1 API + 1 worker then 2 + 2
   (bench/rush.py).
`--profile` profiles the API and the worker during part 2 (py-spy when on PATH, else
pyinstrument) and prints where their time goes; `--ceiling-breakdown` runs the ceiling again
with daftar's timers, upserts, payloads and notices added one at a time; `--fixes` tries
proposed daftar fixes in the bench's processes (bench/variants.py). A size of 0 skips a part.
Each part also runs alone (`python -m bench.openloop`, `bench.publication`, `bench.launch`,
`bench.rush`, `bench.readmodel`), its sizes as options; `bench.photo` times the photo check
alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from temporalio.client import Client

from bench.ceiling import Shape, run_ceiling
from bench.common import CpuMeter, machine_line
from bench.data import seed_pass_mark
from bench.http_path import Driver, http_client, paths, registrations
from bench.launch import launch
from bench.openloop import YEAR as OPEN_LOOP_YEAR
from bench.openloop import open_loop, open_loop_client
from bench.openloop import render as render_open_loop
from bench.profile import PY_SPY, Profiling, summary
from bench.publication import publication
from bench.readmodel import fill, reads
from bench.report import Result, history_events, render
from bench.rush import render as render_rush
from bench.rush import rush
from bench.stack import Stack
from bench.variants import FIXES
from daftar.contracts.ids import applicant_workflow_id

HTTP_YEAR = 1405  # registrations and full paths
READ_YEAR = 1399  # the bulk-inserted read model


async def run_one(database: str, args: argparse.Namespace, out: Path) -> Result:
    result = Result(database)
    print(f"\n{database}: starting the stack", flush=True)
    profile_dir = out if args.profile and not PY_SPY else None
    async with Stack(database, log_level=args.log_level, keep=args.keep,
                     profile_dir=profile_dir, fixes=args.fixes) as stack, \
            http_client(stack, args.concurrency) as http:
        driver = Driver(stack, http)
        if args.applicants:
            await http_parts(stack, driver, args, out, result)
        if args.read_model_rows:
            await driver.create_cycle(READ_YEAR, capacity=10)
            result.fill_seconds = await asyncio.to_thread(fill, stack, READ_YEAR,
                                                          args.read_model_rows)
            result.reads = await reads(driver, READ_YEAR, args.read_model_rows,
                                       args.read_requests)
        if args.launch_candidates or args.launch_fan_out:
            result.launch = await launch(stack, args.launch_candidates, args.launch_fan_out)
        if args.publication:
            result.publication = await publication(stack, args.publication, 64)
    return result


async def http_parts(stack: Stack, driver: Driver, args: argparse.Namespace, out: Path,
                     result: Result) -> None:
    """Registrations, full paths (measured and maybe profiled), then the ceiling(s)."""
    n, c = args.applicants, args.concurrency
    await driver.create_cycle(HTTP_YEAR, capacity=2 * n + 10)
    seed_pass_mark(stack.engine, HTTP_YEAR)
    result.registration = await registrations(driver, HTTP_YEAR, n, c)
    processes = {name: stack.pid(name) for name in ("server", "worker", "api")}
    meter = CpuMeter({**processes, "bench": None})
    profiling = Profiling(out, {"api": processes["api"], "worker": processes["worker"]},
                          stack.database)
    meter.start()
    if args.profile:
        profiling.start()
    result.path = await paths(driver, HTTP_YEAR, n, c, first_serial=n)
    if args.profile:
        profiling.stop()
        result.profiles = {f"{name} ({profiling.tool})": summary(profiling.file(name))
                           for name in ("api", "worker")}
    result.path.cpu = meter.stop()
    result.stats_check = await driver.converged(HTTP_YEAR, {
        "awaiting_payment": result.registration.done, "licensed": result.path.done})
    result.ceiling = await run_ceiling(stack, n, c)
    result.same_work = await run_ceiling(stack, n, c, Shape.daftar())
    result.events["daftar"] = await history_events(
        stack.client, applicant_workflow_id(result.path.sample))
    plain = await Client.connect(stack.temporal_address)
    result.events["ceiling"] = await history_events(plain, result.ceiling.sample)
    result.events["same work"] = await history_events(plain, result.same_work.sample)
    if args.open_loop:
        # Decision latency at half the plain ceiling's rate, arrivals on a clock.
        await driver.create_cycle(OPEN_LOOP_YEAR, capacity=args.open_loop + 15)
        seed_pass_mark(stack.engine, OPEN_LOOP_YEAR)
        async with open_loop_client(stack) as loose:
            result.open_loop = await open_loop(stack, Driver(stack, loose), OPEN_LOOP_YEAR,
                                               0.5 * result.ceiling.rate, args.open_loop)
    if args.ceiling_breakdown:
        for shape in (Shape(timers=True), Shape(upserts=True), Shape(payload=2400),
                      Shape(notices=True), Shape(upserts=True, stage_only=True),
                      Shape(timers=True, upserts=True, payload=2400)):
            phase = await run_ceiling(stack, n, c, shape)
            result.breakdown.append((shape.name, phase, await history_events(plain,
                                                                              phase.sample)))
    for phase in (result.registration, result.path, result.ceiling, result.same_work):
        for error in phase.errors[:3]:
            print(f"  error: {error}")


async def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    out = Path(args.out or (tempfile.mkdtemp(prefix="daftar-bench-profiles-")
                            if args.profile else "."))
    os.makedirs(out, exist_ok=True)
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    print(machine_line(), flush=True)
    if args.fixes:
        print(f"trying fixes (bench/variants.py): {args.fixes}")
    results = [await run_one(db, args, out) for db in databases]
    rushes = {db: await rush(db, args.rush, args.rush_concurrency, log_level=args.log_level,
                             keep=args.keep) for db in databases} if args.rush else {}
    print()
    print(render(results, applicants=args.applicants, concurrency=args.concurrency,
                 rows=args.read_model_rows))
    for result in results:
        if result.open_loop is not None:
            print(f"## {result.database}\n\n" + render_open_loop(result.open_loop))
    for db, runs in rushes.items():
        print(render_rush(runs, args.rush, args.rush_concurrency, db))
    print(machine_line())
    print(f"bench took {time.perf_counter() - started:.0f} s"
          + (f"; profiles in {out}" if args.profile else ""))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--applicants", type=int, default=200,
                   help="registrations, and full paths (and ceiling paths): N each")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent HTTP clients")
    p.add_argument("--open-loop", type=int, default=100,
                   help="paths arriving open-loop at half the ceiling's rate, for decision "
                   "latency (bench/openloop.py); 0 skips")
    p.add_argument("--rush", type=int, default=0,
                   help="registrations (with photo and payment) of the registration rush, "
                   "1 API + 1 worker then 2 + 2 (bench/rush.py; the full size: 20000)")
    p.add_argument("--rush-concurrency", type=int, default=64,
                   help="concurrent HTTP clients of the rush")
    p.add_argument("--launch-candidates", type=int, default=100_000,
                   help="ranked candidates of the launch round's allocation (bench/launch.py)")
    p.add_argument("--launch-fan-out", type=int, default=0,
                   help="applicant workflows a launch round sends offices to (the full size: "
                   "10000; its set-up brings each to awaiting_launch first)")
    p.add_argument("--publication", type=int, default=2000,
                   help="candidates of the publication part (the issue's size: 50000)")
    p.add_argument("--read-model-rows", type=int, default=100_000,
                   help="applications bulk-inserted for the admin reads")
    p.add_argument("--read-requests", type=int, default=50, help="requests per admin read")
    p.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    p.add_argument("--profile", action="store_true",
                   help="profile the API and worker during the full paths")
    p.add_argument("--ceiling-breakdown", action="store_true",
                   help="the ceiling again with daftar's timers, upserts, payloads added")
    p.add_argument("--fixes", default="",
                   help=f"proposed daftar fixes to try, comma-separated: {', '.join(FIXES)}")
    p.add_argument("--log-level", default="INFO", help="of the API and worker (production: INFO)")
    p.add_argument("--out", help="where profiles go (default: a new temporary directory)")
    p.add_argument("--keep", action="store_true", help="keep each stack's temporary directory")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
    sys.stdout.flush()
    os._exit(0)  # the SDK's runtime may abort at interpreter exit
