"""`daftar reconcile`: does the read model say what the workflows say?

Temporal is the truth (README: "Is the read model what the workflows say?"); the read model is
written only by the workflows' idempotent activity, so any difference is drift: a row missing, a
row with no workflow, a row at another stage or version, other fields or decisions that differ,
or per-stage counters that disagree with the rows. `reconcile` lists them for one cycle.

Each application's state comes from the workflow itself: the result of a completed workflow
(no worker needed), a `state` query otherwise (a worker must be running; a licensed
application's workflow stays open for FRAUD-1, so most need one). Rows are matched to
workflows by workflow id, not by visibility, so visibility's lag cannot invent an orphan;
visibility only finds the workflows that have no row. A write in flight looks like drift for
a moment, so what differs is read again after `settle` seconds and only what persists counts.

`check` reads both sides and compares them (`compare`), `repair` re-records drifted rows,
`report` is the report's shape; this module is the command.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, TextIO

from daftar.commands.common import Subparsers, add_command, add_data_dir, positive, settings_in

if TYPE_CHECKING:
    from daftar.core.settings import Settings


def register(subparsers: Subparsers) -> None:
    """Declare `daftar reconcile --cycle YEAR [--repair] [--json]`."""
    parser = add_command(
        subparsers, "reconcile", help="report drift between a cycle's workflows and the read "
        "model (exit 0: none, 1: drift, 2: could not check); open workflows are read by a "
        "query, so a worker must be running", run=run)
    parser.add_argument("--cycle", type=int, required=True, help="the cycle's year, e.g. 1405")
    parser.add_argument("--repair", action="store_true",
                        help="re-record drifted applications from their workflows, recount the "
                        "cycle's stage counts, then report again (orphan rows are left)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--concurrency", type=positive, default=16,
                        help="workflows read at once")
    parser.add_argument("--settle", type=float, default=2.0,
                        help="seconds before drift is read again (a write in flight is not "
                        "drift)")
    add_data_dir(parser, "the codec keys")


def run(args: argparse.Namespace) -> int:
    """Reconcile the cycle with the environment's settings (or `--data-dir`'s secrets)."""
    settings = settings_in(args.data_dir)
    settings.check(needs=("codec_keys",))  # the states are encrypted payloads
    return asyncio.run(run_reconcile(
        settings, args.cycle, fix=args.repair, as_json=args.json,
        concurrency=args.concurrency, settle=args.settle))


async def run_reconcile(settings: Settings, year: int, *, fix: bool, as_json: bool,
                        concurrency: int, settle: float, out: TextIO = sys.stdout,
                        err: TextIO = sys.stderr) -> int:
    """Report (and with `fix`, repair) the drift of cycle `year`.

    Args:
        settings: where Temporal and the read model are, and the codec keys.
        year: the cycle.
        fix: repair what can be repaired, then report again.
        as_json: print the report as JSON.
        concurrency: workflows read at once.
        settle: seconds before drift is read again.
        out: where the report goes.
        err: where failures go.

    Returns:
        0: no drift; 1: drift (left after the repair, with `fix`); 2: could not check
        (Temporal or the database unreachable, or workflows no worker could read).
    """
    from sqlalchemy.exc import SQLAlchemyError
    from temporalio.service import RPCError

    from daftar.commands.reconcile.check import reconcile
    from daftar.commands.reconcile.repair import LEFT_ALONE, repair
    from daftar.commands.reconcile.report import DriftKind, Reconciliation
    from daftar.gateway.temporal import connect
    from daftar.store.db import make_engine, session_factory

    def show(report: Reconciliation) -> None:
        out.write(report.model_dump_json(indent=2) + "\n" if as_json
                  else "\n".join(report.lines()) + "\n")

    engine = make_engine(settings.db_url)
    sessions = session_factory(engine)
    try:
        client = await connect(settings)
        report = await reconcile(client, sessions, year, concurrency=concurrency, settle=settle)
        if fix and not report.clean:
            if not as_json:
                show(report)
            fixed = await repair(client, sessions, report)
            report = await reconcile(client, sessions, year, concurrency=concurrency,
                                     settle=settle)
            report.repaired = fixed
            if not as_json:
                out.write("after the repair (stage counts recounted):\n")
        show(report)
        if fix and not report.clean and not as_json:
            out.write(LEFT_ALONE + "\n")
    except (RPCError, RuntimeError, SQLAlchemyError) as error:
        err.write(f"daftar reconcile: could not check cycle {year}: {error}\n")
        return 2
    finally:
        engine.dispose()
    unreadable = sum(1 for d in report.drift if d.kind is DriftKind.unreadable)
    if unreadable:
        err.write(f"daftar reconcile: {unreadable} workflows of cycle {year} could not be read; "
                  f"is a worker running on task queue {settings.task_queue!r}?\n")
        return 2
    return 0 if report.clean else 1
