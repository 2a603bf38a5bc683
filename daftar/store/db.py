"""Engine and sessions for the read model: SQLite by default, PostgreSQL by DATABASE_URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from daftar.store import models  # noqa: F401  (registers the tables)

SessionFactory = Callable[[], Session]


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL and a busy timeout for worker threads."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def create_schema(engine: Engine) -> None:
    """Create the read-model tables that are missing."""
    SQLModel.metadata.create_all(engine)


def session_factory(engine: Engine) -> SessionFactory:
    def factory() -> Session:
        return Session(engine, expire_on_commit=False)

    return factory


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
