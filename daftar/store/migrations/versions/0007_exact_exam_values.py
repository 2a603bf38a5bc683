"""The exact exam total and pass mark, as text, beside their rounded Numeric columns.

EXAM-2 and EXAM-4 decide pass/fail and LAUNCH-1 ranks on the exact `Decimal` values; the
Numeric columns (`exam_scores.total` 6 decimals, `exam_loads.pass_mark` 6 decimals) round them
and stay for display and sorting. Loads stored before this revision have no exact values
(NULL): they are read as their rounded columns, as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exam_scores") as batch:
        batch.add_column(sa.Column("total_exact", sa.String(length=64), nullable=True))
    with op.batch_alter_table("exam_loads") as batch:
        batch.add_column(sa.Column("pass_mark_exact", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exam_loads") as batch:
        batch.drop_column("pass_mark_exact")
    with op.batch_alter_table("exam_scores") as batch:
        batch.drop_column("total_exact")
