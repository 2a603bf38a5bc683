"""Workflow tests on the time-skipping test server, with the real activities on SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from daftar.contracts import search
from daftar.contracts.applicant import APPLICANT_REVISION, ApplicantInput, CycleTerms
from daftar.contracts.ids import applicant_workflow_id
from daftar.domain.eligibility import check_registration
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.registration import RegistrationRules
from daftar.domain.stages import DEFAULT_SLA_DAYS
from daftar.workflows.applicant import ApplicantWorkflow
from tests.api.helpers import quiet
from tests.conftest import quiet_runtime, read_model, time_skipping_server
from tests.factories import registration
from tests.stacks import running_worker

FEE = 2_000_000
KEY = b"test-identity-key"


@pytest.fixture(scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await time_skipping_server(quiet_runtime())
    yield environment
    await environment.shutdown()


@pytest.fixture(scope="session")
def engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    with read_model(read_model_url("wf")) as db:
        yield db


async def settle(handle: WorkflowHandle[Any, Any], attempts: int = 200) -> None:
    """Wait until `handle` has no activity and no workflow task in flight (bounded), read
    from its history (the time-skipping server's `describe` names no pending workflow task)."""
    for _ in range(attempts):
        if quiet((await handle.fetch_history()).to_json_dict()["events"]):
            return
        await asyncio.sleep(0.05)


@dataclass
class Harness:
    env: WorkflowEnvironment
    engine: Engine
    task_queue: str
    started: list[WorkflowHandle[Any, Any]] = field(default_factory=list)

    async def stop_all(self) -> None:
        """End the workflows this test left running: once its worker is gone, their next
        timer (a reminder) would leave a task nobody takes, and the time-skipping server
        skips no more time while any task is outstanding. Each is first left to finish the
        activities it has started (its notices, NOTE-1) and the workflow task that takes
        their results: an activity or a workflow task whose workflow is terminated under it
        is never released by the time-skipping server either."""
        for handle in self.started:
            with contextlib.suppress(RPCError):
                await settle(handle)
                await handle.terminate(reason="end of test")

    async def start(self, *, window_days: float = 10, sla_days: dict[str, int] | None = None,
                    year: int = 1401, revision: int = APPLICANT_REVISION,
                    **overrides: Any) -> WorkflowHandle[Any, Any]:
        """Start one applicant's workflow as the API would, from a valid form (on the
        revision new applications start on, unless `revision` says otherwise)."""
        applied = registration(**overrides)
        check = check_registration(applied, RegistrationRules(
            registration_start="1401/08/30", registration_end="1401/09/06"))
        assert not check.violations, check.violations
        app_id = application_id(KEY, year, check.national_id)
        now = await self.env.get_current_time()
        inp = ApplicantInput(
            application_id=app_id, tracking_code=tracking_code(app_id),
            cycle=CycleTerms(year=year, fee_rials=FEE,
                             registration_closes_at=now + timedelta(days=window_days),
                             sla_days=sla_days or dict(DEFAULT_SLA_DAYS)),
            form=applied, national_id=check.national_id, flags=check.flags,
            veteran=check.veteran, revision=revision)
        handle = await self.env.client.start_workflow(
            ApplicantWorkflow.run, inp, id=applicant_workflow_id(app_id),
            task_queue=self.task_queue,
            search_attributes=search.initial_attributes(year, applied))
        self.started.append(handle)
        return handle


@pytest.fixture
async def harness(env: WorkflowEnvironment, engine: Engine) -> AsyncIterator[Harness]:
    """A worker on its own task queue for one test."""
    queue = f"wf-{uuid.uuid4().hex[:8]}"
    async with running_worker(env.client, engine, task_queue=queue):
        harness = Harness(env=env, engine=engine, task_queue=queue)
        yield harness
        await harness.stop_all()
