"""NOTE-1's SMS outbox (`notices`) and the local SMS provider's messages (`sms_local`).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("to", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_notices_application_created", "notices",
                    ["application_id", "created_at"])
    op.create_index("ix_notices_status_created", "notices", ["status", "created_at"])
    op.create_index("ix_notices_to_sent", "notices", ["to", "sent_at"])
    op.create_table(
        "sms_local",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sms_local_at", "sms_local", ["at"])


def downgrade() -> None:
    op.drop_index("ix_sms_local_at", table_name="sms_local")
    op.drop_table("sms_local")
    op.drop_index("ix_notices_to_sent", table_name="notices")
    op.drop_index("ix_notices_status_created", table_name="notices")
    op.drop_index("ix_notices_application_created", table_name="notices")
    op.drop_table("notices")
