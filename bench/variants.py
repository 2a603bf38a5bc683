"""Proposed fixes of daftar, tried in the bench's own API and worker processes only.

    python -m bench --fixes passthrough,async-deps,serial-writes

Each fix is a patch applied at start-up of the `daftar api` / `daftar worker` processes the
bench spawns (`python -m bench.variants --fixes … api|worker`); daftar's files are untouched.
It measures a change before anyone makes it; the change itself belongs in daftar (each
docstring names the file and function).
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request


def passthrough() -> None:
    """daftar/worker.py `build_worker`: pass daftar's modules through the workflow sandbox,
    so a new workflow instance (every first task, every cache miss) does not re-import (and,
    without .pyc files, recompile) daftar/workflows/applicant.py and what it imports."""
    from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

    import daftar.worker

    original = daftar.worker.Worker
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("daftar"))

    def worker(*args: Any, **kwargs: Any) -> Any:
        return original(*args, workflow_runner=runner, **kwargs)

    daftar.worker.Worker = worker  # type: ignore[assignment,misc]


def async_deps() -> None:
    """daftar/api/deps.py: `applicants`, `cycles` and `settings` as `async def`, so FastAPI
    calls them on the event loop instead of a thread-pool round trip each per request.
    (Tried by giving the functions coroutine code before the routes are built: a
    `dependency_overrides` entry would rebuild the dependency on every request.)"""
    from daftar.api import deps

    async def applicants(request: Request) -> Any:
        return request.app.state.applicants

    async def cycles(request: Request) -> Any:
        return request.app.state.cycles

    async def settings(request: Request) -> Any:
        return request.app.state.settings

    for target, code in ((deps.applicants, applicants), (deps.cycles, cycles),
                         (deps.settings, settings)):
        target.__code__ = code.__code__


def pyc() -> None:
    """The dev stack's environment (PYTHONDONTWRITEBYTECODE=1, an editable install) leaves
    daftar without .pyc files, so each new sandboxed workflow instance compiles
    daftar/workflows/applicant.py again; bench/stack.py gives this variant a bytecode cache
    (PYTHONPYCACHEPREFIX) instead. Production images get .pyc from `pip install .`."""


def serial_writes() -> None:
    """daftar/activities/records.py: one read-model write transaction at a time per worker,
    instead of 16 threads contending for SQLite's single write lock (busy-wait backoff)."""
    import daftar.activities.records as records

    original = records.transaction
    lock = threading.Lock()

    @contextmanager
    def transaction(factory: Any) -> Iterator[Any]:
        with lock, original(factory) as session:
            yield session

    records.transaction = transaction


def lean_writes() -> None:
    """daftar/store/writes.py `upsert_application`: for a row that exists (8 of every 9
    writes) read its stage, version and last decision in one statement, update it only from
    that version, move both counters in one statement and insert only the new decisions:
    4 statements instead of 6, and no re-insert of every earlier decision each time. A new
    row, or a lost race, takes the original path."""
    from sqlalchemy import bindparam, func, select, update

    import daftar.activities.records as records
    from daftar.store import writes
    from daftar.store.models import ApplicationRecord, DecisionRow, StageCount

    apps, decs = ApplicationRecord.__table__, DecisionRow.__table__  # type: ignore[attr-defined]
    counts = StageCount.__table__  # type: ignore[attr-defined]
    last = select(func.max(decs.c.seq)).where(decs.c.application_id == apps.c.application_id)
    previous = select(apps.c.stage, apps.c.version, last.scalar_subquery().label("seq")).where(
        apps.c.application_id == bindparam("id")).with_for_update(of=apps)
    moved = update(apps).where(apps.c.application_id == bindparam("id"),
                               apps.c.version == bindparam("was"))
    original = writes.upsert_application

    def upsert(session: Any, row: Any) -> None:
        conn = session.connection()
        prev = conn.execute(previous, {"id": row.application_id}).first()
        if prev is None:
            return original(session, row)
        if prev.version < row.version:
            values = row.model_dump(exclude={"decisions", "application_id"})
            values["stage"] = row.stage.value
            values["rejected_stage"] = row.rejected_stage.value if row.rejected_stage else None
            done = conn.execute(moved.values(**values),
                                {"id": row.application_id, "was": prev.version})
            if done.rowcount != 1:
                return original(session, row)
            if prev.stage != row.stage.value:
                stmt = writes._insert(session, StageCount).values([
                    {"cycle": row.cycle, "province": row.province, "stage": stage, "n": n}
                    for stage, n in sorted({prev.stage: -1, row.stage.value: 1}.items())])
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=["cycle", "province", "stage"],
                    set_={"n": counts.c.n + stmt.excluded.n}))
        if new := [d for d in row.decisions if d.seq > (prev.seq or 0)]:
            conn.execute(writes._insert(session, DecisionRow).values([
                {"application_id": row.application_id, "seq": d.seq, "stage": d.stage,
                 "outcome": d.outcome, "actor": d.actor, "role": d.role, "at": d.at,
                 "score": d.score, "reason": d.reason, "rules": d.rules} for d in new])
                .on_conflict_do_nothing(index_elements=["application_id", "seq"]))
        return None

    records.upsert_application = upsert


FIXES = {"passthrough": passthrough, "async-deps": async_deps, "serial-writes": serial_writes,
         "lean-writes": lean_writes, "pyc": pyc}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixes", default="", help="comma-separated: " + ", ".join(FIXES))
    parser.add_argument("--profile-out", help="profile between SIGUSR1 and SIGUSR2 into this")
    parser.add_argument("command", choices=["api", "worker"])
    args = parser.parse_args()
    for name in filter(None, args.fixes.split(",")):
        FIXES[name]()
    if args.profile_out:
        from bench.profile import wrapped

        wrapped(args.profile_out, args.command)
    else:
        from daftar.cli import main as daftar

        daftar([args.command])


if __name__ == "__main__":
    main()
