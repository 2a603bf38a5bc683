"""Exam sessions, venues and seats (EXAM-5).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exam_sessions",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("exam_date", sa.String(length=10), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("card_date", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cycle"),
    )
    op.create_table(
        "exam_venues",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.String(length=16), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cycle", "venue_id"),
    )
    op.create_table(
        "exam_seats",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("venue_id", sa.String(length=16), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("cycle", "application_id"),
    )
    op.create_index("ix_exam_seats_venue", "exam_seats", ["cycle", "venue_id", "seat"])


def downgrade() -> None:
    op.drop_index("ix_exam_seats_venue", table_name="exam_seats")
    op.drop_table("exam_seats")
    op.drop_table("exam_venues")
    op.drop_table("exam_sessions")
