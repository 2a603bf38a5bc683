"""Payment references, each paying one application of a cycle.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The primary key (cycle, reference) is what lets one use of a reference bind it.
    op.create_table(
        "payment_references",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.String(length=32), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cycle", "reference"),
    )


def downgrade() -> None:
    op.drop_table("payment_references")
