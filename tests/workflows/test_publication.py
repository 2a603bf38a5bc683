"""Publication to a cohort survives a worker stopping mid-way: nobody skipped, nobody twice.

On the dev server: a worker's restart needs the server's sticky-queue timeouts, which the
time-skipping server does not run in real time.
"""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.cycle import CycleWorkflowIn, PublishIn
from daftar.contracts.ids import cycle_workflow_id
from daftar.domain.stages import Role, Stage
from daftar.store.cohort import replace_exam_load
from daftar.store.db import session_factory, transaction
from daftar.store.models import ExamLoad, ExamScore
from daftar.worker import Workers
from daftar.workflows.cycle import ExamCycleWorkflow
from tests.stacks import running_worker
from tests.workflows.conftest import Harness
from tests.workflows.steps import Handle, register, staff, state

CANDIDATES = 200
PASS_MARK = Decimal("5000")


def worker(harness: Harness, concurrency: int) -> AbstractAsyncContextManager[Workers]:
    # Small pages, so the stop lands in the middle of the cohort.
    return running_worker(harness.env.client, harness.engine, task_queue=harness.task_queue,
                          fan_out_page=20, fan_out_concurrency=concurrency)


def load_results(harness: Harness, year: int, handles: list[tuple[Handle, str]]) -> None:
    """The exam officer's load, as the API stores it: every other candidate passes."""
    load = ExamLoad(cycle=year, scale=Decimal(2000), pass_mark=PASS_MARK, top_count=3,
                    top_mean=Decimal("7142.86"), candidates=len(handles),
                    passed=len(handles) // 2, loaded_by="exam-1", loaded_at=datetime.now(UTC))
    rows = [{"cycle": year, "application_id": app_id, "tracking_code": f"t{i}", "counts": {},
             "standard": {}, "total": Decimal(6000 if i % 2 else 4000), "passed": bool(i % 2)}
            for i, (_, app_id) in enumerate(handles)]
    with transaction(session_factory(harness.engine)) as session:
        replace_exam_load(session, load, rows)


def progress(harness: Harness, year: int) -> ExamLoad:
    with Session(harness.engine) as session:
        load = session.get(ExamLoad, year)
        assert load is not None
        return load


async def result_updates(h: Handle) -> int:
    history = await h.fetch_history()
    return sum(1 for e in history.events
               if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
               and e.workflow_execution_update_accepted_event_attributes.accepted_request
               .input.name == "record_exam_result")


async def test_publication_resumes_after_a_worker_stops(dev_server: WorkflowEnvironment,
                                                       engine: Engine) -> None:
    harness = Harness(env=dev_server, engine=engine, task_queue=f"pub-{uuid.uuid4().hex[:8]}")
    year = 1300 + uuid.uuid4().int % 90  # a cycle of this test's own
    handles: list[tuple[Handle, str]] = []
    gate = asyncio.Semaphore(16)

    async def applicant() -> None:
        async with gate:
            h = await harness.start()
            await register(h)
            handles.append((h, (await state(h)).application_id))

    async with worker(harness, concurrency=4) as first:
        await asyncio.gather(*(applicant() for _ in range(CANDIDATES)))
        handles.sort(key=lambda pair: pair[1])
        load_results(harness, year, handles)
        cycle = await harness.env.client.start_workflow(
            ExamCycleWorkflow.run, CycleWorkflowIn(year=year), id=cycle_workflow_id(year),
            task_queue=harness.task_queue)
        await cycle.execute_update(ExamCycleWorkflow.publish_results,
                                   PublishIn(actor=staff(Role.exam_officer)))
        for _ in range(3000):  # bounded: a minute at most
            if progress(harness, year).sent >= CANDIDATES // 4:
                break
            await asyncio.sleep(0.02)
        await first.shutdown()  # the worker goes away in the middle of the cohort
    stopped_at = progress(harness, year).sent
    assert 0 < stopped_at < CANDIDATES

    async with worker(harness, concurrency=40):  # a new worker takes over
        for _ in range(1500):
            if (await cycle.query(ExamCycleWorkflow.progress)).publication == "published":
                break
            await asyncio.sleep(0.05)
        final = progress(harness, year)
        assert (final.state, final.sent, final.skipped) == ("published", CANDIDATES, 0)
        for i, (h, _) in enumerate(handles):
            s = await state(h)
            assert s.exam_result is not None
            assert [d.stage for d in s.decisions].count("exam") == 1
            assert s.stage == (Stage.awaiting_interview if i % 2 else Stage.rejected)
            assert await result_updates(h) == 1  # a resent page never reached the history
    with Session(harness.engine) as session:
        outcomes = session.exec(select(ExamScore.outcome).where(ExamScore.cycle == year)).all()
    assert outcomes == ["sent"] * CANDIDATES
