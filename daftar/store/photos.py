"""Photos' bytes (REG-4), addressed by application and content hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from daftar.store.db import SessionFactory
from daftar.store.models import PhotoRecord


def store_photo(sessions: SessionFactory, *, application_id: str, sha256: str, content: bytes,
                at: datetime) -> bool:
    """Store the bytes; False when the same photo of the application is stored already."""
    with sessions() as s:
        if s.get(PhotoRecord, (application_id, sha256)) is not None:
            return False
        s.add(PhotoRecord(application_id=application_id, sha256=sha256, content=content,
                          uploaded_at=at))
        try:
            s.commit()
        except IntegrityError:  # the same upload, concurrently: that one stored it
            s.rollback()
            return False
        return True


def delete_photo(sessions: SessionFactory, *, application_id: str, sha256: str) -> None:
    """Delete one stored photo, if it is there."""
    with sessions() as s:
        row = s.get(PhotoRecord, (application_id, sha256))
        if row is not None:
            s.delete(row)
            s.commit()


def latest_photo(session: Session, application_id: str,
                 sha256: str | None = None) -> PhotoRecord | None:
    """The application's latest photo, or the one with `sha256`."""
    stmt = select(PhotoRecord).where(PhotoRecord.application_id == application_id)
    if sha256:
        stmt = stmt.where(PhotoRecord.sha256 == sha256)
    return session.exec(stmt.order_by(col(PhotoRecord.uploaded_at).desc())).first()
