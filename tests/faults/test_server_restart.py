"""The Temporal dev server stopped and started again on its SQLite file while 100 applicants are
mid-path: every path completes, each decision exactly once, and the read model converges.

While the server is down the API answers 503 (once the SDK's own retries give up) and the
walkers send again; updates the server had accepted are in its file and survive, the ones it
was still holding in memory are lost and sent again, and the worker reconnects by itself.
100 applicants rather than the crash test's 200: the same kinds of requests are in flight at
the stop, in half the time.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.faults.driver import Walk
from tests.faults.once import assert_each_licensed_once
from tests.faults.stack import FaultStack, bounded, walk_through
from tests.outages import wait_for_port

#: Their stacks do not depend on DAFTAR_TEST_DATABASE: CI runs them in one pass.
pytestmark = pytest.mark.faults

log = logging.getLogger(__name__)
YEAR = 1422
APPLICANTS = 100
CONCURRENCY = 32
STOP_AT = 0.35
#: How long the server stays down: past the SDK's own retries of an RPC (10 s), so the API
#: answers 503 and the walkers retry (a shorter outage is absorbed, unseen, by the SDK).
DOWN_SECONDS = 12


async def test_a_restart_of_the_temporal_server_mid_path_loses_and_doubles_nothing(
        stack: FaultStack) -> None:
    walk = Walk(concurrency=CONCURRENCY)
    await bounded(_scenario(stack, walk), 300, lambda: walk.status())


async def _scenario(stack: FaultStack, walk: Walk) -> None:
    async def restart() -> None:
        await asyncio.to_thread(stack.temporal.stop)
        await asyncio.sleep(DOWN_SECONDS)
        stack.temporal.start()  # same port, same SQLite file
        await asyncio.to_thread(wait_for_port, stack.temporal.port)

    mid_path, app_ids = await walk_through(stack, walk, YEAR, APPLICANTS, STOP_AT, restart)
    assert mid_path > APPLICANTS // 2, mid_path
    # The outage was felt: requests in flight or sent meanwhile got 503.
    assert walk.retried["503"] > 0, walk.status()
    assert len(set(app_ids)) == APPLICANTS
    # The same worker process lived through the outage: no second one was needed.
    assert len(stack.workers) == 1 and stack.worker.proc is not None
    assert stack.worker.proc.returncode is None
    await assert_each_licensed_once(stack, walk, YEAR, app_ids, APPLICANTS)
    log.info(f"server restart with {mid_path} of {APPLICANTS} mid-path: {walk.status()}")
