"""Alembic environment of the read model.

`daftar.store.db.migrate` runs this with its own connection in `config.attributes["connection"]`
(already inside a transaction, holding the migration lock on PostgreSQL), so no second engine
or URL is needed and the upgrade commits or rolls back with the caller's transaction. The URL
branch (`sqlalchemy.url` main option) exists only for hand-run commands such as offline SQL.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from daftar.store.db import make_engine, migration_options

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **migration_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit the migrations as SQL for the dialect of `sqlalchemy.url` (`alembic --sql`)."""
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("offline migrations need the sqlalchemy.url main option")
    engine = make_engine(url)
    options: dict[str, Any] = migration_options(engine.dialect.name)
    context.configure(url=engine.url, literal_binds=True, **options)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over the caller's connection when given one, else over `sqlalchemy.url`."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "no connection in config.attributes and no sqlalchemy.url: "
            "run migrations through daftar.store.db.migrate")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
