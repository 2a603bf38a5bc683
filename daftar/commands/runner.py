"""`daftar worker`: the worker process, which drains on SIGTERM instead of dropping work."""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import structlog
from temporalio.client import Client

from daftar.core.settings import Settings
from daftar.core.telemetry import worker_runtime
from daftar.gateway.temporal import connect, register_search_attributes
from daftar.store.db import create_schema, make_engine, session_factory
from daftar.worker import build_worker

log = structlog.get_logger("daftar.worker")

#: Longest pause between attempts to reach Temporal at start-up.
MAX_CONNECT_BACKOFF = 10.0


async def connect_with_retry(settings: Settings, stop: asyncio.Event) -> Client | None:
    """Connect, waiting for Temporal if it is not up yet (a deploy may start us first).

    None if asked to stop meanwhile.
    """
    runtime = worker_runtime(settings.worker_metrics_address)
    delay = 0.5
    while not stop.is_set():
        try:
            return await connect(settings, runtime=runtime)
        except RuntimeError as err:  # the SDK's "Failed client connect"
            log.warning("temporal unreachable; retrying", address=settings.temporal_address,
                        retry_in=delay, error=str(err).splitlines()[0])
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                delay = min(delay * 2, MAX_CONNECT_BACKOFF)
    return None


async def run_worker(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then stop polling and let running tasks finish.

    They get up to `shutdown_grace_seconds`: what was not finished by then is retried by the next
    worker.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    engine = make_engine(settings.db_url)
    create_schema(engine)
    client = await connect_with_retry(settings, stop)
    if client is None:
        engine.dispose()
        return
    await register_search_attributes(client, settings.temporal_namespace)
    grace = timedelta(seconds=settings.shutdown_grace_seconds)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, task_queue=settings.task_queue,
                              sessions=session_factory(engine), executor=executor,
                              graceful_shutdown_timeout=grace)
        running = asyncio.create_task(worker.run())
        log.info("worker started", task_queue=settings.task_queue,
                 namespace=settings.temporal_namespace,
                 metrics=settings.worker_metrics_address or None)
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("draining: no new tasks; running ones may finish",
                     grace_seconds=settings.shutdown_grace_seconds)
            await worker.shutdown()
        stopping.cancel()
        await running
    engine.dispose()
    log.info("worker stopped")
