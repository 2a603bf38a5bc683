"""Photos' bytes move to the object store: the table keeps their hash, size and type.

The bytes themselves cannot move here (Alembic knows no object store): this revision makes
`content` nullable and fills `size` and `content_type` from the rows; then
`daftar.store.photos.move_photo_bytes` (run by `daftar migrate` and at the API's start) puts
each row's bytes in the store, reads them back, and only then sets `content` to NULL.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("photos") as batch:
        batch.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("content_type", sa.String(length=100), nullable=True))
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
    # length() of a BLOB (SQLite) or a bytea (PostgreSQL) counts its bytes.
    op.execute("UPDATE photos SET size = length(content), content_type = 'image/jpeg'")
    with op.batch_alter_table("photos") as batch:
        batch.alter_column("size", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("content_type", existing_type=sa.String(length=100),
                           nullable=False)


def downgrade() -> None:
    moved = 0 if context.is_offline_mode() else op.get_bind().execute(
        sa.text("SELECT count(*) FROM photos WHERE content IS NULL")).scalar_one()
    if moved:
        raise RuntimeError(
            f"{moved} photos' bytes are in the object store, not in the table: revision 0010 "
            "cannot hold them (copy them back into photos.content first)")
    with op.batch_alter_table("photos") as batch:
        batch.drop_column("content_type")
        batch.drop_column("size")
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
