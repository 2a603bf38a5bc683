"""Whether a daftar worker serves the task queue, as Temporal saw it last.

Queries and updates need a worker as well as Temporal: the worker runs the workflow code that
answers them. Before either, the gateway asks here, and with none nothing is sent and the
caller hears so at once (503 `worker_unavailable`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from daftar.core import errors
from daftar.core.errors import from_rpc

log = structlog.get_logger("daftar.gateway")

#: How long asking Temporal about the task queue's workers may take.
CHECK_TIMEOUT = timedelta(seconds=3)
#: A worker polled within this long is running. Temporal lists every worker that polled a task
#: queue for five minutes after its last poll; a running one polls again at least once a
#: minute (the server ends an idle long poll after one), so an older last poll means it
#: stopped. Generous on purpose: taking a running worker for a stopped one refuses every
#: change, the other way round only makes a change wait ACCEPT_WAIT before a 503 that says so.
LIVE_POLL_AGE = timedelta(seconds=90)
#: How long an answer about the workers is reused: a running worker briefly, none for less
#: (a worker that starts is noticed at once).
POLLING_TTL = 2.0
NOT_POLLING_TTL = 0.5


class Workers:
    """Whether any worker polls `task_queue`, as Temporal saw it last (its DescribeTaskQueue).

    The answer is reused for a moment and shared by every request that asks meanwhile, so
    under load it costs one call every POLLING_TTL. A server that will not describe task
    queues (no permission, not implemented) is taken as having workers: the bounded waits
    still hold then.
    """

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self.task_queue = task_queue
        self._known: bool | None = None
        self._until = 0.0
        self._asking: asyncio.Task[bool] | None = None
        self._cannot_tell = False

    async def polling(self, *, fresh: bool = False) -> bool:
        """True when a worker polled the task queue within LIVE_POLL_AGE.

        Raises ServiceError (503 `unavailable`) or RPCError when Temporal does not answer.
        """
        if fresh:
            self._until = 0.0
        if self._known is not None and time.monotonic() < self._until:
            return self._known
        if self._asking is None:
            self._asking = asyncio.create_task(self._ask())
            self._asking.add_done_callback(self._settle)
        return await asyncio.shield(self._asking)

    def _settle(self, task: asyncio.Task[bool]) -> None:
        self._asking = None
        if task.cancelled() or task.exception() is not None:
            return  # the waiting callers have it; the next one asks again
        self._known = task.result()
        self._until = time.monotonic() + (POLLING_TTL if self._known else NOT_POLLING_TTL)

    async def _describe(self) -> Any:
        """Temporal's DescribeTaskQueue of the workflow task queue (its pollers)."""
        return await self._client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=self._client.namespace,
                task_queue=TaskQueue(name=self.task_queue,
                                     kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
            retry=True, timeout=CHECK_TIMEOUT)

    async def _ask(self) -> bool:
        if self._cannot_tell:
            return True
        try:
            async with asyncio.timeout(CHECK_TIMEOUT.total_seconds()):
                described = await self._describe()
        except TimeoutError as err:
            raise errors.unavailable("Temporal") from err
        except RPCError as err:
            if err.status in (RPCStatusCode.UNIMPLEMENTED, RPCStatusCode.PERMISSION_DENIED):
                log.warning("cannot tell whether a worker runs; assuming one does",
                            task_queue=self.task_queue, error=str(err))
                self._cannot_tell = True
                return True
            raise from_rpc(err) from err
        return _polled(described, LIVE_POLL_AGE)

    async def polled_within(self, age: timedelta) -> bool:
        """Whether a worker asked Temporal for a workflow task less than `age` ago.

        A worker that runs and has work polls again as soon as it has room, so a recent poll
        beside a task not yet started means the workers are behind, not gone. Asked afresh;
        False when Temporal does not answer (the caller's bounded waits still hold).
        """
        try:
            return _polled(await self._describe(), age)
        except RPCError:
            return False

    async def require_for_reading(self) -> None:
        """503 `worker_unavailable` unless a worker runs to answer a query."""
        if not await self.polling():
            raise errors.no_worker_to_read()


def _polled(described: Any, age: timedelta) -> bool:
    """Whether any poller of a DescribeTaskQueue answer polled less than `age` ago."""
    now = datetime.now(UTC)
    return any(now - poller.last_access_time.ToDatetime(tzinfo=UTC) < age
               for poller in described.pollers)
