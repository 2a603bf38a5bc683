"""NOTE-1's outbox (`notices`) and the local SMS provider's messages (`sms_local`).

One row per message, keyed on the history event the workflow names: inserted once (whoever
comes second finds it), marked sent once the provider has taken it, and counted per number
for the hourly limit. Tables of the database's own, beside the read model.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, text, update
from sqlmodel import Session, col, select

from daftar.store.db import SessionFactory, transaction
from daftar.store.models import LocalSmsRecord, NoticeRecord
from daftar.store.writes import dialect_insert

#: The statuses of an outbox row. `sending`: the provider was called and its answer is not
#: recorded yet (or never was: the worker died meanwhile), so the next attempt asks the provider
#: whether it has the message before sending it again.
PENDING, SENDING, SENT, FAILED, DEFERRED = "pending", "sending", "sent", "failed", "deferred"
STATUSES = (PENDING, SENDING, SENT, FAILED, DEFERRED)
#: The longest error text kept on a row.
_ERROR_CHARS = 1000


@dataclass(frozen=True, slots=True)
class NewNotice:
    """An outbox row to insert unless its key is there already."""

    key: str
    application_id: str
    tracking_code: str
    event: str
    to: str
    template: str
    text: str
    status: str = PENDING
    last_error: str | None = None


def ensure_notice(session: Session, new: NewNotice, *, now: datetime) -> NoticeRecord:
    """The outbox row of `new.key`: inserted now, or the one an earlier attempt inserted.

    An existing row is returned as it is (its text included): a message is the words it was
    first given, whatever a later attempt renders.
    """
    session.exec(dialect_insert(session, NoticeRecord).values(
        key=new.key, application_id=new.application_id, tracking_code=new.tracking_code,
        event=new.event, channel="sms", to=new.to, template=new.template, text=new.text,
        status=new.status, attempts=0, last_error=new.last_error, created_at=now,
    ).on_conflict_do_nothing(index_elements=["key"]))
    row = session.exec(select(NoticeRecord).where(NoticeRecord.key == new.key)
                       .execution_options(populate_existing=True)).one()
    return row


def lock_number(session: Session, to: str) -> None:
    """Take the number's turn until the transaction ends.

    Its hourly count and the send it allows are one step: whichever worker process comes
    second waits (PostgreSQL's transaction-scoped advisory lock). SQLite needs none: it has
    one writer at a time, and the embedded stack one worker, whose sends the activity takes
    in turn.
    """
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"daftar-sms:{to}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                     {"key": key})


def sent_since(session: Session, to: str, since: datetime) -> tuple[int, datetime | None]:
    """How many messages to `to` were sent from `since` on, and the earliest of them.

    A message being sent (`sending`, its answer not in yet) counts from when it was made.
    """
    at = func.coalesce(NoticeRecord.sent_at, NoticeRecord.created_at)
    count, first = session.exec(
        select(func.count(), func.min(at)).where(
            NoticeRecord.to == to, col(NoticeRecord.status).in_((SENT, SENDING)),
            at >= since)).one()
    if first is not None and first.tzinfo is None:  # an aggregate skips the column's type
        first = first.replace(tzinfo=UTC)
    return int(count), first


def _error(text: str) -> str:
    return text if len(text) <= _ERROR_CHARS else text[:_ERROR_CHARS - 1] + "…"


def mark_deferred(session: Session, key: str, reason: str) -> None:
    """The message waits (the number's hourly limit): nothing was sent."""
    session.exec(update(NoticeRecord).where(
        col(NoticeRecord.key) == key, col(NoticeRecord.status) != SENT,
    ).values(status=DEFERRED, last_error=_error(reason)))


def mark_sending(session: Session, key: str) -> None:
    """The provider is about to be called: until its answer is recorded, the send is in doubt."""
    session.exec(update(NoticeRecord).where(
        col(NoticeRecord.key) == key, col(NoticeRecord.status) != SENT,
    ).values(status=SENDING))


def mark_failed(session: Session, key: str, error: str, *, in_doubt: bool = False) -> None:
    """The provider was called and did not take the message.

    `in_doubt`: it gave no answer (a timeout, a dropped connection), so it may have taken it,
    and the row stays `sending` for the next attempt to ask it first.
    """
    session.exec(update(NoticeRecord).where(
        col(NoticeRecord.key) == key, col(NoticeRecord.status) != SENT,
    ).values(status=SENDING if in_doubt else FAILED, attempts=NoticeRecord.attempts + 1,
             last_error=_error(error)))


def mark_sent(session: Session, key: str, provider_id: str, *, at: datetime) -> bool:
    """The provider took the message; False when another attempt had marked it already."""
    result = session.exec(update(NoticeRecord).where(
        col(NoticeRecord.key) == key, col(NoticeRecord.status) != SENT,
    ).values(status=SENT, attempts=NoticeRecord.attempts + 1, provider_id=provider_id[:64],
             sent_at=at, last_error=None))
    return bool(result.rowcount)


def list_notices(session: Session, *, application_id: str | None = None,
                 status: str | None = None, page: int = 1, size: int = 50,
                 ) -> tuple[list[NoticeRecord], int]:
    """One page of the outbox, newest first, and how many rows match in all."""
    conditions: list[Any] = []
    if application_id:
        conditions.append(NoticeRecord.application_id == application_id)
    if status:
        conditions.append(NoticeRecord.status == status)
    total = session.exec(select(func.count()).select_from(NoticeRecord).where(*conditions)).one()
    rows = session.exec(
        select(NoticeRecord).where(*conditions)
        .order_by(col(NoticeRecord.created_at).desc(), col(NoticeRecord.key))
        .offset((page - 1) * size).limit(size))
    return list(rows), int(total)


def local_messages(session: Session, *, to: str | None = None, limit: int = 50,
                   ) -> list[LocalSmsRecord]:
    """The local provider's latest messages (to one number, if given), newest first."""
    stmt = select(LocalSmsRecord)
    if to:
        stmt = stmt.where(LocalSmsRecord.to == to)
    return list(session.exec(stmt.order_by(col(LocalSmsRecord.at).desc(),
                                           col(LocalSmsRecord.id).desc()).limit(limit)))


class LocalSmsProvider:
    """The local SMS provider: sends nothing, stores each message it is given in `sms_local`.

    For the embedded stack (`DAFTAR_SMS_PROVIDER=local`, the default) and the tests: a
    newcomer reads what applicants would have been sent in the console's notifications page.
    It has no de-duplication of its own (every call is a row), so what it stores shows what
    the outbox let through. It fits `daftar.core.sms.SmsProvider` by shape.
    """

    name = "local"

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    def _store(self, to: str, text: str, idempotency_key: str) -> str:
        with transaction(self._sessions) as session:
            row = LocalSmsRecord(to=to, text=text, idempotency_key=idempotency_key,
                                 at=datetime.now(UTC))
            session.add(row)
            session.flush()
            return f"local-{row.id}"

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        """Store the message; its id in `sms_local` (`local-N`)."""
        return await asyncio.to_thread(self._store, to, text, idempotency_key)

    def _find(self, idempotency_key: str) -> str | None:
        with self._sessions() as session:
            found = session.exec(select(LocalSmsRecord.id).where(
                LocalSmsRecord.idempotency_key == idempotency_key)
                .order_by(col(LocalSmsRecord.id)).limit(1)).first()
        return None if found is None else f"local-{found}"

    async def find(self, idempotency_key: str) -> str | None:
        """The id of the message stored with `idempotency_key`, or None.

        A lookup, as a real provider's status API answers it; the send itself de-duplicates
        nothing.
        """
        return await asyncio.to_thread(self._find, idempotency_key)
