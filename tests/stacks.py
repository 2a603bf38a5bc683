"""What the end-to-end tests run: daftar's worker, an app under uvicorn, and the two together
(an API+worker stack), all with the tests' secrets, codec keys and seals.

Every test that runs a worker in this process builds it with `running_worker`; every test that
serves an app over HTTP serves it with `serving`; the shared and the private API+worker stacks
are `running_stack` with their own parameters.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from daftar.app import KEEP_ALIVE_SECONDS, create_app
from daftar.core.settings import Settings
from daftar.store.db import session_factory
from daftar.store.objects import FileSystemStore
from daftar.worker import Workers, build_worker
from tests.api.helpers import ID_KEY, SECRET, Stack
from tests.conftest import TEST_CODEC_KEYS, free_port


@functools.cache
def scratch_data_dir() -> Path:
    """The data directory of tests' apps that name none: a temporary one for this process
    (removed at exit), so their object store never writes into the working directory."""
    path = Path(tempfile.mkdtemp(prefix="daftar-test-data-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def api_settings(task_queue: str, *, secret: str = SECRET, id_key: str = ID_KEY,
                 codec_keys: str | None = TEST_CODEC_KEYS, **fields: Any) -> Settings:
    """The settings of a test's API (or worker) on `task_queue`: the tests' signing secret,
    identity key and codec keys unless given, a temporary data directory (and so object
    store) unless given, and any other `fields` of `Settings`."""
    if codec_keys is not None:
        fields["codec_keys"] = SecretStr(codec_keys)
    fields.setdefault("data_dir", scratch_data_dir())
    return Settings(jwt_secret=SecretStr(secret), id_key=SecretStr(id_key),
                    task_queue=task_queue, **fields)


@contextlib.asynccontextmanager
async def running_worker(client: Client, engine: Engine, *, task_queue: str,
                         max_workers: int = 16, **options: Any) -> AsyncIterator[Workers]:
    """daftar's workers on `task_queue` (and its SMS on the notices' queue beside it),
    recording into `engine`'s read model, until the block ends. They keep `client`'s codec
    and seals (the tests' clients are made with `tests.conftest.TEST_KEYRING` and `SEALED`);
    `options` go to `build_worker`. Their notices (NOTE-1) have no hourly limit per number:
    the tests' applicants share one number (tests.store.test_notices tests the limit)."""
    options.setdefault("settings", Settings(sms_per_number_per_hour=0))
    with ThreadPoolExecutor(max_workers=max_workers) as executor:
        worker = build_worker(client, task_queue=task_queue, sessions=session_factory(engine),
                              executor=executor, **options)
        async with worker:
            yield worker


@contextlib.asynccontextmanager
async def serving(app: Any, *, port: int | None = None) -> AsyncIterator[str]:
    """`app` under uvicorn on a loopback port (a free one unless given), started, until the
    block ends: its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_config=None, log_level="warning",
                                           timeout_keep_alive=KEEP_ALIVE_SECONDS))
    # Leave pytest's signal handlers alone.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(600):
            if server.started:
                break
            assert not task.done(), "uvicorn exited at start"
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("uvicorn did not start within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def running_stack(env: WorkflowEnvironment, engine: Engine, *, queue_prefix: str,
                        id_key: str = ID_KEY, worker: bool = True, port: int | None = None,
                        **settings: Any) -> AsyncIterator[Stack]:
    """A worker on a task queue of its own (none with `worker=False`: a queue nobody polls)
    and the API (console included) under uvicorn, over `env`'s Temporal and `engine`'s read
    model, until the block ends. `port`: the API's (a free one unless given); `settings`:
    other fields of the API's `Settings` (e.g. an OpenID provider's)."""
    task_queue = f"{queue_prefix}-{uuid.uuid4().hex[:8]}"
    objects = FileSystemStore(Path(tempfile.mkdtemp(prefix="daftar-objects-")))
    app = create_app(api_settings(task_queue, id_key=id_key, **settings), client=env.client,
                     engine=engine, objects=objects)
    async with contextlib.AsyncExitStack() as running:
        running.callback(shutil.rmtree, objects.root, ignore_errors=True)
        if worker:
            await running.enter_async_context(
                running_worker(env.client, engine, task_queue=task_queue))
        base_url = await running.enter_async_context(serving(app, port=port))
        yield Stack(env=env, engine=engine, task_queue=task_queue, base_url=base_url,
                    objects=objects)
