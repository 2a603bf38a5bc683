"""The registration rush: N applicants register, upload a photo and pay, over HTTP, at once.

    .venv/bin/python -m bench.rush --registrations 20000 --concurrency 64 --processes 1,2
    .venv/bin/python -m bench.rush --registrations 500 --processes 1,2 --profile

For each number P of `--processes` a fresh stack (bench/stack.py) runs P API processes and
P worker processes against one Temporal dev server and one read model; a cycle is created and
N applicants, from C concurrent HTTP clients whose requests go to the API processes in turn,
each register (POST /v1/cycles/{year}/applications), upload a photo (PUT …/photo) and pay
(POST …/payment). A change answered 503 with an Idempotency-Key is sent again with it, as the
answer asks (`--no-resend`: counted as failed).

Reported per stack: applicants/s, each call's p50/p99, CPU per applicant of each kind of
process (the processes of a kind added up), failed calls; then, once the cycle's stats count
every applicant at its stage, `daftar reconcile` (its command function, with the stack's
settings) and the read model's own checks that nothing was written twice: one row per
registered application (tracking codes unique), one photo row, one payment reference, one
"photo" and one "payment" decision row per applicant, and stage_counts equal to the rows they
count. Last, the speed-up of each stack over the first: on a 2-core machine the server, the
APIs, the workers and this client share the same two cores, so more processes can only use
the idle time of fewer.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bench.common import CpuMeter, machine_line, ms, pct, table
from bench.data import FEE, photo
from bench.http_path import CallFailed, Driver, Phase, concurrently
from bench.profile import PY_SPY, Profiling, summary
from bench.stack import Stack
from bench.variants import FIXES
from daftar.commands.reconcile import run_reconcile
from daftar.commands.reconcile.check import count_drift
from daftar.commands.reconcile.report import Reconciliation
from daftar.domain.stages import Role, Stage
from daftar.store.db import session_factory
from daftar.store.models import ApplicationRecord, DecisionRow, PhotoRecord, StageCount
from daftar.store.payments import PaymentReference

RUSH_YEAR = 1406
#: Times a change answered 503 with an Idempotency-Key is sent again with it.
RESENDS = 3
CALLS = ["register", "photo", "payment"]
KINDS = ["api", "worker", "server", "bench"]


@dataclass
class Run:
    """One stack's rush: what the clients saw, what the processes spent, what was written."""

    processes: int
    resend: bool = True
    resent: Counter[str] = field(default_factory=Counter)  # changes sent again, by call
    phase: Phase = field(default_factory=Phase)
    registered: dict[int, str] = field(default_factory=dict)  # serial → application id
    photographed: set[str] = field(default_factory=set)  # the upload answered 204
    paid: set[str] = field(default_factory=set)  # the payment answered 200
    #: Calls sent whatever their answer: a 503 `worker_unavailable` or a timeout leaves an
    #: update that may still be applied once, so a row for it is no double write.
    tried: dict[str, set[str]] = field(
        default_factory=lambda: {"photo": set(), "payment": set()})
    machine_busy: float = 0.0  # the machine's CPU busy share during the rush, others' too
    load: float = 0.0  # the 1-minute load average at the end of the rush
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by kind of process
    cpu_of: dict[str, float] = field(default_factory=dict)  # CPU seconds by process
    sent: list[int] = field(default_factory=list)  # requests per API process
    settled: str = ""  # how long until the stats counted every applicant at its stage
    reconciliation: Reconciliation | None = None
    reconcile_exit: int = -1
    reconcile_seconds: float = 0.0
    reconcile_error: str = ""
    #: What was counted, the count, and the least and most it may be.
    checks: list[tuple[str, int, int, int]] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.processes} API + {self.processes} worker"

    @property
    def clean(self) -> bool:
        """No drift, and no count beyond what was sent or short of what was confirmed."""
        return (self.reconcile_exit == 0
                and all(low <= found <= high for _, found, low, high in self.checks))

    def error_kinds(self) -> str:
        """The failed calls by call and answer, e.g. "photo 503 ×3"."""
        kinds = Counter(" ".join(e.split(" ", 2)[:2]).replace(":", "")
                        for e in self.phase.errors)
        return ", ".join(f"{k} ×{n}" for k, n in kinds.most_common()) or "none"


async def applicant(driver: Driver, run: Run, serial: int) -> None:
    """Register, photo, payment: the calls of bench/http_path.py's Driver.path."""
    app_id, token = await driver.register(run.phase, RUSH_YEAR, serial)
    run.registered[serial] = app_id
    at = f"/v1/applications/{app_id}"
    run.tried["photo"].add(app_id)
    await update(driver, run, "photo", "PUT", f"{at}/photo", 204, content=photo(), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"})
    run.photographed.add(app_id)
    run.tried["payment"].add(app_id)
    await update(driver, run, "payment", "POST", f"{at}/payment", 200,
                 headers=driver.staff[Role.payment_gateway],
                 json={"reference": f"PAY-{app_id}", "amount_rials": FEE})
    run.paid.add(app_id)


async def update(driver: Driver, run: Run, label: str, method: str, path: str, expect: int,
                 *, headers: dict[str, str], **kw: Any) -> None:
    """One change, timed from its first sending to its answer; with `run.resend`, a 503 that
    names an Idempotency-Key is sent again with it after Retry-After (as the answer asks), up
    to RESENDS times: Temporal applies one key once, which the checks then confirm."""
    started = time.perf_counter()
    headers = dict(headers)
    for attempt in range(RESENDS + 1):
        r = await driver.http.request(method, path, headers=headers, **kw)
        key = r.headers.get("Idempotency-Key")
        if r.status_code != 503 or key is None or not run.resend or attempt == RESENDS:
            break
        run.resent[label] += 1
        headers["Idempotency-Key"] = key
        await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
    if r.status_code != expect:
        run.phase.errors.append(f"{label}: {r.status_code} {r.text[:300]}")
        raise CallFailed(label)
    run.phase.latency[label].append(time.perf_counter() - started)


async def settle(driver: Driver, run: Run, seconds: float = 300) -> str:
    """Until the cycle's stats count every applicant at its stage; how long that took."""
    expected = {Stage.awaiting_exam.value: len(run.paid),
                Stage.awaiting_payment.value: len(run.registered) - len(run.paid)}
    expected = {stage: n for stage, n in expected.items() if n}
    started = time.perf_counter()
    counts: dict[str, int] = {}
    while time.perf_counter() - started < seconds:
        r = await driver.http.get(f"/v1/cycles/{RUSH_YEAR}/stats",
                                  headers=driver.staff[Role.admin])
        counts = {stage: n for stage, by in r.json()["counts"].items()
                  if (n := sum(by.values()))}
        if counts == expected:
            return f"{time.perf_counter() - started:.1f} s"
        await asyncio.sleep(0.25)
    return f"not within {seconds:.0f} s: {counts}, expected {expected}"


def written(stack: Stack, run: Run) -> list[tuple[str, int, int, int]]:
    """The read model's counts that would show a write made twice (or lost): what, found,
    and the least and most it may be (an unconfirmed update may have been applied)."""
    ids = set(run.registered.values())
    with Session(stack.engine) as s:
        rows = s.exec(select(ApplicationRecord.application_id, ApplicationRecord.tracking_code)
                      .where(ApplicationRecord.cycle == RUSH_YEAR)).all()
        photos = Counter(s.exec(select(PhotoRecord.application_id).join(
            ApplicationRecord,
            col(PhotoRecord.application_id) == col(ApplicationRecord.application_id))
            .where(ApplicationRecord.cycle == RUSH_YEAR)).all())
        references = Counter(s.exec(select(PaymentReference.application_id)
                                    .where(PaymentReference.cycle == RUSH_YEAR)).all())
        decisions = Counter(s.exec(
            select(DecisionRow.application_id, DecisionRow.stage).join(
                ApplicationRecord,
                col(DecisionRow.application_id) == col(ApplicationRecord.application_id))
            .where(ApplicationRecord.cycle == RUSH_YEAR,
                   col(DecisionRow.stage).in_(["photo", "payment"]))).all())
        counted = s.exec(select(func.coalesce(func.sum(StageCount.n), 0))
                         .where(StageCount.cycle == RUSH_YEAR)).one()
    per_app = Counter(app_id for app_id, _ in rows)
    photo_rows = Counter(a for (a, stage) in decisions.elements() if stage == "photo")
    payment_rows = Counter(a for (a, stage) in decisions.elements() if stage == "payment")
    count_drift_found = len(count_drift(session_factory(stack.engine), RUSH_YEAR))
    photos_sent, payments_sent = len(run.tried["photo"]), len(run.tried["payment"])

    def twice(c: Counter[str]) -> int:
        return sum(1 for n in c.values() if n > 1)

    return [
        ("application rows", len(rows), len(ids), len(ids)),
        ("registered applications without a row", len(ids - per_app.keys()), 0, 0),
        ("applications with more than one row", twice(per_app), 0, 0),
        ("rows of no registered application", len(per_app.keys() - ids), 0, 0),
        ("tracking codes used twice", len(rows) - len({code for _, code in rows}), 0, 0),
        ("photo rows", photos.total(), len(run.photographed), photos_sent),
        ("applications with more than one photo row", twice(photos), 0, 0),
        ("payment references", references.total(), len(run.paid), payments_sent),
        ("applications with more than one payment reference", twice(references), 0, 0),
        ("'photo' decision rows", photo_rows.total(), len(run.photographed), photos_sent),
        ("applications with more than one 'photo' decision row", twice(photo_rows), 0, 0),
        ("'payment' decision rows", payment_rows.total(), len(run.paid), payments_sent),
        ("applications with more than one 'payment' decision row", twice(payment_rows), 0, 0),
        ("stage_counts total", int(counted), len(rows), len(rows)),
        ("stage_counts ≠ rows (province × stage)", count_drift_found, 0, 0),
    ]


async def reconcile(stack: Stack, run: Run) -> None:
    """`daftar reconcile --cycle YEAR --json` with the stack's settings, timed."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    run.reconcile_exit = await run_reconcile(stack.settings, RUSH_YEAR, fix=False, as_json=True,
                                             concurrency=32, settle=2.0, out=out, err=err)
    run.reconcile_seconds = time.perf_counter() - started
    run.reconcile_error = err.getvalue().strip()
    if out.getvalue().strip():
        run.reconciliation = Reconciliation.model_validate_json(out.getvalue())


async def one_stack(database: str, processes: int, registrations: int, concurrency: int, *,
                    log_level: str, keep: bool, profile_out: Path | None,
                    fixes: str = "", resend: bool = True) -> Run:
    run = Run(processes, resend)
    print(f"\n{run.label} ({database}): starting the stack", flush=True)
    profile_dir = profile_out if profile_out is not None and not PY_SPY else None
    async with Stack(database, log_level=log_level, keep=keep, apis=processes,
                     workers=processes, profile_dir=profile_dir, fixes=fixes) as stack, \
            stack.spread_client(concurrency) as http:
        driver = Driver(stack, http)
        await driver.create_cycle(RUSH_YEAR, capacity=registrations + 10)
        pids = {name: stack.pid(name) for kind in ("server", "worker", "api")
                for name in stack.names(kind)}
        meter = CpuMeter({**pids, "bench": None})
        profiling = None
        if profile_out is not None:
            profiling = Profiling(profile_out, {"api": stack.pid("api"),
                                                "worker": stack.pid("worker")},
                                  database)  # the names Stack gives the profiles
            profiling.start()
        spread = stack.spread
        assert spread is not None
        sent_before = list(spread.sent)
        meter.start()
        machine = machine_cpu()

        async def job(i: int) -> None:
            await applicant(driver, run, i)

        await concurrently(registrations, concurrency, job, run.phase, "applicants")
        used = meter.stop()
        run.machine_busy = machine_cpu(machine)
        run.load = os.getloadavg()[0]
        if profiling is not None:
            profiling.stop()
            run.profiles = {f"{name} ({profiling.tool})": summary(profiling.file(name))
                            for name in ("api", "worker")}
        run.sent = [a - b for a, b in zip(spread.sent, sent_before, strict=True)]
        run.cpu_of = used
        run.cpu = {kind: sum(used[name] for name in (stack.names(kind) if kind != "bench"
                                                     else ["bench"]))
                   for kind in KINDS}
        for error in run.phase.errors[:3]:
            print(f"  error: {error}")
        run.settled = await settle(driver, run)
        print(f"  stats settled: {run.settled}; reconciling", flush=True)
        await reconcile(stack, run)
        run.checks = await asyncio.to_thread(written, stack, run)
    return run


async def rush(database: str, registrations: int, concurrency: int = 64,
               processes: list[int] | None = None, *, log_level: str = "INFO",
               keep: bool = False, profile_out: Path | None = None,
               fixes: str = "", resend: bool = True,
               each: Callable[[Run], None] | None = None) -> list[Run]:
    """The rush on a fresh stack for each number of API and worker processes; `each` is
    given each stack's run as soon as it is done."""
    runs = []
    for p in processes or [1, 2]:
        runs.append(await one_stack(database, p, registrations, concurrency,
                                    log_level=log_level, keep=keep, profile_out=profile_out,
                                    fixes=fixes, resend=resend))
        if each is not None:
            each(runs[-1])
    return runs


def machine_cpu(since: tuple[float, float] | None = None) -> Any:
    """/proc/stat's (busy, total) jiffies now; with `since`, the busy share since then."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    now = (sum(fields) - fields[3] - fields[4], sum(fields))  # less idle and iowait
    if since is None:
        return now
    return (now[0] - since[0]) / max(now[1] - since[1], 1.0)


def _ms_per(seconds: float, count: int) -> str:
    return f"{1000 * seconds / count:.1f} ms" if count else "–"


def render(runs: list[Run], registrations: int, concurrency: int, database: str) -> str:
    cores = os.cpu_count() or 1
    base = runs[0].phase.rate
    head = ["", *(r.label for r in runs)]
    rows: list[list[object]] = [
        ["applicants done (register + photo + payment)", *(r.phase.done for r in runs)],
        ["failed calls", *(r.error_kinds() for r in runs)],
        ["503s sent again with their Idempotency-Key", *(
            ", ".join(f"{k} ×{n}" for k, n in r.resent.most_common()) or "none"
            for r in runs)],
        ["wall time", *(f"{r.phase.wall:.1f} s" for r in runs)],
        ["applicants/s", *(f"{r.phase.rate:.1f}" for r in runs)],
        ["applicants/s in each fifth of the applicants done, in order", *(
            " / ".join(f"{x:.1f}" for x in r.phase.rates(5)) or "–" for r in runs)],
        [f"speed-up over {runs[0].label} (machine: {cores} cores, shared by all processes)",
         *(f"× {r.phase.rate / base:.2f}" if base else "–" for r in runs)],
    ]
    for call in CALLS:
        rows.append([f"{call} p50 / p99" + (" (from the first sending)" if call != "register"
                                            else ""), *(
            f"{ms(pct(r.phase.latency[call], 50))} / {ms(pct(r.phase.latency[call], 99))}"
            for r in runs)])
    for kind in KINDS:
        rows.append([f"CPU per applicant: {kind}" + (" (all of them)" if kind in (
            "api", "worker") else ""), *(_ms_per(r.cpu.get(kind, 0.0), r.phase.done)
                                         for r in runs)])
    rows.append([f"CPU busy (all processes ÷ wall ÷ {cores} cores)", *(
        f"{100 * sum(r.cpu.values()) / r.phase.wall / cores:.0f} %" if r.phase.wall else "–"
        for r in runs)])
    rows.append(["the machine's CPU busy during the rush (other programs too)",
                 *(f"{100 * r.machine_busy:.0f} %" for r in runs)])
    rows.append(["load average (1 min) at the end of the rush", *(f"{r.load:.1f}"
                                                                   for r in runs)])
    for kind in ("api", "worker"):
        rows.append([f"CPU share of each {kind} process", *(" / ".join(
            f"{100 * v / max(r.cpu[kind], 1e-9):.0f} %" for n, v in r.cpu_of.items()
            if n == kind or n.startswith(f"{kind}-")) for r in runs)])
    rows.append(["requests per API process", *(" / ".join(map(str, r.sent)) for r in runs)])
    rows.append(["stats counted everyone after", *(r.settled for r in runs)])
    out = [table(f"Registration rush: {registrations} applicants, {concurrency} clients, "
                 f"read model {database}", head, rows)]

    checks: list[list[object]] = []
    recon: list[list[object]] = [
        ["exit code (0: no drift)", *(r.reconcile_exit for r in runs)],
        ["took", *(f"{r.reconcile_seconds:.1f} s" for r in runs)],
        ["workflows / rows compared", *(
            f"{r.reconciliation.workflows} / {r.reconciliation.rows}" if r.reconciliation
            else r.reconcile_error[:100] for r in runs)],
        ["drift found", *(_drift(r) for r in runs)],
    ]
    for i, (what, *_) in enumerate(runs[0].checks):
        checks.append([what, *(_check(r.checks[i]) if i < len(r.checks) else "–"
                               for r in runs)])
    out.append(table("`daftar reconcile` after the rush", head, recon))
    out.append(table("Written twice? The read model's counts (found, expected)", head, checks))
    out.append("nothing written twice and no drift: " + ", ".join(
        f"{r.label}: {'yes' if r.clean else 'NO'}" for r in runs) + "\n")
    for r in runs:
        for proc, s in r.profiles.items():
            out.append(_profile(r.label, proc, s))
    return "\n".join(out)


def _drift(r: Run) -> str:
    if r.reconciliation is None:
        return "not read"
    kinds = Counter(d.kind.value for d in r.reconciliation.drift)
    return str(len(r.reconciliation.drift)) + (
        " (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")" if kinds else "")


def _check(check: tuple[str, int, int, int]) -> str:
    _, found, low, high = check
    if low <= found <= high:
        return f"{found}" + (f" (confirmed {low}, sent {high})" if low != high else "")
    return f"{found} (WRONG: expected {low if low == high else f'{low} to {high}'})"


def _profile(label: str, proc: str, s: dict[str, Any]) -> str:
    views = {"packages": "package (leaf frame)", "self": "self time",
             "inclusive": "daftar function, inclusive"}
    rows = [[view, name.replace("|", "/"), f"{share:.1f} %"]
            for kind, view in views.items() for name, share in s[kind][:8]]
    return table(f"Profile: the first {proc} of {label} during the rush ({s['active']} active "
                 f"samples)", ["view", "where", "share"], rows)


async def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    print(machine_line(), flush=True)
    if args.fixes:
        print(f"trying fixes (bench/variants.py): {args.fixes}")
    processes = [int(p) for p in args.processes.split(",")]
    profile_out = None
    if args.profile:
        profile_out = Path(args.out or tempfile.mkdtemp(prefix="daftar-bench-profiles-"))
        profile_out.mkdir(parents=True, exist_ok=True)

    def done(run: Run) -> None:
        # Each stack's figures as soon as it is done: a rush at full size takes long.
        if len(processes) > 1:
            print()
            print(render([run], args.registrations, args.concurrency, args.database),
                  flush=True)

    runs = await rush(args.database, args.registrations, args.concurrency, processes,
                      log_level=args.log_level, keep=args.keep, profile_out=profile_out,
                      fixes=args.fixes, resend=not args.no_resend, each=done)
    print()
    print(render(runs, args.registrations, args.concurrency, args.database))
    print(machine_line())
    print(f"bench took {time.perf_counter() - started:.0f} s"
          + (f"; profiles in {profile_out}" if profile_out else ""))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.rush", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--registrations", type=int, default=2000,
                   help="applicants, each registering, uploading a photo and paying "
                   "(the full size: 20000)")
    p.add_argument("--concurrency", type=int, default=64, help="concurrent HTTP clients")
    p.add_argument("--processes", default="1,2",
                   help="API and worker processes of each stack, comma-separated: 1,2 runs "
                   "1 API + 1 worker, then 2 APIs + 2 workers")
    p.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--profile", action="store_true",
                   help="profile the first API and worker of each stack during the rush")
    p.add_argument("--fixes", default="",
                   help=f"proposed daftar fixes to try, comma-separated: {', '.join(FIXES)}")
    p.add_argument("--no-resend", action="store_true",
                   help="count a 503 as failed instead of sending it again with its "
                   "Idempotency-Key")
    p.add_argument("--log-level", default="INFO", help="of the APIs and workers")
    p.add_argument("--out", help="where profiles go (default: a new temporary directory)")
    p.add_argument("--keep", action="store_true", help="keep each stack's temporary directory")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
    sys.stdout.flush()
    os._exit(0)  # the SDK's runtime may abort at interpreter exit
