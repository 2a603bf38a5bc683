"""The read model's PostgreSQL stopped while activities are recording, then started again: the
workflows go on deciding meanwhile, and the read model converges to their state by itself.

`reconcile` is the judge: every applicant workflow against its row, its decision rows and the
cycle's stage counts. The recording local activity fails and retries while the database is
down (the worker's log shows it); updates wait for it, for up to a workflow-task heartbeat,
and requests that need the database itself would get 503 and be sent again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.faults.driver import Walk
from tests.faults.once import assert_each_licensed_once
from tests.faults.stack import FaultStack, bounded, walk_through
from tests.outages import PrivatePostgres

#: Its stack does not depend on DAFTAR_TEST_DATABASE (it runs a PostgreSQL of its own): CI
#: runs it in one pass.
pytestmark = [pytest.mark.faults, pytest.mark.postgres]
log = logging.getLogger(__name__)
YEAR = 1423
APPLICANTS = 40
CONCURRENCY = 16
#: Half-way, most walkers are at the reviewers' decisions, which reach the workflows without
#: the database (the exam result's request reads the pass mark from it, and would only 503).
STOP_AT = 0.5
#: How long the database stays down at least: several of the recording activity's retries
#: (1 s, 2 s, 4 s apart) fail meanwhile.
DOWN_SECONDS = 5
#: How long it may stay down at most, waiting for a recording to fail.
DOWN_AT_MOST = 60


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    pg = PrivatePostgres()
    pg.start()
    yield pg
    pg.remove()


@pytest.fixture(scope="module")
def fault_database_url(postgres: PrivatePostgres) -> str:
    return postgres.url


async def test_the_read_model_converges_after_the_database_was_down(
        stack: FaultStack, postgres: PrivatePostgres) -> None:
    walk = Walk(concurrency=CONCURRENCY)
    await bounded(_scenario(stack, postgres, walk), 240, lambda: walk.status())


def _failed_writes(stack: FaultStack) -> list[dict[str, Any]]:
    return [r for r in stack.worker.records()
            if r.get("activity_type") == "record_application"
            and r["event"] == "Completing activity as failed"]


async def _scenario(stack: FaultStack, postgres: PrivatePostgres, walk: Walk) -> None:
    async def outage() -> None:
        await asyncio.to_thread(postgres.stop)
        walk.window = True
        await asyncio.sleep(DOWN_SECONDS)
        # Down until a recording has failed (decisions keep arriving meanwhile), then up.
        for _ in range(DOWN_AT_MOST * 4):
            if _failed_writes(stack):
                break
            await asyncio.sleep(0.25)
        walk.window = False
        await asyncio.to_thread(postgres.start)

    _, app_ids = await walk_through(stack, walk, YEAR, APPLICANTS, STOP_AT, outage)
    # The outage hit the recording: attempts to write rows failed (and were retried).
    failed = _failed_writes(stack)
    assert failed, "no read-model write failed: the outage missed the activities"
    await assert_each_licensed_once(stack, walk, YEAR, app_ids, APPLICANTS)
    log.info(f"database down {DOWN_SECONDS} s: {len(failed)} failed read-model writes, "
             f"{walk.applied_in_window} updates answered meanwhile; {walk.status()}")
