"""NOTE-1's outbox as admins and auditors read it, with the local SMS provider's messages.

The API's `GET /v1/notifications` and the console's notifications page read it. Numbers are
masked (`0912***4567`) for every reader: the outbox is read to see what was sent and what
failed, not to reach the person (the admin reads the full number in the record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session

from daftar.domain.digits import normalize_digits
from daftar.domain.jalali import format_instant
from daftar.domain.notices import mask_mobile
from daftar.services.listing import application_of_code
from daftar.store import notices as outbox
from daftar.store.models import NoticeRecord

#: An outbox row's status: waiting for its first send, sent, refused or unreachable at the
#: last attempt (retried), held back by the number's hourly limit (retried).
Status = Literal["pending", "sending", "sent", "failed", "deferred"]


class NotificationItem(BaseModel):
    """One message of the outbox."""

    key: str = Field(description="the history event it tells of (the workflow's key); the "
                     "provider's idempotency key")
    application_id: str
    tracking_code: str
    event: str = Field(description="`registered`, `card_available`, `stage_failed`, ... "
                       "(daftar.domain.notices.NoticeEvent)")
    channel: str = Field(description="`sms`")
    to: str = Field(description="the mobile number, masked: `0912***4567`")
    template: str = Field(description="the template and its version, e.g. `registered.v1`")
    text: str = Field(description="the Persian text sent (it names the tracking code, never "
                      "the national id nor a reason)")
    status: Status
    attempts: int = Field(description="calls of the SMS provider")
    last_error: str | None = Field(description="why the last attempt failed or was deferred")
    created_at: datetime
    sent_at: datetime | None
    sent_at_jalali: str | None = Field(description="`sent_at`, Jalali in Asia/Tehran time")


class NotificationPage(BaseModel):
    """One page of the outbox, newest first, and how many messages match in all."""

    items: list[NotificationItem]
    total: int
    page: int
    size: int


@dataclass(frozen=True, slots=True)
class LocalMessage:
    """A message the local SMS provider stored instead of sending it."""

    to: str  # masked
    text: str
    idempotency_key: str
    at: datetime


def item(row: NoticeRecord) -> NotificationItem:
    """An outbox row as staff read it."""
    sent_at = row.sent_at.astimezone(UTC) if row.sent_at else None
    return NotificationItem(
        key=row.key, application_id=row.application_id, tracking_code=row.tracking_code,
        event=row.event, channel=row.channel, to=mask_mobile(row.to), template=row.template,
        text=row.text, status=row.status,  # type: ignore[arg-type]
        attempts=row.attempts, last_error=row.last_error,
        created_at=row.created_at.astimezone(UTC), sent_at=sent_at,
        sent_at_jalali=format_instant(sent_at) if sent_at else None)


def page_of(session: Session, *, application_id: str | None = None,
            status: Status | None = None, page: int = 1, size: int = 50) -> NotificationPage:
    """The outbox, newest first: one application's messages, or all, by status."""
    rows, total = outbox.list_notices(session, application_id=application_id, status=status,
                                      page=page, size=size)
    return NotificationPage(items=[item(r) for r in rows], total=total, page=page, size=size)


def console_page(session: Session, application: str | None, status: Status | None, *,
                 page: int, size: int) -> NotificationPage:
    """The console's page: `application` is a tracking code (any digits) or an id."""
    application_id = None
    if application:
        code = normalize_digits(application.strip())
        application_id = application_of_code(session, code) or code
    return page_of(session, application_id=application_id, status=status, page=page,
                   size=size)


def local_messages(session: Session, *, limit: int = 50) -> list[LocalMessage]:
    """The latest messages the local SMS provider stored, newest first."""
    return [LocalMessage(to=mask_mobile(m.to), text=m.text, idempotency_key=m.idempotency_key,
                         at=m.at) for m in outbox.local_messages(session, limit=limit)]
