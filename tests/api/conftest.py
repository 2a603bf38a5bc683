"""End-to-end API harness: a real Temporal dev server, worker, SQLite read model and uvicorn.

Everything is real and shared by the session: tests talk to the API over HTTP only (and to
Temporal's visibility for the search-attribute check).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from tests.api.helpers import YEAR, Stack, open_cycle
from tests.conftest import read_model
from tests.stacks import running_stack


@pytest.fixture(scope="session")
def temporal_env(dev_server: WorkflowEnvironment) -> WorkflowEnvironment:
    return dev_server


@pytest.fixture(scope="session")
def read_engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    with read_model(read_model_url("api")) as engine:
        yield engine


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


@pytest.fixture(scope="session")
async def cycle(api: httpx.AsyncClient, stack: Stack) -> int:
    """Cycle YEAR, its registration window holding today in Tehran, with a pass mark
    (EXAM-2) for single candidates' exam results; created once."""
    created = await open_cycle(api, YEAR, "Tehran", "Isfahan", capacity=50, engine=stack.engine)
    assert created["phase"] == "registration"
    return YEAR
