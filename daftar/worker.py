"""The Temporal worker: daftar's workflows and their activities."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from daftar.activities.amendments import AmendmentActivities
from daftar.activities.cohort import CohortActivities
from daftar.activities.corrections import ClosingActivities
from daftar.activities.exam_sessions import ExamActivities
from daftar.activities.notices import NoticeActivities
from daftar.activities.records import RecordActivities
from daftar.core.codec import worker_converter
from daftar.core.seal import SealInterceptor
from daftar.core.settings import Settings, load_settings
from daftar.core.sms import SmsProvider, choose_provider
from daftar.store.db import SessionFactory
from daftar.store.notices import LocalSmsProvider
from daftar.workflows.registry import WORKFLOWS

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


def build_worker(client: Client, *, task_queue: str, sessions: SessionFactory,
                 executor: ThreadPoolExecutor, fan_out_page: int = 500,
                 fan_out_concurrency: int = 64,
                 graceful_shutdown_timeout: timedelta = timedelta(0),
                 settings: Settings | None = None, sms: SmsProvider | None = None) -> Worker:
    """A worker for all of daftar's workflows and activities on `task_queue`.

    On shutdown, running activities get `graceful_shutdown_timeout` to finish. SMS go through
    `sms`, or the provider `settings` (by default the environment's) choose, at most
    `sms_per_number_per_hour` to one number.
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
    return Worker(
        Client(**config),
        task_queue=task_queue,
        workflows=WORKFLOWS,
        workflow_runner=RUNNER,
        activities=[records.record_application, records.record_escalation, records.take_seat,
                    cohort.publish_results, cohort.allocate_round, cohort.send_offices,
                    amendments.store_amendment, amendments.propagate_amendment,
                    exam.send_seats, exam.mark_absent, closing.close_records,
                    notices.send_notice],
        activity_executor=executor,
        max_concurrent_activities=16,
        graceful_shutdown_timeout=graceful_shutdown_timeout,
    )
