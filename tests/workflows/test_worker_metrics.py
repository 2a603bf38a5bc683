"""The worker's Temporal SDK metrics, scraped from the Prometheus endpoint `worker_runtime`
opens: task latencies, schedule-to-start and slots, under the names dashboards will use.

On the dev server: the time-skipping server would do, but a real server's task queues give
schedule-to-start latencies their ordinary meaning.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from daftar.core.telemetry import worker_runtime
from tests.conftest import SEALED, free_port
from tests.stacks import running_worker
from tests.workflows.conftest import Harness
from tests.workflows.steps import exam, register

#: Each wanted series and the sample that must be there, above zero: with `worker_runtime`'s
#: options durations are `_seconds` and counters `_total`. (Activity schedule-to-start,
#: `temporal_activity_schedule_to_start_latency_seconds`, appears once a regular activity runs;
#: this path runs local ones only.)
WANTED = {
    "temporal_workflow_task_schedule_to_start_latency_seconds": "_count",
    "temporal_workflow_task_execution_latency_seconds": "_count",
    "temporal_workflow_task_replay_latency_seconds": "_count",
    "temporal_local_activity_execution_latency_seconds": "_count",
    "temporal_worker_task_slots_available": "",
    "temporal_request_latency_seconds": "_count",
    "temporal_request": "_total",
}


def test_no_address_means_no_runtime() -> None:
    assert worker_runtime("") is None


async def scrape(port: int) -> dict[str, float]:
    """Every sample summed over its labels, by sample name."""
    async with httpx.AsyncClient(timeout=5) as http:
        r = await http.get(f"http://127.0.0.1:{port}/metrics")
    assert r.status_code == 200
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            totals[sample.name] = totals.get(sample.name, 0.0) + sample.value
    return totals


async def test_worker_exports_task_latencies_and_slots(dev_server: WorkflowEnvironment,
                                                      engine: Engine) -> None:
    port = free_port()
    runtime = worker_runtime(f"127.0.0.1:{port}")
    assert runtime is not None
    # Its own client: the SDK's metrics belong to the runtime the client was made with.
    client = await Client.connect(
        dev_server.client.service_client.config.target_host,
        namespace=dev_server.client.namespace,
        data_converter=dev_server.client.data_converter, interceptors=SEALED, runtime=runtime)
    harness = Harness(env=dev_server, engine=engine, task_queue=f"met-{uuid.uuid4().hex[:8]}")
    async with running_worker(client, engine, task_queue=harness.task_queue):
        h = await harness.start()
        await register(h)
        await exam(h)
        totals = await scrape(port)
        for _ in range(50):  # bounded: the exporter may lag the last task by a moment
            if all(totals.get(name + kind, 0) > 0 for name, kind in WANTED.items()):
                break
            await asyncio.sleep(0.1)
            totals = await scrape(port)
        await harness.stop_all()
    missing = {name + kind for name, kind in WANTED.items()
               if not totals.get(name + kind, 0) > 0}
    assert not missing, f"not exported (or zero): {sorted(missing)}; got {sorted(totals)}"
    # Gauges that are zero at rest, but must be there for the slot dashboards.
    assert {"temporal_worker_task_slots_used", "temporal_num_pollers"} <= set(totals)
