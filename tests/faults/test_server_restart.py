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
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.faults.driver import REQUESTS_PER_PATH, Walk
from tests.faults.once import exactly_once
from tests.faults.stack import FaultStack, bounded, create_cycle, fault_stack
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


@pytest.fixture(scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FaultStack]:
    root: Path = tmp_path_factory.mktemp("restart")
    async with fault_stack(root, f"sqlite:///{root / 'read.db'}") as s:
        yield s


async def test_a_restart_of_the_temporal_server_mid_path_loses_and_doubles_nothing(
        stack: FaultStack) -> None:
    walk = Walk(concurrency=CONCURRENCY)
    await bounded(_scenario(stack, walk), 300, lambda: walk.status())


async def _scenario(stack: FaultStack, walk: Walk) -> None:
    await create_cycle(stack.api, YEAR, capacity=APPLICANTS, engine=stack.engine)
    walkers = [asyncio.create_task(walk.path(stack.api, YEAR)) for _ in range(APPLICANTS)]
    try:
        await walk.reached(int(APPLICANTS * REQUESTS_PER_PATH * STOP_AT), walkers)
        mid_path = walk.mid_path()
        await asyncio.to_thread(stack.temporal.stop)
        await asyncio.sleep(DOWN_SECONDS)
        stack.temporal.start()  # same port, same SQLite file
        await asyncio.to_thread(wait_for_port, stack.temporal.port)
        app_ids = await asyncio.gather(*walkers)
    finally:
        for w in walkers:
            w.cancel()
    assert mid_path > APPLICANTS // 2, mid_path
    # The outage was felt: requests in flight or sent meanwhile got 503.
    assert walk.retried["503"] > 0, walk.status()
    assert len(set(app_ids)) == APPLICANTS
    assert all(walk.stage[i] == "licensed" for i in app_ids)
    assert await exactly_once(walk, stack.api, app_ids) == []
    # The same worker process lived through the outage: no second one was needed.
    assert len(stack.workers) == 1 and stack.worker.proc is not None
    assert stack.worker.proc.returncode is None
    report = await stack.converged(YEAR)
    assert (report.workflows, report.rows) == (APPLICANTS, APPLICANTS)
    log.info(f"server restart with {mid_path} of {APPLICANTS} mid-path: {walk.status()}")
