"""One private stack per fault-test module, everything on loopback: a Temporal dev server on its
own SQLite file, `daftar worker` as a separate process (so it can be killed with SIGKILL), the
API in this process, and a read model the caller chooses (a SQLite file, or a private
PostgreSQL cluster that the test may stop)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from temporalio.client import Client
from temporalio.service import RPCError

from daftar.app import create_app
from daftar.commands.reconcile.check import reconcile
from daftar.commands.reconcile.report import Reconciliation
from daftar.core.settings import Settings, new_codec_key
from daftar.domain import jalali
from daftar.domain.stages import Role
from daftar.gateway.temporal import connect
from daftar.store.db import SessionFactory, make_engine, session_factory
from tests.api.conftest import registration_window
from tests.api.helpers import FEE, ID_KEY, SECRET, auth, load_pass_mark
from tests.outages import PrivateTemporal, serve, wait_for_port

T = TypeVar("T")


async def bounded(work: Awaitable[T], seconds: float,
                  progress: Callable[[], object] = lambda: "") -> T:
    """`work`, or a clear failure once `seconds` have passed (a fault test never hangs)."""
    try:
        return await asyncio.wait_for(work, timeout=seconds)
    except TimeoutError:
        raise AssertionError(f"the scenario did not finish within {seconds} s; "
                             f"{progress()}") from None


class WorkerProcess:
    """`daftar worker` configured by environment variables; its JSON log goes to a file (a
    pipe nobody reads would fill up and stall it)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", "from daftar.commands import main; main()", "worker",
                env=self.env, stdout=asyncio.subprocess.DEVNULL, stderr=out)
        for _ in range(600):
            if "worker started" in self.events():
                return
            assert self.proc.returncode is None, f"the worker exited: {self.log.read_text()}"
            await asyncio.sleep(0.05)
        raise AssertionError(f"the worker did not start in 30 s: {self.log.read_text()}")

    def records(self) -> list[dict[str, Any]]:
        """Every JSON line logged so far."""
        out = []
        for line in self.log.read_text().splitlines():
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
        return out

    def events(self) -> list[str]:
        return [r.get("event", "") for r in self.records()]

    async def kill(self) -> int:
        """SIGKILL: no draining, no goodbye to the server; what it held is lost mid-flight."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        return await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout=30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


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


def stack_env(temporal: PrivateTemporal, database_url: str, codec_keys: str,
              task_queue: str, data_dir: Path) -> dict[str, str]:
    """The environment of a `daftar` process of this stack, and nothing of the caller's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DAFTAR_") and k != "DATABASE_URL"}
    return env | {
        "DAFTAR_TEMPORAL_ADDRESS": temporal.address, "DATABASE_URL": database_url,
        "DAFTAR_JWT_SECRET": SECRET, "DAFTAR_ID_KEY": ID_KEY, "DAFTAR_CODEC_KEYS": codec_keys,
        "DAFTAR_TASK_QUEUE": task_queue, "DAFTAR_LOG_FORMAT": "json",
        "DAFTAR_WORKER_METRICS_ADDRESS": "", "DAFTAR_SHUTDOWN_GRACE_SECONDS": "5",
        "DAFTAR_DATA_DIR": str(data_dir)}


@contextlib.asynccontextmanager
async def fault_stack(root: Path, database_url: str) -> AsyncIterator[FaultStack]:
    """Temporal, a first worker (which migrates the read model) and the API, all running."""
    temporal = PrivateTemporal(root)
    temporal.start()
    codec_keys = new_codec_key("faults")
    env = stack_env(temporal, database_url, codec_keys, f"faults-{uuid.uuid4().hex[:8]}", root)
    settings = Settings(
        jwt_secret=SecretStr(SECRET), id_key=SecretStr(ID_KEY),
        codec_keys=SecretStr(codec_keys), database_url=database_url, data_dir=root,
        temporal_address=temporal.address, task_queue=env["DAFTAR_TASK_QUEUE"])
    engine = make_engine(database_url)
    server = task = None
    stack: FaultStack | None = None
    try:
        await asyncio.to_thread(wait_for_port, temporal.port)
        client = await until_temporal_answers(settings)
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(timeout=60, limits=limits) as api:
            stack = FaultStack(root, temporal, settings, env, api, client, engine)
            await stack.new_worker()
            server, task, base = await serve(create_app(settings))
            api.base_url = httpx.URL(base)
            yield stack
    finally:
        if server is not None and task is not None:
            server.should_exit = True
            await task
        for worker in stack.workers if stack else []:
            await worker.stop()
        temporal.stop()
        engine.dispose()


async def create_cycle(api: httpx.AsyncClient, year: int, capacity: int,
                       engine: Engine | None = None) -> None:
    """A cycle whose registration window holds today, with room for every applicant; with
    `engine` (the stack's read model), a pass mark for single candidates' exam results."""
    start, end = registration_window(jalali.business_day(datetime.now(UTC)))
    r = await api.post("/v1/cycles", headers=auth(Role.admin), json={
        "year": year, "registration_start": start, "registration_end": end, "fee_rials": FEE,
        "cities": [{"province": "Tehran", "city": "Tehran", "capacity": capacity,
                    "priority": 1}]})
    assert r.status_code == 201, r.text
    if engine is not None:
        load_pass_mark(engine, year)
