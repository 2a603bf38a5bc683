"""A worker that is behind is told from one that is gone by how lately it polled.

An update whose workflow task waits unstarted past TASK_UNTAKEN is answered 503 only when no
worker has polled the task queue that recently either: a running worker that is busy with the
tasks queued before it polls as soon as it has room (a registration rush), a killed one never
again (tests/faults/test_worker_down.py holds that side end to end).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from daftar.gateway.workers import Workers
from tests.api.helpers import Stack


async def test_a_running_worker_polled_lately_and_an_unserved_queue_never(stack: Stack) -> None:
    client = stack.env.client
    # The stack's worker polls its queue: within a few seconds, however long it has idled
    # (each long poll ends and is sent again within a minute; asked after a poll returns).
    served = Workers(client, stack.task_queue)
    assert await served.polling()
    for _ in range(130):
        if await served.polled_within(timedelta(seconds=70)):
            break
        await asyncio.sleep(0.5)
    else:
        raise AssertionError("the running worker never showed a poll within 70 s")
    # A queue nobody serves was never polled.
    unserved = Workers(client, f"nobody-{uuid.uuid4().hex[:8]}")
    assert not await unserved.polled_within(timedelta(days=1))
