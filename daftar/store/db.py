"""Engine, sessions and schema migrations for the read model.

SQLite by default, PostgreSQL by DATABASE_URL. The schema is owned by the Alembic revisions in
`daftar/store/migrations` (shipped inside the package, so an installed wheel or a Docker image
can migrate without an alembic.ini); `migrate` brings a database to the newest one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, SQLModel, create_engine
from sqlmodel.sql.sqltypes import AutoString

from daftar.store import access_log, models, payments  # noqa: F401  (registers the tables)
from daftar.store.models import UtcDateTime

SessionFactory = Callable[[], Session]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The revision equal to the schema `SQLModel.metadata.create_all` made before migrations existed.
BASELINE_REVISION = "0001"
# Any constant shared by every daftar process: an API and a worker starting together take turns.
_MIGRATION_LOCK_KEY = int.from_bytes(b"daftar", "big")


class SchemaMismatchError(RuntimeError):
    """A read model from before migrations whose tables are not the ones the models expect.

    Stamping it would hide the difference until a query failed, so `migrate` refuses (and rolls
    back) instead; `differences` holds Alembic's diff tuples, database → models.
    """

    def __init__(self, differences: list[Any]) -> None:
        self.differences = differences
        listed = "\n".join(f"  {d!r}" for d in differences)
        super().__init__(
            f"the read model has tables but no Alembic revision; adopted as revision "
            f"{BASELINE_REVISION} and upgraded, it still differs from the models (fix it by "
            f"hand or rebuild it from Temporal):\n{listed}")


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


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our column types as plain SQLAlchemy ones in new revisions.

    A revision must keep working after the models change, so it should not import them;
    `UtcDateTime` only converts values in Python, the database sees `DateTime(timezone=True)`.
    """
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def migration_options(dialect_name: str) -> dict[str, Any]:
    """Options for `context.configure`, shared by env.py and the check of adopted databases.

    Types are compared so a column of the wrong type counts as a difference; SQLite changes
    tables by copying them (batch mode), as it cannot alter most of a column.
    """
    return {
        "target_metadata": SQLModel.metadata,
        "compare_type": True,
        "render_as_batch": dialect_name == "sqlite",
        "render_item": _render_item,
    }


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config built in code, pointing at the revisions inside the package.

    With `connection`, env.py migrates over it instead of opening its own.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def schema_differences(connection: Connection) -> list[Any]:
    """What autogenerate would change for the database to match the models ([] when equal)."""
    options = migration_options(connection.dialect.name)
    options.pop("target_metadata")
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, SQLModel.metadata))


def _predates_migrations(connection: Connection) -> bool:
    """Our tables exist but no revision is recorded: made by `create_all` before migrations."""
    if MigrationContext.configure(connection).get_current_revision() is not None:
        return False
    return bool(set(inspect(connection).get_table_names()) & set(SQLModel.metadata.tables))


def migrate(engine: Engine) -> None:
    """Upgrade the read model to the newest revision, in one transaction.

    On PostgreSQL a transaction-scoped advisory lock makes concurrent callers (an API and a
    worker starting together) take turns; the later one then finds the schema current. SQLite
    gets no lock: the dev stack migrates once, from one process. A read model created before
    migrations is adopted as BASELINE_REVISION, upgraded, and kept only if it then matches the
    models (checked after the upgrade, so the check stays right once later revisions exist).
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": _MIGRATION_LOCK_KEY})
        config = alembic_config(connection)
        legacy = _predates_migrations(connection)
        if legacy:
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")
        if legacy and (differences := schema_differences(connection)):
            raise SchemaMismatchError(differences)


def create_schema(engine: Engine) -> None:
    """Bring the read-model schema up to date (kept for its callers; see `migrate`)."""
    migrate(engine)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None before the first migration."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this code knows, which `migrate` brings a database to."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no Alembic revisions under {MIGRATIONS_DIR}")
    return head


def session_factory(engine: Engine) -> SessionFactory:
    """A factory of sessions on `engine` whose objects stay loaded after a commit."""
    def factory() -> Session:
        return Session(engine, expire_on_commit=False)

    return factory


#: One writer at a time per SQLite file within a process. SQLite lets one transaction write
#: at a time; without this, a worker's 16 activity threads wait for it in SQLite's busy
#: handler, which sleeps in growing steps (up to 100 ms) and lets a late-comer in first: a
#: write then waits far longer than the writes ahead of it take. Behind a lock they take
#: turns at once. Other processes (the API, a second worker) still meet the busy handler.
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = (
    weakref.WeakKeyDictionary())
_WRITERS_GUARD = threading.Lock()


def _writer_turn(bind: Any) -> threading.RLock | nullcontext[None]:
    engine = getattr(bind, "engine", None)
    if engine is None or engine.dialect.name != "sqlite":
        return nullcontext()
    with _WRITERS_GUARD:
        lock = _SQLITE_WRITERS.get(engine)
        if lock is None:
            lock = _SQLITE_WRITERS[engine] = threading.RLock()
    return lock


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """A session committed on success and rolled back on error.

    On SQLite, one such transaction at a time per database in this process.
    """
    with factory() as session, _writer_turn(session.get_bind()):
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
