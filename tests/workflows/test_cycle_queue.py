"""The cycle's activities have a task queue and slots of their own: SMS that hold every slot
of the workflows' queue (a provider that hangs, or the tens of thousands a registration rush
leaves queued) hold up neither a case nor a publication.

On the dev server: the time-skipping server would skip time while the SMS are held.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.cycle import CycleWorkflowIn, PublishIn, cycle_queue
from daftar.contracts.ids import cycle_workflow_id
from daftar.core.settings import Settings
from daftar.domain.stages import Role, Stage
from daftar.store.db import session_factory
from daftar.store.models import NoticeRecord
from daftar.worker import build_worker
from daftar.workflows.cycle import ExamCycleWorkflow
from tests.workflows.conftest import Harness
from tests.workflows.steps import Handle, register, staff, state
from tests.workflows.test_publication import load_results, progress

#: More registration SMS than the workflows' queue has activity slots.
CANDIDATES = 20
#: daftar.worker.build_worker's activity slots on the workflows' queue.
SLOTS = 16


class Held:
    """An SMS provider that takes no message until it is released, as one that hangs."""

    name = "held"

    def __init__(self) -> None:
        self.released = asyncio.Event()
        self.sent: list[str] = []

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        await self.released.wait()
        self.sent.append(idempotency_key)
        return f"held-{len(self.sent)}"

    async def find(self, idempotency_key: str) -> str | None:
        return None


def outbox(engine: Engine, app_ids: list[str], status: str) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(NoticeRecord).where(
            col(NoticeRecord.application_id).in_(app_ids), NoticeRecord.status == status)).one())


async def scheduled(h: Handle, activity: str) -> list[str]:
    """The task queue of each `activity` the workflow scheduled."""
    return [e.activity_task_scheduled_event_attributes.task_queue.name
            for e in (await h.fetch_history()).events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            and e.activity_task_scheduled_event_attributes.activity_type.name == activity]


async def until(check: object, seconds: float = 60) -> None:
    for _ in range(int(seconds * 10)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)


async def test_sms_holding_every_slot_hold_up_neither_a_case_nor_the_publication(
        dev_server: WorkflowEnvironment, engine: Engine) -> None:
    queue = f"cq-{uuid.uuid4().hex[:8]}"
    harness = Harness(env=dev_server, engine=engine, task_queue=queue)
    year = 1300 + uuid.uuid4().int % 90  # a cycle of this test's own
    held = Held()
    with ThreadPoolExecutor(max_workers=16) as executor:
        workers = build_worker(dev_server.client, task_queue=queue,
                               sessions=session_factory(engine), executor=executor,
                               settings=Settings(sms_per_number_per_hour=0), sms=held)
        async with workers:
            handles = [await harness.start() for _ in range(CANDIDATES)]
            for h in handles:  # the case goes on while its SMS wait
                assert (await register(h)).stage == Stage.awaiting_exam
            pairs = sorted([(h, (await state(h)).application_id) for h in handles],
                           key=lambda pair: pair[1])
            app_ids = [app_id for _, app_id in pairs]
            # Every activity slot of the workflows' queue holds an SMS the provider keeps.
            await until(lambda: outbox(engine, app_ids, "sending") >= SLOTS)
            assert outbox(engine, app_ids, "sending") == SLOTS
            load_results(harness, year, pairs)
            cycle = await dev_server.client.start_workflow(
                ExamCycleWorkflow.run, CycleWorkflowIn(year=year), id=cycle_workflow_id(year),
                task_queue=queue)
            await cycle.execute_update(ExamCycleWorkflow.publish_results,
                                       PublishIn(actor=staff(Role.exam_officer)))
            await until(lambda: progress(harness, year).state == "published")
            final = progress(harness, year)
            assert (final.state, final.sent, final.skipped) == ("published", CANDIDATES, 0)
            for i, (h, _) in enumerate(pairs):
                assert (await state(h)).stage == (
                    Stage.awaiting_interview if i % 2 else Stage.rejected)
            assert await scheduled(cycle, "publish_results") == [cycle_queue(queue)]
            # Published while the same SMS held every slot: none got out, and none had to
            # time out (30 s) to let the publication in, as it would on a shared queue.
            assert held.sent == []
            assert outbox(engine, app_ids, "sending") == SLOTS
            # Released, every SMS goes out, once: the registration's and the result's each.
            expected = sum([len(await scheduled(h, "send_notice")) for h, _ in pairs])
            assert expected >= 2 * CANDIDATES
            held.released.set()
            await until(lambda: outbox(engine, app_ids, "sent") >= expected)
            assert outbox(engine, app_ids, "sent") == expected
            assert sorted(held.sent) == sorted(set(held.sent))
            await cycle.terminate()
            for h, _ in pairs:
                await h.terminate()
