"""The API's one door to Temporal: applicant and cycle workflows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistory,
    WorkflowUpdateFailedError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from daftar.api.errors import ApiError, from_rpc, from_update_failure
from daftar.domain.violations import Violation
from daftar.workflows import search
from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow
from daftar.workflows.messages import (
    ApplicantInput,
    ApplicationState,
    CycleProgress,
    CycleWorkflowIn,
    applicant_workflow_id,
    cycle_workflow_id,
)

# An update waits for the worker; past this the caller gets 503 rather than a hung request.
RPC_TIMEOUT = timedelta(seconds=30)


class Applicants:
    """Applicant workflows as the API sees them."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._queue = task_queue

    async def start(self, inp: ApplicantInput) -> None:
        """Start the applicant's workflow; 409 REG-5 when the person already applied."""
        try:
            handle = await self._client.start_workflow(
                ApplicantWorkflow.run, inp,
                id=applicant_workflow_id(inp.application_id),
                task_queue=self._queue,
                # REG-5: one application per national id per cycle, even after it closed.
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=search.initial_attributes(inp.cycle.year, inp.form),
                rpc_timeout=RPC_TIMEOUT,
            )
        except WorkflowAlreadyStartedError as err:
            raise ApiError(409, "duplicate", "This national id already applied in this cycle.",
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
            state: ApplicationState = await self._handle(application_id).query(
                ApplicantWorkflow.state, rpc_timeout=RPC_TIMEOUT)
        except RPCError as err:
            if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise _unknown(application_id) from err
            raise from_rpc(err) from err
        _bind(stage=state.stage.value)
        return state

    async def exists(self, application_id: str) -> None:
        """404 when there is no such application. Asks the server only, so unlike `state` it
        never waits for a worker to run the workflow's first task."""
        try:
            await self._handle(application_id).describe(rpc_timeout=RPC_TIMEOUT)
        except RPCError as err:
            if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise _unknown(application_id) from err
            raise from_rpc(err) from err

    async def update(self, application_id: str, update: Any, msg: Any) -> ApplicationState:
        """Send an update and wait for its result; refusals come back as ApiError."""
        try:
            handle = await self._handle(application_id).start_update(
                update, msg, wait_for_stage=WorkflowUpdateStage.COMPLETED,
                rpc_timeout=RPC_TIMEOUT)
            result: ApplicationState = await handle.result(rpc_timeout=RPC_TIMEOUT)
            _bind(run_id=handle.workflow_run_id, stage=result.stage.value)
            return result
        except WorkflowUpdateFailedError as err:
            raise from_update_failure(err) from err
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise await self._closed_or_unknown(application_id) from err
            raise from_rpc(err) from err

    async def _closed_or_unknown(self, application_id: str) -> ApiError:
        try:
            desc = await self._handle(application_id).describe(rpc_timeout=RPC_TIMEOUT)
        except RPCError:
            return _unknown(application_id)
        if desc.status == WorkflowExecutionStatus.RUNNING:
            return ApiError(503, "unavailable", "The application is busy; try again.",
                            retry_after=2)
        state = await self.state(application_id)
        return ApiError(409, "closed", f"The application is closed ({state.stage.value}).",
                        [Violation(rule=state.rules[0] if state.rules else "REG-3",
                                   message=f"The application ended at {state.stage.value}.")])


def _bind(**fields: str | None) -> None:
    """Put what Temporal told us (run id, stage) on the request's log lines."""
    structlog.contextvars.bind_contextvars(**{k: v for k, v in fields.items() if v})


def _unknown(application_id: str) -> ApiError:
    return ApiError(404, "not_found", f"No application {application_id}.")



class Cycles:
    """Each cycle's ExamCycleWorkflow, started the first time a cohort step needs it."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._queue = task_queue

    async def _handle(self, year: int) -> WorkflowHandle[Any, Any]:
        try:
            return await self._client.start_workflow(
                ExamCycleWorkflow.run, CycleWorkflowIn(year=year), id=cycle_workflow_id(year),
                task_queue=self._queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                rpc_timeout=RPC_TIMEOUT)
        except RPCError as err:
            raise from_rpc(err) from err

    async def progress(self, year: int) -> CycleProgress:
        handle = await self._handle(year)
        try:
            return await handle.query(ExamCycleWorkflow.progress, rpc_timeout=RPC_TIMEOUT)
        except RPCError as err:
            raise from_rpc(err) from err

    async def update(self, year: int, update: Any, msg: Any) -> Any:
        handle = await self._handle(year)
        try:
            return await handle.execute_update(update, msg, rpc_timeout=RPC_TIMEOUT)
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
