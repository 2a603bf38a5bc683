"""Each fault-test module's own private stack, for the module to break: a module chooses its
read model by overriding `fault_database_url` (a SQLite file in the stack's directory by
default)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.faults.stack import FaultStack, fault_stack


@pytest.fixture(scope="module")
def fault_database_url() -> str | None:
    """The read model of the module's stack: None, a SQLite file beside its Temporal."""
    return None


@pytest.fixture(scope="module")
async def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                fault_database_url: str | None) -> AsyncIterator[FaultStack]:
    """Temporal, a worker process and the API, private to the module."""
    name = request.module.__name__.rpartition(".")[2]
    async with fault_stack(tmp_path_factory.mktemp(name), fault_database_url) as s:
        yield s
