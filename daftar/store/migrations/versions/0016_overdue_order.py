"""The overdue list's order: a partial index of the waiting stages' rows by due date.

`ix_applications_overdue` holds (cycle, due_at, application_id, stage, escalated) for the rows
at the stages with an SLA only (`daftar.store.models.OVERDUE_STAGES` as they were at this
revision), in the overdue list's order: a page of the list, however deep, and its count are read
from the index alone instead of sorting the cycle's waiting applications.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = ("stage IN ('awaiting_interview', 'awaiting_licence', 'awaiting_qualification', "
           "'awaiting_security')")


def upgrade() -> None:
    op.create_index("ix_applications_overdue", "applications",
                    ["cycle", "due_at", "application_id", "stage", "escalated"],
                    postgresql_where=sa.text(WAITING), sqlite_where=sa.text(WAITING))


def downgrade() -> None:
    op.drop_index("ix_applications_overdue", table_name="applications")
