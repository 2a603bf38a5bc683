"""The access log's table: entries written and queried, and refused any change by the database.

The log's rows can never be deleted, so these tests use databases of their own (the shared
`engine` fixture empties every table after each test).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from daftar.store.access_log import (
    APPEND_ONLY,
    AccessFilter,
    AccessLogEntry,
    list_reads,
    record_read,
)
from daftar.store.db import make_engine, migrate
from tests.store.test_migrations import postgres_database

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def log_engine(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database of the module's own, with five entries."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('log') / 'read.db'}")
        migrate(engine)
        _seed(engine)
        yield engine
        engine.dispose()
        return
    with postgres_database() as url:
        engine = make_engine(url)
        migrate(engine)
        _seed(engine)
        yield engine
        engine.dispose()


def _seed(engine: Engine) -> None:
    rows: list[tuple[int, str, list[str], str, str]] = [
        (0, "alice", ["interviewer"], "aaaaaaaaaaaaaaaa", "record"),
        (1, "bob", ["auditor", "admin"], "aaaaaaaaaaaaaaaa", "history"),
        (2, "alice", ["interviewer"], "bbbbbbbbbbbbbbbb", "console:application"),
        (24, "carol", ["security_officer"], "aaaaaaaaaaaaaaaa", "console:photo"),
        (48, "bob", ["auditor"], "bbbbbbbbbbbbbbbb", "export"),
    ]
    with Session(engine) as session:
        for hours, actor, roles, app_id, what in rows:
            record_read(session, at=T0 + timedelta(hours=hours), actor=actor, roles=roles,
                        application_id=app_id, what=what, request_id=f"req-{hours}")


def _reads(engine: Engine, **kw: Any) -> list[tuple[str, str, str]]:
    page, size = kw.pop("page", 1), kw.pop("size", 50)
    with Session(engine) as session:
        rows, _ = list_reads(session, AccessFilter(**kw), page=page, size=size)
    return [(r.actor, r.application_id[0], r.what) for r in rows]


def test_an_entry_keeps_every_field(log_engine: Engine) -> None:
    with Session(log_engine) as session:
        rows, total = list_reads(session, AccessFilter(actor="bob", until=T0 + timedelta(2)),
                                 page=1, size=10)
    assert total == 1
    [entry] = rows
    assert (entry.actor, entry.roles, entry.application_id, entry.what, entry.request_id) == (
        "bob", ["auditor", "admin"], "aaaaaaaaaaaaaaaa", "history", "req-1")
    assert entry.at == T0 + timedelta(hours=1)
    assert entry.at.tzinfo is not None


def test_newest_first_and_paged(log_engine: Engine) -> None:
    assert [w for _, _, w in _reads(log_engine)] == [
        "export", "console:photo", "console:application", "history", "record"]
    assert [w for _, _, w in _reads(log_engine, page=2, size=2)] == [
        "console:application", "history"]
    with Session(log_engine) as session:
        assert list_reads(session, AccessFilter(), page=3, size=2)[1] == 5


def test_filters_by_application_actor_and_period(log_engine: Engine) -> None:
    assert _reads(log_engine, application_id="bbbbbbbbbbbbbbbb") == [
        ("bob", "b", "export"), ("alice", "b", "console:application")]
    assert _reads(log_engine, actor="alice") == [
        ("alice", "b", "console:application"), ("alice", "a", "record")]
    # `since` inclusive, `until` exclusive.
    assert _reads(log_engine, since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=24)) == [
        ("alice", "b", "console:application"), ("bob", "a", "history")]
    assert _reads(log_engine, actor="bob", application_id="aaaaaaaaaaaaaaaa",
                  since=T0) == [("bob", "a", "history")]
    assert _reads(log_engine, actor="nobody") == []


@pytest.mark.parametrize("statement", [
    "UPDATE access_log SET actor = 'someone-else'",
    "UPDATE access_log SET at = at WHERE what = 'record'",
    "DELETE FROM access_log",
    "DELETE FROM access_log WHERE actor = 'alice'",
])
def test_the_database_refuses_to_change_an_entry(log_engine: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError) as refused, log_engine.begin() as conn:
        conn.execute(text(statement))
    assert APPEND_ONLY in str(refused.value)
    assert len(_reads(log_engine)) == 5
    assert _reads(log_engine, actor="someone-else") == []


def test_the_database_refuses_a_change_through_the_models(log_engine: Engine) -> None:
    with Session(log_engine) as session:
        entry = session.get(AccessLogEntry, 1)
        assert entry is not None
        entry.actor = "someone-else"
        session.add(entry)
        with pytest.raises(DBAPIError, match=APPEND_ONLY):
            session.commit()
        session.rollback()
        entry = session.get(AccessLogEntry, 1)
        assert entry is not None
        session.delete(entry)
        with pytest.raises(DBAPIError, match=APPEND_ONLY):
            session.commit()
    assert _reads(log_engine, actor="alice")[-1] == ("alice", "a", "record")


def test_emptying_the_table_is_refused(log_engine: Engine) -> None:
    """PostgreSQL's TRUNCATE skips row triggers, so it has one of its own; SQLite's way of
    emptying a table (a DELETE without WHERE, which it would truncate) meets the trigger."""
    statement = ("TRUNCATE access_log" if log_engine.dialect.name == "postgresql"
                 else "DELETE FROM access_log")
    with pytest.raises(DBAPIError, match=APPEND_ONLY), log_engine.begin() as conn:
        conn.execute(text(statement))
    assert len(_reads(log_engine)) == 5
