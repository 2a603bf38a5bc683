"""Photos (REG-4): rows of hash and metadata; their bytes are in the object store.

A row names its bytes by their SHA-256, the object store's key (daftar.store.objects). Rows
are removed (a photo the workflow refused), objects never: the same bytes may be another
row's photo.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from daftar.store.db import SessionFactory
from daftar.store.models import PhotoRecord
from daftar.store.objects import ObjectStore

#: How many photos' bytes one transaction of `move_photo_bytes` moves.
MOVE_BATCH = 100


def store_photo(sessions: SessionFactory, *, application_id: str, sha256: str, size: int,
                at: datetime, content_type: str = "image/jpeg") -> bool:
    """Record the photo, its bytes already in the object store.

    False when the same photo of the application is recorded already.
    """
    with sessions() as s:
        if s.get(PhotoRecord, (application_id, sha256)) is not None:
            return False
        s.add(PhotoRecord(application_id=application_id, sha256=sha256, size=size,
                          content_type=content_type, uploaded_at=at))
        try:
            s.commit()
        except IntegrityError:  # the same upload, concurrently: that one stored it
            s.rollback()
            return False
        return True


def delete_photo(sessions: SessionFactory, *, application_id: str, sha256: str) -> None:
    """Delete one photo's row, if it is there (its object stays: see the module)."""
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


@dataclass
class Moved:
    """What `move_photo_bytes` did.

    Photos moved, and those left in the table because their bytes do not hash to their
    recorded SHA-256 (application id, recorded hash).
    """

    moved: int = 0
    kept: list[tuple[str, str]] = field(default_factory=list)


def move_photo_bytes(sessions: SessionFactory, objects: ObjectStore, *,
                     batch: int = MOVE_BATCH) -> Moved:
    """Move the bytes of photos stored before revision 0011 from the table into `objects`.

    In batches of `batch` rows, each its own transaction: every row's bytes are put in the
    store, the stored object is read back and hashed (`verify`), and only then is the row's
    copy set to NULL. Idempotent and resumable: a run stopped half-way (or two at once) leaves
    rows either moved or still holding their bytes, and the next run moves the rest (putting
    bytes already there again stores nothing). A row whose bytes do not hash to its recorded
    SHA-256 is left as it is and listed, for an operator to look at: nothing is lost.

    Raises:
        ObjectStoreUnavailable: the store does not answer; rows moved so far stay moved.
    """
    done = Moved()
    after: tuple[str, str] = ("", "")
    while True:
        with sessions() as s:
            rows = s.exec(
                select(PhotoRecord)
                .where(col(PhotoRecord.content).is_not(None))
                .where(tuple_(col(PhotoRecord.application_id), col(PhotoRecord.sha256))
                       > tuple_(*after))
                .order_by(col(PhotoRecord.application_id), col(PhotoRecord.sha256))
                .limit(batch)).all()
            if not rows:
                break
            for row in rows:
                content = row.content
                assert content is not None
                if hashlib.sha256(content).hexdigest() != row.sha256:
                    done.kept.append((row.application_id, row.sha256))
                    continue
                key = objects.put(content, row.content_type)
                if key != row.sha256 or not objects.verify(key):
                    raise RuntimeError(f"{objects.describe()} did not keep photo {row.sha256} "
                                       f"of application {row.application_id} intact")
                row.size = len(content)
                row.content = None
                s.add(row)
                done.moved += 1
            s.commit()
            after = (rows[-1].application_id, rows[-1].sha256)
    return done
