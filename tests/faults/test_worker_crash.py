"""kill -9 of the worker while 200 applicants are mid-path: a new worker takes over, every path
completes, and each decision is in each history exactly once.

SIGKILL gives the worker no chance to drain or tell the server: workflow tasks it held time
out on the server and go to the new worker, local activities it was running (the read-model
writes) run again there, and updates whose answer was lost are sent again by the walkers.
"""

from __future__ import annotations

import logging
import signal

import pytest

from tests.faults.driver import Walk
from tests.faults.once import assert_each_licensed_once
from tests.faults.stack import FaultStack, bounded, walk_through

#: Their stacks do not depend on DAFTAR_TEST_DATABASE: CI runs them in one pass.
pytestmark = pytest.mark.faults

log = logging.getLogger(__name__)
YEAR = 1421
APPLICANTS = 200
#: Requests in flight at once, over all 200 walkers (they advance roughly together).
CONCURRENCY = 32
#: Part of all requests done when the worker is killed.
KILL_AT = 0.35
#: A walker's patience: shorter than the stall a kill causes (the server notices a dead
#: worker's tasks only when they time out), so clients retry while their first try is pending.
PATIENCE = 5.0


async def test_kill_9_of_the_worker_mid_path_loses_and_doubles_nothing(
        stack: FaultStack) -> None:
    walk = Walk(concurrency=CONCURRENCY, timeout=PATIENCE)
    await bounded(_scenario(stack, walk), 300, lambda: walk.status())


async def _scenario(stack: FaultStack, walk: Walk) -> None:
    killed = stack.worker

    async def kill() -> None:
        assert await killed.kill() == -signal.SIGKILL
        await stack.new_worker()

    mid_path, app_ids = await walk_through(stack, walk, YEAR, APPLICANTS, KILL_AT, kill)
    # The kill hit most applicants between registration and licence.
    assert mid_path > APPLICANTS // 2, mid_path
    assert "worker stopped" not in killed.events()  # it really died, it did not drain
    # Clients felt it: some gave up waiting and sent their step again.
    assert walk.retried["ReadTimeout"] > 0, walk.status()
    await assert_each_licensed_once(stack, walk, YEAR, app_ids, APPLICANTS)
    log.info(f"kill -9 with {mid_path} of {APPLICANTS} mid-path: {walk.status()}")
