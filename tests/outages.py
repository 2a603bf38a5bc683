"""Servers a test runs itself: a private Temporal dev server on a SQLite file and a private
PostgreSQL cluster, both of which it may stop and start (the session-wide ones stay
untouched), and an API served by uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import uvicorn

from daftar.commands.devstack import start_temporal
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


async def serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    """Serve `app` on a free loopback port: the server, its task and its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_config=None, log_level="warning"))
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn exited at start"
        await asyncio.sleep(0.05)
    return server, task, f"http://127.0.0.1:{port}"
