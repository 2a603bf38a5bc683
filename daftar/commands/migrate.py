"""`daftar migrate`: the read model's schema brought up to this version (Alembic)."""

from __future__ import annotations

import argparse

from daftar.commands.common import Subparsers, add_command


def register(subparsers: Subparsers) -> None:
    """Declare `daftar migrate` (no options: `DATABASE_URL` names the database)."""
    add_command(subparsers, "migrate",
                help="bring the read model's schema up to this version",
                description="Apply the read model's Alembic migrations to the database of "
                "DATABASE_URL; safe to run again, and concurrently on PostgreSQL.", run=run)


def run(args: argparse.Namespace) -> int:
    """Migrate and print the revision reached; 0."""
    from daftar.core.logs import configure
    from daftar.core.settings import load_settings
    from daftar.store.db import current_revision, make_engine, migrate

    settings = load_settings()
    configure(fmt=settings.log_format, level=settings.log_level)
    engine = make_engine(settings.db_url)
    try:
        before = current_revision(engine)
        migrate(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    print(f"read model at revision {after}" + ("" if before == after else
                                               f" (was {before or 'empty'})"))
    return 0
