"""Indexes in the order the admin list and the inboxes read applications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Without them a deep page of a cycle's list sorts the whole cycle on every request.
`if_not_exists`: a read model made by `create_all` from newer models has them already.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_applications_cycle_updated": ["cycle", "updated_at", "application_id"],
    "ix_applications_cycle_stage_entered": ["cycle", "stage", "stage_entered_at",
                                            "application_id"],
    "ix_applications_cycle_stage_province": ["cycle", "stage", "province"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "applications", columns, if_not_exists=True)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="applications", if_exists=True)
