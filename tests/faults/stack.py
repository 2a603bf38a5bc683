"""One private stack per fault-test module, everything on loopback: a Temporal dev server on its
own SQLite file, `daftar worker` as a separate process (so it can be killed with SIGKILL), the
API in this process, and a read model the caller chooses (a SQLite file, or a private
PostgreSQL cluster that the test may stop). Also the walk every scenario shares: applicants
walking the path while the test breaks something under them."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from temporalio.client import Client
from temporalio.service import RPCError

from daftar.app import create_app
from daftar.commands.reconcile.check import reconcile
from daftar.commands.reconcile.report import Reconciliation
from daftar.core.settings import Settings, new_codec_key
from daftar.gateway.temporal import connect
from daftar.store.db import SessionFactory, make_engine, session_factory
from tests.api.helpers import open_cycle
from tests.faults.driver import REQUESTS_PER_PATH, Walk
from tests.outages import PrivateTemporal, WorkerProcess, wait_for_port, worker_env
from tests.stacks import api_settings, serving

T = TypeVar("T")


async def bounded(work: Awaitable[T], seconds: float,
                  progress: Callable[[], object] = lambda: "") -> T:
    """`work`, or a clear failure once `seconds` have passed (a fault test never hangs)."""
    try:
        return await asyncio.wait_for(work, timeout=seconds)
    except TimeoutError:
        raise AssertionError(f"the scenario did not finish within {seconds} s; "
                             f"{progress()}") from None


@dataclass
class FaultStack:
    """A running stack a test may break: its server, workers, API client and read model."""

    root: Path
    temporal: PrivateTemporal
    settings: Settings
    env: dict[str, str]
    api: httpx.AsyncClient
    client: Client
    engine: Engine
    workers: list[WorkerProcess] = field(default_factory=list)

    @property
    def sessions(self) -> SessionFactory:
        return session_factory(self.engine)

    @property
    def worker(self) -> WorkerProcess:
        return self.workers[-1]

    async def new_worker(self) -> WorkerProcess:
        worker = WorkerProcess(self.env, self.root / f"worker-{len(self.workers) + 1}.log")
        self.workers.append(worker)
        await worker.start()
        return worker

    async def reconcile(self, year: int) -> Reconciliation:
        return await reconcile(self.client, self.sessions, year)

    async def converged(self, year: int, seconds: float = 60) -> Reconciliation:
        """The first drift-free reconciliation; fails with the last report if none comes."""
        last = ["no reconciliation could run"]
        for _ in range(int(seconds)):
            try:
                report = await self.reconcile(year)
            except (SQLAlchemyError, RPCError, RuntimeError) as err:  # still coming back
                last = [f"{type(err).__name__}: {err}"]
            else:
                if report.clean:
                    return report
                last = report.lines()
            await asyncio.sleep(1)
        raise AssertionError("the read model never converged:\n" + "\n".join(last))


async def until_temporal_answers(settings: Settings, seconds: float = 30) -> Client:
    """A client, once the server that was just started accepts one."""
    for _ in range(int(seconds / 0.2)):
        with contextlib.suppress(RuntimeError):  # "Failed client connect"
            return await connect(settings)
        await asyncio.sleep(0.2)
    raise AssertionError(f"Temporal at {settings.temporal_address} did not answer")


@contextlib.asynccontextmanager
async def fault_stack(root: Path, database_url: str | None = None,
                      **env: str) -> AsyncIterator[FaultStack]:
    """Temporal, a first worker (which migrates the read model) and the API, all running, in
    `root`; the read model at `database_url` (a SQLite file in `root` by default). `env` adds
    to or replaces the worker processes' environment."""
    database_url = database_url or f"sqlite:///{root / 'read.db'}"
    temporal = PrivateTemporal(root)
    temporal.start()
    codec_keys = new_codec_key("faults")
    settings = api_settings(
        f"faults-{uuid.uuid4().hex[:8]}", codec_keys=codec_keys, database_url=database_url,
        data_dir=root, temporal_address=temporal.address)
    workers_env = worker_env(temporal, database_url, codec_keys, settings.task_queue, **{
        "DAFTAR_WORKER_METRICS_ADDRESS": "", "DAFTAR_SHUTDOWN_GRACE_SECONDS": "5",
        # The applicants share one number: their notices (NOTE-1) must not wait for its limit.
        "DAFTAR_SMS_PER_NUMBER_PER_HOUR": "0",
        "DAFTAR_DATA_DIR": str(root), **env})
    engine = make_engine(database_url)
    stack: FaultStack | None = None
    try:
        await asyncio.to_thread(wait_for_port, temporal.port)
        client = await until_temporal_answers(settings)
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(timeout=60, limits=limits) as api:
            stack = FaultStack(root, temporal, settings, workers_env, api, client, engine)
            await stack.new_worker()
            async with serving(create_app(settings)) as base:
                api.base_url = httpx.URL(base)
                yield stack
    finally:
        for worker in stack.workers if stack else []:
            await worker.stop()
        temporal.stop()
        engine.dispose()


async def walk_through(stack: FaultStack, walk: Walk, year: int, applicants: int, at: float,
                       fault: Callable[[], Awaitable[None]]) -> tuple[int, list[str]]:
    """Open cycle `year` for `applicants` and walk each along the whole path; once `at` (a
    share) of all their requests are applied, break something with `fault`. How many were
    mid-path when it struck, and the applications once every walk has ended."""
    await open_cycle(stack.api, year, capacity=applicants, engine=stack.engine)
    walkers = [asyncio.create_task(walk.path(stack.api, year)) for _ in range(applicants)]
    try:
        await walk.reached(int(applicants * REQUESTS_PER_PATH * at), walkers)
        mid_path = walk.mid_path()
        await fault()
        return mid_path, list(await asyncio.gather(*walkers))
    finally:
        for w in walkers:
            w.cancel()
