"""The append-only access log of staff reads of applicants' personal data.

A trigger refuses UPDATE and DELETE on every row (PostgreSQL also TRUNCATE), so an entry
stays as written whatever statement reaches the database. On SQLite, a later revision that
rebuilds `access_log` in batch mode (copy, drop, rename) must create the triggers again:
dropping a table drops its triggers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The message daftar.store.access_log.APPEND_ONLY names (a revision does not import models).
_REFUSAL = "access_log is append-only"

_POSTGRES_UP = [
    f"""
    CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_REFUSAL}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()
    """,
    """
    CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()
    """,
]
_POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log",
    "DROP TRIGGER IF EXISTS access_log_append_only ON access_log",
    "DROP FUNCTION IF EXISTS access_log_refuse_change()",
]
_SQLITE_UP = [
    f"""
    CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    BEGIN SELECT RAISE(ABORT, '{_REFUSAL}: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
    BEGIN SELECT RAISE(ABORT, '{_REFUSAL}: DELETE refused'); END
    """,
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS access_log_no_delete",
    "DROP TRIGGER IF EXISTS access_log_no_update",
]


def _dialect() -> str:
    return op.get_bind().dialect.name


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_access_log_application_at", "access_log", ["application_id", "at"])
    op.create_index("ix_access_log_actor_at", "access_log", ["actor", "at"])
    op.create_index("ix_access_log_at", "access_log", ["at"])
    dialect = _dialect()
    for statement in (_POSTGRES_UP if dialect == "postgresql"
                      else _SQLITE_UP if dialect == "sqlite" else []):
        op.execute(statement)


def downgrade() -> None:
    dialect = _dialect()
    for statement in (_POSTGRES_DOWN if dialect == "postgresql"
                      else _SQLITE_DOWN if dialect == "sqlite" else []):
        op.execute(statement)
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_index("ix_access_log_actor_at", table_name="access_log")
    op.drop_index("ix_access_log_application_at", table_name="access_log")
    op.drop_table("access_log")
