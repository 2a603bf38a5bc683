"""An index of decisions by role, actor and time: the auditor's log of a reviewer's decisions.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_decisions_role_actor_at", "decisions", ["role", "actor", "at"])


def downgrade() -> None:
    op.drop_index("ix_decisions_role_actor_at", table_name="decisions")
