"""`daftar reconcile --repair`: the read model brought back to what the workflows say.

It re-records each drifted application from its workflow's current state through the
same idempotent upsert the workflow uses, so it cannot move a row backwards: a row newer than
the state just read is left alone, and a row at the same version but with other content is
first marked older (only if it is still at that version) so the upsert rewrites it. Then the
cycle's per-stage counters are recounted from the rows, under a lock that makes concurrent
writers wait (PostgreSQL) or under SQLite's single write lock. Orphan rows are reported, never
deleted: a workflow removed by the namespace's retention leaves one too, and that is a
person's call.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import delete, func, text, update
from sqlmodel import col, select
from temporalio.client import Client

from daftar.reconcile.check import read_state
from daftar.reconcile.compare import decision_key
from daftar.reconcile.report import DriftKind, Reconciliation
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import ApplicationRecord, DecisionRow, StageCount
from daftar.store.writes import upsert_application
from daftar.workflows.messages import ApplicationState
from daftar.workflows.rows import application_row

#: What re-recording the workflow's state fixes.
REPAIRABLE = {DriftKind.missing_row, DriftKind.stage, DriftKind.version, DriftKind.fields,
              DriftKind.decisions}
LEFT_ALONE = ("not repaired: orphan rows (no workflow: deleted by hand or removed by the "
              "namespace's retention; delete the row if it should not be there), rows newer "
              "than their workflow, decision rows beyond the workflow's, unreadable workflows")


def rerecord(sessions: SessionFactory, state: ApplicationState) -> bool:
    """Write `state` as the application's row; False when the row is newer (left alone)."""
    row = application_row(state, datetime.now(UTC))
    table = ApplicationRecord.__table__  # type: ignore[attr-defined]
    app_id = state.application_id
    with transaction(sessions) as s:
        current = s.exec(select(ApplicationRecord.version).where(
            ApplicationRecord.application_id == app_id)).first()
        if current is not None and current > state.version:
            return False
        if current == state.version:  # same version, other content: let the upsert rewrite it
            s.exec(update(table).where(table.c.application_id == app_id,
                                       table.c.version == state.version).values(version=-1))
        wanted = {d.seq: decision_key(d) for d in row.decisions}
        for d in s.exec(select(DecisionRow).where(DecisionRow.application_id == app_id)):
            if d.seq in wanted and decision_key(d) != wanted[d.seq]:
                s.delete(d)  # contradicts the history; the upsert writes the right one
        s.flush()
        upsert_application(s, row)
    return True


def recount(sessions: SessionFactory, year: int) -> None:
    """Set the cycle's stage_counts to what its rows say, while no writer moves them."""
    with transaction(sessions) as s:
        if s.get_bind().dialect.name == "postgresql":
            s.connection().execute(text("LOCK TABLE stage_counts IN SHARE ROW EXCLUSIVE MODE"))
        # On SQLite this first write takes the database's one write lock.
        s.exec(delete(StageCount).where(col(StageCount.cycle) == year))
        counts = s.exec(select(ApplicationRecord.province, ApplicationRecord.stage, func.count())
                        .where(ApplicationRecord.cycle == year)
                        .group_by(col(ApplicationRecord.province), col(ApplicationRecord.stage)))
        for province, stage, n in counts.all():
            s.add(StageCount(cycle=year, province=province, stage=stage, n=int(n)))


async def repair(client: Client, sessions: SessionFactory, report: Reconciliation) -> list[str]:
    """Re-record every repairable application from a fresh read of its workflow; recount."""
    fixed = []
    for app_id in sorted({d.subject for d in report.drift if d.kind in REPAIRABLE}):
        state = await read_state(client, app_id)
        if isinstance(state, ApplicationState) and await asyncio.to_thread(
                rerecord, sessions, state):
            fixed.append(app_id)
    await asyncio.to_thread(recount, sessions, report.cycle)
    return fixed
