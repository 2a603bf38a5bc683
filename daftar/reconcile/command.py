"""`daftar reconcile --cycle YEAR [--repair]`: the report on the command line."""

from __future__ import annotations

import sys
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError
from temporalio.service import RPCError

from daftar.core.settings import Settings
from daftar.reconcile.check import reconcile
from daftar.reconcile.repair import LEFT_ALONE, repair
from daftar.reconcile.report import DriftKind, Reconciliation
from daftar.store.db import make_engine, session_factory


async def run_reconcile(settings: Settings, year: int, *, fix: bool, as_json: bool,
                        concurrency: int, settle: float, out: TextIO = sys.stdout,
                        err: TextIO = sys.stderr) -> int:
    """0: no drift; 1: drift (left after the repair, with `fix`); 2: could not check
    (Temporal or the database unreachable, or workflows no worker could read)."""
    from daftar.gateway.temporal import connect

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
