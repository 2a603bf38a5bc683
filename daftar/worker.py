"""The Temporal worker: daftar's workflows and their activities."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from daftar.activities.amendments import AmendmentActivities
from daftar.activities.cohort import FAN_OUT_IN_FLIGHT, CohortActivities
from daftar.activities.corrections import ClosingActivities
from daftar.activities.exam_sessions import ExamActivities
from daftar.activities.notices import NoticeActivities
from daftar.activities.records import RecordActivities
from daftar.contracts.cycle import cycle_queue
from daftar.core.codec import worker_converter
from daftar.core.seal import SealInterceptor
from daftar.core.settings import Settings, load_settings
from daftar.core.sms import SmsProvider, choose_provider
from daftar.store.db import SessionFactory
from daftar.store.notices import LocalSmsProvider
from daftar.workflows.registry import WORKFLOWS

#: The cycle's activities one worker process runs at once: fan-outs that page through a
#: cohort, and the short steps (an allocation, an amendment) that updates wait for.
CYCLE_ACTIVITIES = 8

# daftar's modules are imported once and shared by every workflow instance, instead of the
# workflow modules being imported again into each new sandbox (every first task, every cache
# miss): a fifth of a busy worker's CPU. What they import was already passed through; they
# keep no module state a workflow changes. The full sandbox still checks them where histories
# are replayed (daftar/audit/replay.py and the suite's replays), so a workflow that reached
# for the clock, randomness or I/O fails there.
RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("daftar"))


def sms_provider(settings: Settings, sessions: SessionFactory) -> SmsProvider:
    """The SMS provider `DAFTAR_SMS_PROVIDER` chooses (NOTE-1).

    `local` stores each message in the database (`sms_local`, shown in the console);
    `kavenegar` sends through Kavenegar's REST API and needs `DAFTAR_KAVENEGAR_API_KEY`
    (a `SettingsError` naming it otherwise).
    """
    return choose_provider(settings, local=lambda: LocalSmsProvider(sessions))


class Workers:
    """daftar's two workers in one process, run and stopped together.

    `main` serves `task_queue`: the workflows, their records and NOTE-1's SMS (started at
    once in the worker that schedules them while it has a slot free). `cycle` serves
    ExamCycleWorkflow's activities on a queue of their own, with slots of their own
    (daftar.contracts.cycle.cycle_queue): the SMS a registration rush leaves queued, tens of
    thousands, or a provider that hangs with every slot, never hold up a publication, a
    launch round, an amendment, the seats or the close.
    """

    def __init__(self, main: Worker, cycle: Worker) -> None:
        self.main, self.cycle = main, cycle
        self._running: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """Run both until `shutdown`.

        If either stops or fails, the other is shut down too, and the error raised.
        """
        tasks = [asyncio.create_task(w.run()) for w in (self.main, self.cycle)]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await asyncio.gather(self.main.shutdown(), self.cycle.shutdown(),
                                 return_exceptions=True)
            for done in await asyncio.gather(*tasks, return_exceptions=True):
                if isinstance(done, BaseException):
                    raise done

    async def shutdown(self) -> None:
        """Stop polling; running activities get the grace the workers were built with."""
        await asyncio.gather(self.main.shutdown(), self.cycle.shutdown())

    async def __aenter__(self) -> Workers:
        self._running = asyncio.create_task(self.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.shutdown()
        if self._running is not None:
            await self._running


def build_worker(client: Client, *, task_queue: str, sessions: SessionFactory,
                 executor: ThreadPoolExecutor, fan_out_page: int = 500,
                 fan_out_concurrency: int = FAN_OUT_IN_FLIGHT,
                 graceful_shutdown_timeout: timedelta = timedelta(0),
                 settings: Settings | None = None, sms: SmsProvider | None = None) -> Workers:
    """The workers of all of daftar's workflows and activities (`Workers`).

    The workflows and their activities on `task_queue`, the cycle's activities on the cycle's
    queue beside it. On shutdown, running activities get `graceful_shutdown_timeout` to
    finish. SMS go through `sms`, or the provider `settings` (by default the environment's)
    choose, at most `sms_per_number_per_hour` to one number.
    """
    settings = settings or load_settings()
    notices = NoticeActivities(sessions, sms or sms_provider(settings, sessions),
                               per_hour=settings.sms_per_number_per_hour)
    records = RecordActivities(sessions)
    cohort = CohortActivities(client, sessions, concurrency=fan_out_concurrency,
                              page_size=fan_out_page)
    amendments = AmendmentActivities(client, sessions, concurrency=fan_out_concurrency,
                                     page_size=fan_out_page)
    exam = ExamActivities(client, sessions, concurrency=fan_out_concurrency,
                          page_size=fan_out_page)
    closing = ClosingActivities(client, sessions, concurrency=fan_out_concurrency,
                                page_size=fan_out_page)
    # The worker reads what anyone may have sent to Temporal: its codec marks a payload it
    # cannot open instead of failing the workflow task. It keeps the client's interceptors,
    # so the seal check (daftar.core.seal) runs in every workflow.
    config = client.config()
    if not any(isinstance(i, SealInterceptor) for i in config["interceptors"]):
        raise ValueError("a worker checks every message's seal: build it from a client made "
                         "by daftar.gateway.temporal.connect (or one with "
                         "daftar.core.seal.SealInterceptor)")
    config["data_converter"] = worker_converter(client.data_converter)
    cycle_activities: list[Callable[..., Any]] = [
        cohort.publish_results, cohort.allocate_round, cohort.send_offices, cohort.finish_round,
        amendments.store_amendment, amendments.propagate_amendment,
        exam.send_seats, exam.mark_absent, closing.close_records]
    worker_client = Client(**config)
    main = Worker(
        worker_client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        workflow_runner=RUNNER,
        # The cycle's activities too: those scheduled here before they had a queue of their own.
        activities=[records.record_application, records.record_escalation, records.take_seat,
                    notices.send_notice, *cycle_activities],
        activity_executor=executor,
        max_concurrent_activities=16,
        graceful_shutdown_timeout=graceful_shutdown_timeout,
    )
    cycle = Worker(
        worker_client,
        task_queue=cycle_queue(task_queue),
        activities=cycle_activities,
        activity_executor=executor,
        max_concurrent_activities=CYCLE_ACTIVITIES,
        graceful_shutdown_timeout=graceful_shutdown_timeout,
    )
    return Workers(main, cycle)
