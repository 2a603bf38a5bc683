"""The services' one door to Temporal: applicant and cycle workflows.

Queries and updates need a daftar worker as well as Temporal: the worker runs the workflow
code that answers them. Before either, the gateway asks Temporal whether any worker polls the
task queue (`Workers`); with none, nothing is sent and the caller hears so at once (503
`worker_unavailable`). An update that was sent waits for a worker to accept it while one is
working on the workflow, and no longer than ACCEPT_LIMIT; when no worker takes the workflow's
task (one stopped on the way) the answer says the update may still be applied, once, and
gives the Idempotency-Key to send it again with: the key becomes the update's id, and
Temporal applies one id once.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Self, TypeVar

import pydantic_core
import structlog
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import PendingWorkflowTaskState
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionRequest,
)
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistory,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateHandle,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from daftar.contracts import search
from daftar.contracts.applicant import ApplicantInput
from daftar.contracts.cycle import CycleProgress, CycleWorkflowIn
from daftar.contracts.ids import applicant_workflow_id, cycle_workflow_id
from daftar.contracts.state import ApplicationState
from daftar.contracts.workflows import Applicant, Cycle, Query, Update
from daftar.core import errors
from daftar.core.errors import ServiceError, from_rpc, from_update_failure
from daftar.domain.refusals import RefusalKind
from daftar.domain.violations import Violation
from daftar.gateway.temporal import earlier_runs
from daftar.gateway.workers import CHECK_TIMEOUT, Workers

log = structlog.get_logger("daftar.gateway")
M = TypeVar("M")
R = TypeVar("R")

#: Calls that need Temporal alone (start, describe, history).
RPC_TIMEOUT = timedelta(seconds=30)
#: How long an update waits for a worker to accept it before the gateway looks why not.
#: Daftar's handlers finish in the task that accepts them, so a running worker answers in
#: milliseconds, or in seconds when it is swamped or the read model is down (its write holds
#: each workflow task open until the task's heartbeat, 8 s).
ACCEPT_WAIT = timedelta(seconds=10)
#: After ACCEPT_WAIT the gateway asks Temporal, every ACCEPT_RECHECK, about the workflow's
#: pending workflow task, and keeps waiting while a worker is working on the workflow: the
#: task is started, or was scheduled less than TASK_UNTAKEN ago, or a worker polled the task
#: queue less than TASK_UNTAKEN ago (the workers are behind: a registration rush). A task
#: scheduled that long ago and still not started, with no worker polling since, means no
#: worker is taking it (Temporal itself gives up on a worker's sticky queue after 10 s).
#: Whatever happens, the wait ends at ACCEPT_LIMIT.
ACCEPT_RECHECK = timedelta(seconds=5)
TASK_UNTAKEN = timedelta(seconds=10)
ACCEPT_LIMIT = timedelta(seconds=120)
#: How long an accepted update may run before the caller is told it goes on without them
#: (a launch round's allocation runs in an activity).
RESULT_WAIT = timedelta(seconds=60)
#: How long a query may wait for a worker to answer it.
QUERY_WAIT = timedelta(seconds=30)
#: Longest Idempotency-Key accepted.
MAX_KEY_LENGTH = 200


def checked_key(key: str | None) -> str | None:
    """A caller's Idempotency-Key, or 422 when it is not one."""
    if key is None:
        return None
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ServiceError(422, "invalid_request", "The request is malformed.", [Violation(
            rule="REQUEST", field=errors.IDEMPOTENCY_KEY,
            message=f"1 to {MAX_KEY_LENGTH} printable ASCII characters.")])
    return key


def update_id(name: str, msg: Any, key: str) -> str:
    """The update's id in Temporal, from the caller's key, the update name and the message.

    The same key, update name and message give the same id, so a change sent again is applied
    at most once; the same key with another message is another change (never silently
    answered with the first one's result).
    """
    digest = hashlib.sha256(b"\0".join(
        (key.encode(), name.encode(), pydantic_core.to_json(msg)))).hexdigest()
    return f"{name}-{digest[:32]}"


class _Sender:
    """What both gateways share: the task queue's workers and the caller's Idempotency-Key."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._queue = task_queue
        self._workers = Workers(client, task_queue)
        self._key: str | None = None

    @property
    def workers(self) -> Workers:
        """Whether a worker serves this gateway's task queue (/readyz asks too)."""
        return self._workers

    def keyed(self, key: str | None) -> Self:
        """This gateway for one request that sent `key` as its Idempotency-Key (or none)."""
        other = copy.copy(self)
        other._key = checked_key(key)
        return other

    async def _query(self, handle: WorkflowHandle[Any, Any], query: Query[R]) -> R:
        await self._workers.require_for_reading()
        try:
            result: R = await handle.query(query.name, result_type=query.result,
                                           rpc_timeout=QUERY_WAIT)
            return result
        except WorkflowQueryFailedError as err:
            # daftar's queries only fail on a run that daftar did not start (daftar.core.seal): one
            # started under this id, after daftar's run closed, by someone who reached
            # Temporal. It answers nothing; daftar's own run, before it, still does.
            answer = await self._earlier_run(handle, query)
            if answer is not None:
                log.warning("read from daftar's run: the workflow's latest run is not daftar's",
                            workflow_id=handle.id)
                return answer
            raise ServiceError(409, "not_daftars", "This workflow's current run was not started "
                           "by daftar, so it has no state to show; an operator should look "
                           "at it (daftar reconcile reports it).") from err
        except RPCError as err:
            # The call's own timeout comes back as CANCELLED ("Timeout expired").
            if err.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                raise
            await self._temporal_answers(None)
            raise errors.worker_did_not_answer(int(QUERY_WAIT.total_seconds())) from err

    async def _earlier_run(self, handle: WorkflowHandle[Any, Any],
                           query: Query[R]) -> R | None:
        """The answer of the newest earlier run of `handle`'s workflow id that answers.

        None when none does: daftar's queries never answer None.
        """
        for run_id in await earlier_runs(self._client, handle.id):
            try:
                earlier = self._client.get_workflow_handle(handle.id, run_id=run_id)
                answer: R = await earlier.query(query.name, result_type=query.result,
                                                rpc_timeout=QUERY_WAIT)
                return answer
            except (WorkflowQueryFailedError, RPCError):
                continue
        return None

    async def _send(self, handle: WorkflowHandle[Any, Any], update: Update[M, R], msg: M, *,
                    at_once: bool = False) -> R:
        """Send `update` when a worker runs, and wait, within bounds, for its result.

        `at_once`: the update's handler finishes in the workflow task that accepts it (every
        ApplicantWorkflow update does), so one call waits for it to complete, instead of one
        until it is accepted and another for its result.

        WorkflowUpdateFailedError (a validator's refusal) and RPCError reach the caller.
        """
        if not await self._workers.polling():
            raise errors.no_worker_not_sent(self._key)
        key = self._key or uuid.uuid4().hex
        stage = WorkflowUpdateStage.COMPLETED if at_once else WorkflowUpdateStage.ACCEPTED
        sending: asyncio.Task[WorkflowUpdateHandle[R]] = asyncio.create_task(handle.start_update(
            update.name, msg, id=update_id(update.name, msg, key), result_type=update.result,
            wait_for_stage=stage, rpc_timeout=ACCEPT_LIMIT))
        try:
            sent = await self._accepted(handle, sending)
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            sent = None
        finally:
            await _stop(sending)
        if sent is None:
            await self._temporal_answers(key)
            raise errors.not_accepted(key)
        _bind(run_id=sent.workflow_run_id)
        try:
            async with asyncio.timeout(RESULT_WAIT.total_seconds()):
                return await sent.result(rpc_timeout=RESULT_WAIT)
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
            _still_wanted()
            raise errors.not_finished(key, int(RESULT_WAIT.total_seconds())) from err

    async def _accepted(self, handle: WorkflowHandle[Any, Any],
                        sending: asyncio.Task[WorkflowUpdateHandle[R]],
                        ) -> WorkflowUpdateHandle[R] | None:
        """The update's handle once a worker accepted it (or its validator refused it).

        None when no worker is taking the workflow's tasks, or at ACCEPT_LIMIT.
        """
        waited, wait = 0.0, ACCEPT_WAIT.total_seconds()
        while True:
            done, _ = await asyncio.wait({sending}, timeout=wait)
            if done:
                return sending.result()
            waited += wait
            if waited >= ACCEPT_LIMIT.total_seconds() or not await self._worked_on(handle):
                return None
            wait = min(ACCEPT_RECHECK.total_seconds(), ACCEPT_LIMIT.total_seconds() - waited)

    async def _worked_on(self, handle: WorkflowHandle[Any, Any]) -> bool:
        """Whether a worker is working on the workflow.

        True when its pending workflow task is started, or was scheduled less than
        TASK_UNTAKEN ago, or none is pending (one just ended), or a worker polled the task
        queue less than TASK_UNTAKEN ago (busy with the tasks queued before it).
        """
        try:
            described = await self._client.workflow_service.describe_workflow_execution(
                DescribeWorkflowExecutionRequest(namespace=self._client.namespace,
                                                 execution=WorkflowExecution(workflow_id=handle.id)),
                retry=True, timeout=CHECK_TIMEOUT)
        except RPCError:
            return False  # _temporal_answers tells Temporal down from a worker gone
        if not described.HasField("pending_workflow_task"):
            return True
        task = described.pending_workflow_task
        if task.state == PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED:
            return True
        scheduled = task.scheduled_time.ToDatetime(tzinfo=UTC)
        if datetime.now(UTC) - scheduled < TASK_UNTAKEN:
            return True
        return await self._workers.polled_within(TASK_UNTAKEN)

    async def _temporal_answers(self, key: str | None) -> None:
        """After a wait ran out: 503 naming Temporal if it is what stopped answering."""
        try:
            await self._workers.polling(fresh=True)
        except (ServiceError, RPCError, RuntimeError) as err:
            raise errors.unavailable("Temporal", key=key) from err


async def _stop(task: asyncio.Task[Any]) -> None:
    """Cancel `task` if it still runs, and take its outcome so that none is left unread."""
    if not task.done():
        task.cancel()
        await asyncio.wait({task})
    if not task.cancelled():
        task.exception()


def _still_wanted() -> None:
    """Re-raise a cancellation of the request itself that the SDK turned into a timeout."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class Applicants(_Sender):
    """Applicant workflows as the API sees them."""

    async def start(self, inp: ApplicantInput) -> None:
        """Start the applicant's workflow; 409 REG-5 when the person already applied."""
        try:
            handle = await self._client.start_workflow(
                Applicant.workflow.name, inp,
                id=applicant_workflow_id(inp.application_id),
                task_queue=self._queue,
                # REG-5: one application per national id per cycle, even after it closed.
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=search.initial_attributes(inp.cycle.year, inp.form),
                rpc_timeout=RPC_TIMEOUT,
            )
        except WorkflowAlreadyStartedError as err:
            raise ServiceError(409, "duplicate", "This national id already applied in this cycle.",
                           [Violation(rule="REG-5", field="national_id",
                                      message="One application per national id per cycle.")],
                           ) from err
        except RPCError as err:
            raise from_rpc(err) from err
        _bind(application_id=inp.application_id, run_id=handle.result_run_id,
              stage="awaiting_payment")

    def _handle(self, application_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(applicant_workflow_id(application_id))

    async def state(self, application_id: str) -> ApplicationState:
        """The application's full state; 404 when there is none."""
        try:
            state = await self._query(self._handle(application_id), Applicant.state)
        except RPCError as err:
            if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise _unknown(application_id) from err
            raise from_rpc(err) from err
        _bind(stage=state.stage.value)
        return state

    async def exists(self, application_id: str) -> None:
        """404 when there is no such application.

        Asks the server only, so unlike `state` it never waits for a worker to run the
        workflow's first task.
        """
        try:
            await self._handle(application_id).describe(rpc_timeout=RPC_TIMEOUT)
        except RPCError as err:
            if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise _unknown(application_id) from err
            raise from_rpc(err) from err

    async def update(self, application_id: str, update: Update[M, ApplicationState],
                     msg: M) -> ApplicationState:
        """Send `update` with `msg` and wait for the application's new state.

        Refusals come back as ServiceError, and so does a worker that is not there (503
        `worker_unavailable`, saying whether it applies). A repeat of a message the workflow
        applied before (a retried payment, exam result or office, a claim renewed too early,
        a release with nothing to release) is no error: the answer is the current state.
        """
        try:
            result = await self._send(self._handle(application_id), update, msg, at_once=True)
            _bind(stage=result.stage.value)
            return result
        except WorkflowUpdateFailedError as err:
            refused = from_update_failure(err)
            if refused.code == RefusalKind.already_applied:
                return await self.state(application_id)
            raise refused from err
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise await self._closed_or_unknown(application_id) from err
            raise from_rpc(err) from err

    async def _closed_or_unknown(self, application_id: str) -> ServiceError:
        try:
            desc = await self._handle(application_id).describe(rpc_timeout=RPC_TIMEOUT)
        except RPCError:
            return _unknown(application_id)
        if desc.status == WorkflowExecutionStatus.RUNNING:
            return ServiceError(503, "unavailable", "The application is busy; try again.",
                            retry_after=2)
        state = await self.state(application_id)
        return ServiceError(409, "closed", f"The application is closed ({state.stage.value}).",
                        [Violation(rule=state.rules[0] if state.rules else "REG-3",
                                   message=f"The application ended at {state.stage.value}.")])


def _bind(**fields: str | None) -> None:
    """Put what Temporal told us (run id, stage) on the request's log lines."""
    structlog.contextvars.bind_contextvars(**{k: v for k, v in fields.items() if v})


def _unknown(application_id: str) -> ServiceError:
    return ServiceError(404, "not_found", f"No application {application_id}.")



class Cycles(_Sender):
    """Each cycle's ExamCycleWorkflow, started the first time a cohort step needs it."""

    async def _handle(self, year: int) -> WorkflowHandle[Any, Any]:
        try:
            return await self._client.start_workflow(
                Cycle.workflow.name, CycleWorkflowIn(year=year), id=cycle_workflow_id(year),
                task_queue=self._queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                rpc_timeout=RPC_TIMEOUT)
        except RPCError as err:
            raise from_rpc(err) from err

    async def progress(self, year: int) -> CycleProgress:
        """The cycle's `progress` query, starting its workflow if need be.

        503 `worker_unavailable` unless a worker runs to answer it.
        """
        return await self.query(year, Cycle.progress)

    async def query(self, year: int, query: Query[R]) -> R:
        """One of the cycle's queries, starting its workflow if need be.

        503 `worker_unavailable` unless a worker runs to answer it.
        """
        await self._workers.require_for_reading()
        handle = await self._handle(year)
        try:
            return await self._query(handle, query)
        except RPCError as err:
            raise from_rpc(err) from err

    async def update(self, year: int, update: Update[M, R], msg: M) -> R:
        """Send a cycle's update (publication, a launch round) and wait for its result."""
        if not await self._workers.polling():  # before the cycle's workflow is started
            raise errors.no_worker_not_sent(self._key)
        handle = await self._handle(year)
        try:
            return await self._send(handle, update, msg)
        except WorkflowUpdateFailedError as err:
            raise from_update_failure(err) from err
        except RPCError as err:
            raise from_rpc(err) from err


async def history_of(client: Client, application_id: str) -> WorkflowHistory:
    """The application's full event history; 404 when there is none."""
    handle = client.get_workflow_handle(applicant_workflow_id(application_id))
    try:
        return await handle.fetch_history(rpc_timeout=RPC_TIMEOUT)
    except RPCError as err:
        if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise _unknown(application_id) from err
        raise from_rpc(err) from err
