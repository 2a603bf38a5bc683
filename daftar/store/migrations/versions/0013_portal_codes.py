"""The applicant portal's one-time sign-in codes (`portal_codes`, PORTAL-1), kept as HMACs.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_portal_codes_application_created", "portal_codes",
                    ["application_id", "created_at"])
    op.create_index("ix_portal_codes_number_created", "portal_codes", ["number", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_portal_codes_number_created", table_name="portal_codes")
    op.drop_index("ix_portal_codes_application_created", table_name="portal_codes")
    op.drop_table("portal_codes")
