"""The applicant's name on each application row, and the inbox's deadline order.

`full_name` starts as '' on the rows already there: reconciliation finds them differing from
their workflows and re-records them. `ix_applications_cycle_stage_due` serves the inbox's
soonest-deadline-first order within a cycle's stages.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("full_name", sa.String(), nullable=False,
                                   server_default=""))
    op.create_index("ix_applications_cycle_stage_due", "applications",
                    ["cycle", "stage", "due_at", "application_id"])


def downgrade() -> None:
    op.drop_index("ix_applications_cycle_stage_due", table_name="applications")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("full_name")
