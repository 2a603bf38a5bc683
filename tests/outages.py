"""Processes a test runs itself: a private Temporal dev server on a SQLite file and a private
PostgreSQL cluster, both of which it may stop and start (the session-wide ones stay
untouched), and `daftar worker` as production runs it, which it may stop or kill."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from daftar.commands.devstack import start_temporal
from tests.api.helpers import ID_KEY, SECRET
from tests.conftest import free_port


class PrivateTemporal:
    """`temporal server start-dev` on a file of its own; restarts keep its data and port."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.ui_port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = start_temporal(self.root, port=self.port, ui_port=self.ui_port)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (trust auth, loopback only) that can be stopped."""

    def __init__(self) -> None:
        self.bin = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True,
                                       text=True, check=True).stdout.strip())
        self.root = Path(tempfile.mkdtemp(prefix="daftar-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        # The server refuses to run as root: run it as the `postgres` account then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True,
                       capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for_port(port: int, timeout: float = 30) -> None:
    """Until something accepts connections on the loopback `port`."""
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout} s")


def worker_env(temporal: PrivateTemporal, database_url: str, codec_keys: str, task_queue: str,
               **overrides: str) -> dict[str, str]:
    """The environment of a `daftar` process over `temporal` and `database_url`, with the
    tests' secrets, and nothing of the caller's own `DAFTAR_` settings; `overrides` last."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DAFTAR_") and k != "DATABASE_URL"}
    return env | {
        "DAFTAR_TEMPORAL_ADDRESS": temporal.address, "DATABASE_URL": database_url,
        "DAFTAR_JWT_SECRET": SECRET, "DAFTAR_ID_KEY": ID_KEY, "DAFTAR_CODEC_KEYS": codec_keys,
        "DAFTAR_TASK_QUEUE": task_queue, "DAFTAR_LOG_FORMAT": "json"} | overrides


class WorkerProcess:
    """`daftar worker` configured by environment variables only; its JSON log goes to a file
    (a pipe nobody reads would fill up and stall it)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start it and wait until it logs that it polls (it migrates the read model first)."""
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

    async def terminate(self) -> int:
        """SIGTERM, as an orchestrator stops it: its exit code once it has drained."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), timeout=60)

    async def stop(self) -> None:
        """SIGTERM if it still runs, SIGKILL if it has not exited 30 s later."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout=30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
