"""The access log: every staff read of an applicant's personal data, append-only.

A table of the database's own beside the read model (README: "Code layout"): Temporal's histories
cannot rebuild it, so nothing here updates or deletes a row. Revision 0006 adds a trigger that
refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) on the table, so a mistake elsewhere
in the code, or a hand-typed statement, cannot change what was recorded either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, func
from sqlmodel import Field, Session, SQLModel, col, select

from daftar.store.models import ApplicationRecord, UtcDateTime

#: What the refusing trigger says; tests look for it in the database's error.
APPEND_ONLY = "access_log is append-only"


class AccessLogEntry(SQLModel, table=True):
    """One personal-data read.

    Who (`actor`, the token's subject, and its `roles`), which application, what was read (a short
    stable name such as `record` or `console:timeline`), when (UTC), and the request id the API's
    log lines carry.
    """

    __tablename__ = "access_log"
    # The auditors' three questions: one application's readers, one actor's reads, a period.
    __table_args__ = (
        Index("ix_access_log_application_at", "application_id", "at"),
        Index("ix_access_log_actor_at", "actor", "at"),
        Index("ix_access_log_at", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    actor: str
    roles: list[str] = Field(sa_column=Column(JSON, nullable=False))
    application_id: str = Field(max_length=32)
    what: str = Field(max_length=32)
    request_id: str = Field(max_length=64)


@dataclass(frozen=True)
class AccessFilter:
    """Which entries an auditor asks for; `since` is inclusive, `until` exclusive."""

    application_id: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def record_read(session: Session, *, at: datetime, actor: str, roles: Sequence[str],
                application_id: str, what: str, request_id: str) -> AccessLogEntry:
    """Insert one entry and commit it: the caller serves the read only after this returns."""
    entry = AccessLogEntry(at=at, actor=actor, roles=list(roles),
                           application_id=application_id, what=what, request_id=request_id)
    session.add(entry)
    session.commit()
    return entry


def list_reads(session: Session, flt: AccessFilter, *, page: int, size: int,
               ) -> tuple[list[AccessLogEntry], int]:
    """One page of the entries matching `flt`, newest first, and how many match in all."""
    conditions: list[Any] = []
    if flt.application_id:
        conditions.append(AccessLogEntry.application_id == flt.application_id)
    if flt.actor:
        conditions.append(AccessLogEntry.actor == flt.actor)
    if flt.since is not None:
        conditions.append(col(AccessLogEntry.at) >= flt.since)
    if flt.until is not None:
        conditions.append(col(AccessLogEntry.at) < flt.until)
    total = session.exec(
        select(func.count()).select_from(AccessLogEntry).where(*conditions)).one()
    rows = session.exec(
        select(AccessLogEntry).where(*conditions)
        .order_by(col(AccessLogEntry.at).desc(), col(AccessLogEntry.id).desc())
        .offset((page - 1) * size).limit(size))
    return list(rows), int(total)


def tracking_codes(session: Session, application_ids: Iterable[str]) -> dict[str, str]:
    """The tracking codes of `application_ids` that the read model holds, by application."""
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    stmt = select(ApplicationRecord.application_id, ApplicationRecord.tracking_code).where(
        col(ApplicationRecord.application_id).in_(ids))
    return dict(session.exec(stmt).all())
