"""Initial read model: the tables `SQLModel.metadata.create_all` made before migrations.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

A database created by that older code is adopted at this revision by `daftar.store.db.migrate`.
Column types are plain SQLAlchemy ones (`UtcDateTime` is `DateTime(timezone=True)` in the
database, SQLModel's `AutoString` is `String`) so this file never depends on the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "cycles",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        _utc("created_at"),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("neighbours", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["cycle"], ["cycles.year"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle", "province", "city"),
    )
    op.create_index(op.f("ix_cities_cycle"), "cities", ["cycle"], unique=False)

    op.create_table(
        "applications",
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("quota", sa.String(), nullable=False),
        _utc("registered_at"),
        _utc("updated_at"),
        _utc("stage_entered_at"),
        _utc("due_at", nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("rejected_stage", sa.String(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("licence_number", sa.String(), nullable=True),
        sa.Column("office_province", sa.String(), nullable=True),
        sa.Column("office_city", sa.String(), nullable=True),
        sa.Column("exam_total", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("interview_score", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("application_id"),
        sa.UniqueConstraint("tracking_code"),
    )
    op.create_index(op.f("ix_applications_cycle"), "applications", ["cycle"], unique=False)
    op.create_index(op.f("ix_applications_province"), "applications", ["province"],
                    unique=False)
    op.create_index(op.f("ix_applications_stage"), "applications", ["stage"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        _utc("at"),
        sa.Column("score", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "seq"),
    )
    op.create_index(op.f("ix_decisions_application_id"), "decisions", ["application_id"],
                    unique=False)

    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("tracking_code", sa.String(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        _utc("due_at"),
        _utc("escalated_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "stage"),
    )
    op.create_index(op.f("ix_escalations_application_id"), "escalations", ["application_id"],
                    unique=False)
    op.create_index(op.f("ix_escalations_cycle"), "escalations", ["cycle"], unique=False)

    op.create_table(
        "photos",
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _utc("uploaded_at"),
        sa.PrimaryKeyConstraint("application_id", "sha256"),
    )
    op.create_table(
        "stage_counts",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cycle", "province", "stage"),
    )
    op.create_table(
        "exam_loads",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("scale", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("pass_mark", sa.Numeric(precision=16, scale=6), nullable=False),
        sa.Column("top_count", sa.Integer(), nullable=False),
        sa.Column("top_mean", sa.Numeric(precision=16, scale=6), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("loaded_by", sa.String(), nullable=False),
        _utc("loaded_at"),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        _utc("published_at", nullable=True),
        sa.PrimaryKeyConstraint("cycle"),
    )
    op.create_table(
        "exam_scores",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("standard", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=6), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("cycle", "application_id"),
    )
    op.create_table(
        "launch_rounds",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("relocate", sa.Boolean(), nullable=False),
        sa.Column("run_by", sa.String(), nullable=False),
        _utc("run_at"),
        sa.Column("placed", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cycle", "number"),
    )
    op.create_table(
        "placements",
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("reserved", sa.Boolean(), nullable=False),
        sa.Column("relocation", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("cycle", "application_id"),
    )
    op.create_index(op.f("ix_placements_round"), "placements", ["round"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints; cities goes before the cycles it
    # references.
    for table in ("placements", "launch_rounds", "exam_scores", "exam_loads", "stage_counts",
                  "photos", "escalations", "decisions", "applications", "cities", "cycles"):
        op.drop_table(table)
