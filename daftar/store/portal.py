"""The applicant portal's one-time sign-in codes (`portal_codes`, PORTAL-1).

Each row is one code sent: its HMAC, the HMAC of the number it went to, when it expires, how
many wrong tries it had and whether it was used. The latest code of an application is the
only one that counts. Spending a code and counting a wrong try are single conditional
UPDATEs, so two requests racing with the same code cannot both sign in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from daftar.store.models import PortalCodeRecord

#: How long a row is kept: far longer than any rate-limit window.
KEEP = timedelta(days=1)


def add_code(session: Session, *, application_id: str, number: str, code_hash: str,
             now: datetime, expires_at: datetime) -> PortalCodeRecord:
    """Store a new code (and drop the application's rows older than `KEEP`)."""
    session.exec(delete(PortalCodeRecord).where(
        col(PortalCodeRecord.application_id) == application_id,
        col(PortalCodeRecord.created_at) < now - KEEP))
    row = PortalCodeRecord(application_id=application_id, number=number, code_hash=code_hash,
                           created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def codes_since(session: Session, since: datetime, *, application_id: str | None = None,
                number: str | None = None) -> tuple[int, datetime | None]:
    """How many codes went to an application (or a number) from `since` on, and the latest."""
    stmt = select(func.count(), func.max(PortalCodeRecord.created_at)).where(
        col(PortalCodeRecord.created_at) >= since)
    if application_id is not None:
        stmt = stmt.where(PortalCodeRecord.application_id == application_id)
    if number is not None:
        stmt = stmt.where(PortalCodeRecord.number == number)
    count, latest = session.exec(stmt).one()
    if latest is not None and latest.tzinfo is None:  # an aggregate skips the column's type
        latest = latest.replace(tzinfo=UTC)
    return int(count), latest


def latest_code(session: Session, application_id: str) -> PortalCodeRecord | None:
    """The application's latest code, spent or not."""
    return session.exec(
        select(PortalCodeRecord).where(PortalCodeRecord.application_id == application_id)
        .order_by(col(PortalCodeRecord.created_at).desc(), col(PortalCodeRecord.id).desc())
        .limit(1).execution_options(populate_existing=True)).first()


def count_wrong_try(session: Session, code_id: int) -> None:
    """One more wrong try of a code."""
    session.exec(update(PortalCodeRecord).where(
        col(PortalCodeRecord.id) == code_id).values(attempts=PortalCodeRecord.attempts + 1))


def spend(session: Session, code_id: int, *, now: datetime, max_attempts: int) -> bool:
    """Mark a code used; False when it was used, expired or locked meanwhile."""
    result = session.exec(update(PortalCodeRecord).where(
        col(PortalCodeRecord.id) == code_id, col(PortalCodeRecord.used_at).is_(None),
        col(PortalCodeRecord.attempts) < max_attempts,
        col(PortalCodeRecord.expires_at) > now).values(used_at=now))
    return bool(result.rowcount)
