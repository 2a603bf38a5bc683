"""Alembic migrations of the read model, on SQLite and on PostgreSQL, each on a new database."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, event, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from daftar.store.db import (
    BASELINE_REVISION,
    SchemaMismatchError,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    migrate,
)
from daftar.store.models import CycleRecord
from tests.conftest import POSTGRES_ADMIN_URL

WRITES = re.compile(r"^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    name = f"daftar_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    """An engine on an empty database of its own: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'read.db'}")
        yield engine
        engine.dispose()
        return
    with postgres_database() as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def differences(engine: Engine) -> list[Any]:
    """Alembic's diff of the database against the models, comparing column types too."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def table_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def version_rows(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def add_cycle(engine: Engine, year: int) -> None:
    with Session(engine) as session:
        session.add(CycleRecord(year=year, config={"fee": 1}, created_at=datetime.now(UTC)))
        session.commit()


def cycle_years(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT year FROM cycles ORDER BY year")).scalars())


def test_migrated_schema_equals_the_models(fresh_engine: Engine) -> None:
    migrate(fresh_engine)
    assert table_names(fresh_engine) == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert differences(fresh_engine) == []


def test_migrating_again_changes_nothing(fresh_engine: Engine) -> None:
    migrate(fresh_engine)
    add_cycle(fresh_engine, 1404)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(fresh_engine, "before_cursor_execute", record)
    try:
        migrate(fresh_engine)
    finally:
        event.remove(fresh_engine, "before_cursor_execute", record)
    assert statements  # the listener saw the second run look at the database
    assert [s for s in statements if WRITES.match(s)] == []
    assert current_revision(fresh_engine) == head_revision()
    assert version_rows(fresh_engine) == [head_revision()]
    assert cycle_years(fresh_engine) == [1404]


def test_downgrade_to_base_then_upgrade_again(fresh_engine: Engine) -> None:
    migrate(fresh_engine)
    with fresh_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert table_names(fresh_engine) <= {"alembic_version"}
    assert current_revision(fresh_engine) is None
    migrate(fresh_engine)
    assert current_revision(fresh_engine) == head_revision()
    assert differences(fresh_engine) == []


def create_all_before_migrations(engine: Engine) -> None:
    """The schema `SQLModel.metadata.create_all` made before migrations existed: the baseline
    revision's tables, with no revision recorded (later models have more)."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE_REVISION)
        conn.execute(text("DROP TABLE alembic_version"))


def test_database_from_create_all_is_adopted_with_its_rows(fresh_engine: Engine) -> None:
    create_all_before_migrations(fresh_engine)
    add_cycle(fresh_engine, 1403)
    assert current_revision(fresh_engine) is None
    migrate(fresh_engine)
    assert current_revision(fresh_engine) == head_revision()
    assert version_rows(fresh_engine) == [head_revision()]
    assert cycle_years(fresh_engine) == [1403]
    assert differences(fresh_engine) == []


def test_database_from_create_all_that_differs_is_refused(fresh_engine: Engine) -> None:
    create_all_before_migrations(fresh_engine)
    with fresh_engine.begin() as conn:
        conn.execute(text("ALTER TABLE photos ADD COLUMN note VARCHAR(10)"))
    for _ in range(2):  # refused again on the next start, not failing some other way
        with pytest.raises(SchemaMismatchError) as refused:
            migrate(fresh_engine)
        removals = {(d[2], d[3].name) for d in refused.value.differences
                    if isinstance(d, tuple) and d[0] == "remove_column"
                    and isinstance(d[3], Column)}
        assert removals == {("photos", "note")}
        assert current_revision(fresh_engine) is None


def test_concurrent_migrations_on_postgresql_take_turns() -> None:
    with postgres_database() as url:
        # A lock wait that never ends (the deadlock this test exists to catch) fails instead.
        engines = [make_engine(f"{url}?options=-c%20lock_timeout%3D60s") for _ in range(2)]
        start = threading.Barrier(len(engines))

        def run(engine: Engine) -> None:
            start.wait()
            migrate(engine)

        try:
            with ThreadPoolExecutor(max_workers=len(engines)) as pool:
                for future in [pool.submit(run, engine) for engine in engines]:
                    future.result()  # re-raises the failure of either
            assert version_rows(engines[0]) == [head_revision()]
            assert differences(engines[1]) == []
        finally:
            for engine in engines:
                engine.dispose()
