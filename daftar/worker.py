"""The Temporal worker: ApplicantWorkflow and the activities that record it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from daftar.activities.records import RecordActivities
from daftar.store.db import SessionFactory
from daftar.workflows.applicant import ApplicantWorkflow

WORKFLOWS = [ApplicantWorkflow]


def build_worker(client: Client, *, task_queue: str, sessions: SessionFactory,
                 executor: ThreadPoolExecutor) -> Worker:
    """A worker for all of daftar's workflows and activities on `task_queue`."""
    records = RecordActivities(sessions)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[records.record_application, records.record_escalation],
        activity_executor=executor,
        max_concurrent_activities=16,
    )
