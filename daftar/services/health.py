"""What readiness asks of the database."""

from __future__ import annotations

from sqlalchemy import text

from daftar.store.db import SessionFactory


def database_answers(sessions: SessionFactory) -> bool:
    """Whether the database answers a trivial query.

    Raises what the driver raises if not; call it in a thread, with a timeout.
    """
    with sessions() as s:
        s.connection().execute(text("SELECT 1"))
    return True
