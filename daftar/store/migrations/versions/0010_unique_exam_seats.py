"""One candidate per seat (EXAM-5): seats taken one by one may race, and the database decides.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_exam_seats_venue", table_name="exam_seats")
    op.create_index("ix_exam_seats_venue", "exam_seats", ["cycle", "venue_id", "seat"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_exam_seats_venue", table_name="exam_seats")
    op.create_index("ix_exam_seats_venue", "exam_seats", ["cycle", "venue_id", "seat"])
