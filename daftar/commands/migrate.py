"""`daftar migrate`: the read model's schema brought up to this version (Alembic)."""

from __future__ import annotations

import argparse

from daftar.commands.common import Subparsers, add_command


def register(subparsers: Subparsers) -> None:
    """Declare `daftar migrate` (no options: `DATABASE_URL` names the database)."""
    add_command(subparsers, "migrate",
                help="bring the read model's schema up to this version",
                description="Apply the read model's Alembic migrations to the database of "
                "DATABASE_URL, then move photos' bytes still in it into the object store "
                "(DAFTAR_OBJECT_STORE); safe to run again, and concurrently on PostgreSQL.",
                run=run)


def run(args: argparse.Namespace) -> int:
    """Migrate, move photos' bytes, and print the revision reached and what moved.

    0; 1 when photos whose bytes do not match their hash were left in the read model.
    """
    from daftar.core.logs import configure
    from daftar.core.settings import load_settings
    from daftar.services.objects import object_store, prepare
    from daftar.services.photos import move_photos
    from daftar.store.db import current_revision, make_engine, migrate, session_factory

    settings = load_settings()
    configure(fmt=settings.log_format, level=settings.log_level)
    settings.check(needs=("objects",))
    objects = object_store(settings)
    engine = make_engine(settings.db_url)
    try:
        before = current_revision(engine)
        migrate(engine)
        after = current_revision(engine)
        prepare(objects)
        moved = move_photos(session_factory(engine), objects)
    finally:
        engine.dispose()
    print(f"read model at revision {after}" + ("" if before == after else
                                               f" (was {before or 'empty'})"))
    if moved.moved:
        print(f"moved {moved.moved} photos' bytes to {objects.describe()}")
    for app_id, sha256 in moved.kept:
        print(f"photo {sha256} of application {app_id}: its bytes do not match its hash; "
              "left in the read model")
    return 1 if moved.kept else 0
