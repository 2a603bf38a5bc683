"""NOTE-1's SMS wait on a task queue of their own: a backlog of them (a registration rush
leaves tens of thousands) holds up neither a case nor the cycle's publication, and they go
out once their worker runs.

On the dev server: the time-skipping server would skip to the SMS' timeouts while nothing
polls their queue.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.cycle import CycleWorkflowIn, PublishIn
from daftar.contracts.ids import cycle_workflow_id
from daftar.contracts.notices import notice_queue
from daftar.core.settings import Settings
from daftar.domain.stages import Role, Stage
from daftar.store.db import session_factory
from daftar.store.models import NoticeRecord
from daftar.worker import build_worker
from daftar.workflows.cycle import ExamCycleWorkflow
from tests.workflows.conftest import Harness
from tests.workflows.steps import Handle, register, staff, state
from tests.workflows.test_publication import load_results, progress

CANDIDATES = 6


async def sms(h: Handle) -> tuple[list[str], int]:
    """The task queue of each SMS the application scheduled, and how many were started."""
    events = (await h.fetch_history()).events
    queues = [e.activity_task_scheduled_event_attributes.task_queue.name for e in events
              if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
              and e.activity_task_scheduled_event_attributes.activity_type.name == "send_notice"]
    started = sum(1 for e in events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
    return queues, started


def outbox(engine: Engine, app_ids: list[str]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(NoticeRecord).where(
            col(NoticeRecord.application_id).in_(app_ids),
            NoticeRecord.status == "sent")).one())


async def test_a_backlog_of_sms_holds_up_neither_a_case_nor_the_publication(
        dev_server: WorkflowEnvironment, engine: Engine) -> None:
    queue = f"sms-{uuid.uuid4().hex[:8]}"
    harness = Harness(env=dev_server, engine=engine, task_queue=queue)
    year = 1300 + uuid.uuid4().int % 90  # a cycle of this test's own
    with ThreadPoolExecutor(max_workers=16) as executor:
        workers = build_worker(dev_server.client, task_queue=queue,
                               sessions=session_factory(engine), executor=executor,
                               settings=Settings(sms_per_number_per_hour=0))
        async with workers.main:  # the SMS' worker is not running: their queue backs up
            handles = [await harness.start() for _ in range(CANDIDATES)]
            for h in handles:
                assert (await register(h)).stage == Stage.awaiting_exam
            pairs = sorted([(h, (await state(h)).application_id) for h in handles],
                           key=lambda pair: pair[1])
            load_results(harness, year, pairs)
            cycle = await dev_server.client.start_workflow(
                ExamCycleWorkflow.run, CycleWorkflowIn(year=year), id=cycle_workflow_id(year),
                task_queue=queue)
            await cycle.execute_update(ExamCycleWorkflow.publish_results,
                                       PublishIn(actor=staff(Role.exam_officer)))
            for _ in range(600):  # bounded: a minute at most
                if progress(harness, year).state == "published":
                    break
                await asyncio.sleep(0.1)
            assert (progress(harness, year).state, progress(harness, year).sent) \
                == ("published", CANDIDATES)
            for i, (h, _) in enumerate(pairs):
                assert (await state(h)).stage == (
                    Stage.awaiting_interview if i % 2 else Stage.rejected)
            scheduled = [await sms(h) for h, _ in pairs]
            # the registration's SMS and the result's: each waits on the SMS' queue
            assert all(len(queues) >= 2 and set(queues) == {notice_queue(queue)}
                       for queues, _ in scheduled)
            assert all(started == 0 for _, started in scheduled)
            app_ids = [app_id for _, app_id in pairs]
            assert outbox(engine, app_ids) == 0
        async with workers.notices:  # their worker runs: every SMS goes out, once
            expected = 0
            for h, _ in pairs:
                expected += len((await sms(h))[0])
            assert expected >= 2 * CANDIDATES
            for _ in range(600):
                if outbox(engine, app_ids) >= expected:
                    break
                await asyncio.sleep(0.1)
            assert outbox(engine, app_ids) == expected
    await cycle.terminate()
    for h, _ in pairs:
        await h.terminate()
