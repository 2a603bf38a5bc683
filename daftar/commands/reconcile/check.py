"""Reading both sides of one cycle, with bounded concurrency, and comparing them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import col, select
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from daftar.commands.reconcile.compare import compare
from daftar.commands.reconcile.report import Drift, DriftKind, Reconciliation
from daftar.contracts.ids import applicant_workflow_id
from daftar.contracts.state import ApplicationState
from daftar.gateway.temporal import earlier_runs
from daftar.store.db import SessionFactory
from daftar.store.models import ApplicationRecord, DecisionRow, StageCount
from daftar.workflows.applicant import ApplicantWorkflow

_PREFIX = applicant_workflow_id("")
_RPC_TIMEOUT = timedelta(seconds=15)


#: An open workflow's query that ends so means no worker answered it.
_NO_WORKER = (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED)
NO_WORKER = "not read: no worker answered its query (open workflows are read by a query)"


async def read_state(client: Client, app_id: str,
                     query: bool = True) -> ApplicationState | str | None:
    """The workflow's state; None when there is no such workflow; why not, as text.

    A completed workflow's result is its final state and needs no worker; an open (or failed,
    terminated) one is queried, which a worker answers; `query=False` skips that.
    """
    handle = client.get_workflow_handle_for(ApplicantWorkflow.run, applicant_workflow_id(app_id))
    try:
        desc = await handle.describe(rpc_timeout=_RPC_TIMEOUT)
        if desc.status == WorkflowExecutionStatus.COMPLETED:
            result: ApplicationState | None = await handle.result(rpc_timeout=_RPC_TIMEOUT)
            if result is None:  # a run daftar did not start (daftar.core.seal): read daftar's own
                return await _earlier_result(client, handle.id)
            return result
        if not query:
            return NO_WORKER
        return await handle.query(ApplicantWorkflow.state, rpc_timeout=_RPC_TIMEOUT)
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return None
        if err.status in _NO_WORKER:
            return NO_WORKER
        return f"not read ({err.status.name if err.status else 'error'}: {err.message})"
    except WorkflowQueryFailedError as err:
        return f"not read (query failed: {err})"


async def _earlier_result(client: Client, workflow_id: str) -> ApplicationState | None:
    """The final state of the newest earlier run under `workflow_id` that daftar started.

    A forged run, which ends at once with none, may have been started after daftar's closed. None
    when there is none, as for a forged start under a new id.
    """
    for run_id in await earlier_runs(client, workflow_id):
        earlier = client.get_workflow_handle_for(ApplicantWorkflow.run, workflow_id,
                                                 run_id=run_id)
        if (await earlier.describe(rpc_timeout=_RPC_TIMEOUT)).status != (
                WorkflowExecutionStatus.COMPLETED):
            continue
        state: ApplicationState | None = await earlier.result(rpc_timeout=_RPC_TIMEOUT)
        if state is not None:
            return state
    return None


async def _states(client: Client, ids: Iterable[str],
                  concurrency: int) -> dict[str, ApplicationState | str | None]:
    """Every state, `concurrency` at a time.

    Once a query finds no worker, the remaining open workflows are not queried (each would wait out
    the timeout in turn).
    """
    limit = asyncio.Semaphore(concurrency)
    no_worker = False

    async def one(app_id: str) -> ApplicationState | str | None:
        nonlocal no_worker
        async with limit:
            state = await read_state(client, app_id, query=not no_worker)
            no_worker = no_worker or state == NO_WORKER
            return state

    ordered = sorted(ids)
    return dict(zip(ordered, await asyncio.gather(*(one(i) for i in ordered)), strict=True))


async def listed_applications(client: Client, year: int) -> set[str]:
    """The application ids of the cycle's applicant workflows, as visibility lists them."""
    query = f"WorkflowType = '{ApplicantWorkflow.__name__}' AND DaftarCycle = {int(year)}"
    return {wf.id.removeprefix(_PREFIX) async for wf in client.list_workflows(query,
                                                                              page_size=500)}


Rows = dict[str, tuple[ApplicationRecord, list[DecisionRow]]]


def read_rows(sessions: SessionFactory, year: int, only: set[str] | None = None) -> Rows:
    """The cycle's rows with their decisions (just `only`'s when given)."""
    with sessions() as s:
        stmt = select(ApplicationRecord).where(ApplicationRecord.cycle == year)
        if only is not None:
            stmt = stmt.where(col(ApplicationRecord.application_id).in_(sorted(only)))
        rows: Rows = {r.application_id: (r, []) for r in s.exec(stmt)}
        decisions = select(DecisionRow).join(
            ApplicationRecord,
            col(DecisionRow.application_id) == col(ApplicationRecord.application_id),
        ).where(ApplicationRecord.cycle == year).order_by(col(DecisionRow.seq))
        if only is not None:
            decisions = decisions.where(col(DecisionRow.application_id).in_(sorted(only)))
        for d in s.exec(decisions):
            rows[d.application_id][1].append(d)
        return rows


def count_drift(sessions: SessionFactory, year: int) -> list[Drift]:
    """stage_counts against the rows it counts, per province and stage."""
    with sessions() as s:
        counted = {(c.province, c.stage): c.n
                   for c in s.exec(select(StageCount).where(StageCount.cycle == year))}
        actual = {(p, st): int(n) for p, st, n in s.exec(
            select(ApplicationRecord.province, ApplicationRecord.stage, func.count())
            .where(ApplicationRecord.cycle == year)
            .group_by(col(ApplicationRecord.province), col(ApplicationRecord.stage)))}
    return [Drift(kind=DriftKind.counts, subject=f"{province}/{stage}",
                  workflow=f"rows {actual.get((province, stage), 0)}",
                  read_model=f"stage_counts {counted.get((province, stage), 0)}")
            for province, stage in sorted(counted.keys() | actual.keys())
            if counted.get((province, stage), 0) != actual.get((province, stage), 0)]


async def _pass(client: Client, sessions: SessionFactory, year: int, ids: set[str] | None,
                concurrency: int) -> tuple[list[Drift], int, int]:
    listed = await listed_applications(client, year) if ids is None else set()
    rows = await asyncio.to_thread(read_rows, sessions, year, ids)
    wanted = ids if ids is not None else listed | rows.keys()
    states = await _states(client, wanted, concurrency)
    drift = [d for i in sorted(wanted) for d in compare(i, states[i], rows.get(i))]
    drift += await asyncio.to_thread(count_drift, sessions, year)
    workflows = sum(1 for s in states.values() if s is not None)
    return drift, workflows, len(rows)


async def reconcile(client: Client, sessions: SessionFactory, year: int, *,
                    concurrency: int = 16, settle: float = 0.0,
                    only: set[str] | None = None) -> Reconciliation:
    """Compare the applicant workflows of cycle `year` with the read model.

    Every one of them, or just the applications `only` names.
    """
    drift, workflows, rows = await _pass(client, sessions, year, only, concurrency)
    if drift and settle > 0:
        await asyncio.sleep(settle)
        again = {d.subject for d in drift if d.kind is not DriftKind.counts}
        drift, _, _ = await _pass(client, sessions, year, again, concurrency)
    return Reconciliation(cycle=year, workflows=workflows, rows=rows, drift=drift)
