"""`daftar reconcile --repair`: the read model brought back to what the workflows say.

It re-records each drifted application from its workflow's current state through the
same upsert the workflow uses, ordered by history length like the workflow's own writes: the
history's length is read before its state, so a row written meanwhile by a later workflow task
is left alone, and every decision row is rewritten from the state. Then the
cycle's per-stage counters are recounted from the rows, under a lock that makes concurrent
writers wait (PostgreSQL) or under SQLite's single write lock. Orphan rows are reported, never
deleted: a workflow removed by the namespace's retention leaves one too, and that is a
person's call.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import delete, func, text
from sqlmodel import col, select
from temporalio.client import Client
from temporalio.service import RPCError

from daftar.activities.records import write_snapshot
from daftar.commands.reconcile.check import read_state
from daftar.commands.reconcile.report import DriftKind, Reconciliation
from daftar.contracts.ids import applicant_workflow_id
from daftar.contracts.records import application_snapshot
from daftar.contracts.state import ApplicationState
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import ApplicationRecord, StageCount

#: What re-recording the workflow's state fixes.
REPAIRABLE = {DriftKind.missing_row, DriftKind.stage, DriftKind.version, DriftKind.fields,
              DriftKind.decisions}
LEFT_ALONE = ("not repaired: orphan rows (no workflow: deleted by hand or removed by the "
              "namespace's retention; delete the row if it should not be there), rows newer "
              "than their workflow, decision rows beyond the workflow's, unreadable workflows")


def rerecord(sessions: SessionFactory, state: ApplicationState, history_length: int) -> bool:
    """Write `state` as the application's row; False when a later workflow task wrote the row.

    `state` is read from a history at least `history_length` events long; a row a later workflow
    task wrote is left alone.
    """
    row = application_snapshot(state, datetime.now(UTC), history_length=history_length)
    with transaction(sessions) as s:
        current = s.exec(select(ApplicationRecord.history_length).where(
            ApplicationRecord.application_id == state.application_id)).first()
        if current is not None and current > history_length:
            return False
        write_snapshot(s, row)  # every decision rewritten: none counts as recorded
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
        # The length first: the state read after it is at least as new, so a workflow task
        # that writes meanwhile has a longer history and its row is kept.
        try:
            desc = await client.get_workflow_handle(applicant_workflow_id(app_id)).describe()
        except RPCError:
            continue
        state = await read_state(client, app_id)
        if isinstance(state, ApplicationState) and await asyncio.to_thread(
                rerecord, sessions, state, desc.raw_description.workflow_execution_info
                .history_length):
            fixed.append(app_id)
    await asyncio.to_thread(recount, sessions, report.cycle)
    return fixed
