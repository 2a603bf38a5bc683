"""Read-model fixtures: a clean database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from daftar.store.db import SessionFactory, session_factory


@pytest.fixture
def engine(any_engine: Engine) -> Iterator[Engine]:
    """`any_engine`, emptied of every row after the test."""
    yield any_engine
    with any_engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return session_factory(engine)


@pytest.fixture
def session(sessions: SessionFactory) -> Iterator[Session]:
    with sessions() as s:
        yield s
