"""End-to-end API harness: a real Temporal dev server, worker, SQLite read model and uvicorn.

Everything is real and shared by the session: tests talk to the API over HTTP only (and to
Temporal's visibility for the search-attribute check).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from daftar.app import create_app
from daftar.core.settings import Settings
from daftar.domain import jalali
from daftar.domain.stages import Role
from daftar.store.db import create_schema, make_engine, session_factory
from daftar.worker import build_worker
from tests.api.helpers import FEE, ID_KEY, SECRET, YEAR, Stack, auth, load_pass_mark
from tests.conftest import TEST_CODEC_KEYS, free_port


@pytest.fixture(scope="session")
def temporal_env(dev_server: WorkflowEnvironment) -> WorkflowEnvironment:
    return dev_server


@pytest.fixture(scope="session")
def read_engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    engine = make_engine(read_model_url("api"))
    create_schema(engine)
    yield engine
    engine.dispose()


async def _wait_until_up(base_url: str, server_task: asyncio.Task[None]) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as client:
        for _ in range(200):
            if server_task.done():
                raise RuntimeError("uvicorn exited before answering /healthz")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.05)
    raise RuntimeError("the API did not answer /healthz within 10 s")


@contextlib.asynccontextmanager
async def running_stack(env: WorkflowEnvironment, engine: Engine, *, queue_prefix: str,
                        id_key: str = ID_KEY) -> AsyncIterator[Stack]:
    """A worker on a task queue of its own and the API (console included) under uvicorn,
    over `env`'s Temporal and `engine`'s read model, until the block ends."""
    task_queue = f"{queue_prefix}-{uuid.uuid4().hex[:8]}"
    settings = Settings(jwt_secret=SecretStr(SECRET), id_key=SecretStr(id_key),
                        codec_keys=SecretStr(TEST_CODEC_KEYS), task_queue=task_queue)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(env.client, task_queue=task_queue,
                              sessions=session_factory(engine), executor=executor)
        async with worker:
            app = create_app(settings, client=env.client, engine=engine)
            port = free_port()
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                   log_config=None, log_level="warning"))
            # Leave pytest's signal handlers alone.
            server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
            server_task = asyncio.create_task(server.serve())
            base_url = f"http://127.0.0.1:{port}"
            try:
                await _wait_until_up(base_url, server_task)
                yield Stack(env=env, engine=engine, task_queue=task_queue, base_url=base_url)
            finally:
                server.should_exit = True
                await server_task


@pytest.fixture(scope="session")
async def stack(temporal_env: WorkflowEnvironment, read_engine: Engine) -> AsyncIterator[Stack]:
    """Worker and API running for the whole session."""
    async with running_stack(temporal_env, read_engine, queue_prefix="daftar-api") as running:
        yield running


@pytest.fixture(scope="session")
async def api(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the running API."""
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=60, limits=limits) as client:
        yield client


def registration_window(today: jalali.JalaliDate) -> tuple[str, str]:
    """From three days before `today` to ten days after, as Jalali `YYYY/MM/DD`."""
    day = jalali.to_gregorian(today)
    return (str(jalali.from_gregorian(day - timedelta(days=3))),
            str(jalali.from_gregorian(day + timedelta(days=10))))


@pytest.fixture(scope="session")
async def cycle(api: httpx.AsyncClient, stack: Stack) -> int:
    """Cycle YEAR, its registration window holding today in Tehran, with a pass mark
    (EXAM-2) for single candidates' exam results; created once."""
    start, end = registration_window(jalali.business_day(datetime.now(UTC)))
    body = {
        "year": YEAR, "registration_start": start, "registration_end": end,
        "fee_rials": FEE,
        "cities": [
            {"province": "Tehran", "city": "Tehran", "capacity": 50, "priority": 1},
            {"province": "Isfahan", "city": "Isfahan", "capacity": 50, "priority": 2},
        ],
    }
    r = await api.post("/v1/cycles", json=body, headers=auth(Role.admin))
    assert r.status_code == 201, r.text
    assert r.json()["phase"] == "registration"
    load_pass_mark(stack.engine, YEAR)
    return YEAR
