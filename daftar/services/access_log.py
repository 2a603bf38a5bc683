"""The access log: every staff read of an applicant's personal data.

Each is recorded before the read is served and read back by auditors (the API's `GET /v1/access-log`
and the console's page).

Read-only by design once written: nothing here changes an entry (and the database refuses
UPDATE and DELETE on the table, revision 0006).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session

from daftar.core.errors import ServiceError
from daftar.domain.digits import normalize_digits
from daftar.domain.jalali import day_end_utc, day_start_utc, format_instant, parse_jalali
from daftar.domain.violations import Violation
from daftar.services.listing import application_of_code
from daftar.store.access_log import AccessFilter, AccessLogEntry, list_reads, tracking_codes
from daftar.store.access_log import record_read as _record_read
from daftar.store.db import SessionFactory

__all__ = ["AccessFilter", "AccessLogEntry", "AccessLogItem", "AccessLogPage", "access_filter",
           "console_page", "page_of", "record_read"]

#: How a bound of a period is written.
BOUND = ("a Jalali day YYYY/MM/DD (Asia/Tehran; `until` includes the whole day) or an "
         "ISO 8601 instant with its zone, e.g. 2026-12-06T10:30:00Z")
#: Jalali years beyond this are Gregorian dates written with `-` (2026-12-06), not Jalali.
_LAST_JALALI_YEAR = 1699


class AccessLogItem(BaseModel):
    """One staff read of an applicant's personal data."""

    actor: str = Field(description="the reader's token subject")
    role: str = Field(description="the token's roles, comma-separated (usually one)")
    roles: list[str] = Field(description="the token's roles")
    application_id: str
    what: str = Field(description="what was read: `record`, `photo`, `history`, `export`, "
                      "`console:application`, `console:timeline`, `console:photo`, ...")
    at: datetime = Field(description="when, ISO 8601 UTC")
    at_jalali: str = Field(description="when, Jalali in Asia/Tehran time")
    request_id: str = Field(description="the request's id (`X-Request-ID`, and its log lines)")


class AccessLogPage(BaseModel):
    """One page of the access log, and how many entries match in all."""

    items: list[AccessLogItem]
    total: int
    page: int
    size: int


def item(entry: AccessLogEntry) -> AccessLogItem:
    """An entry as the API shows it."""
    return AccessLogItem(actor=entry.actor, role=",".join(entry.roles), roles=entry.roles,
                         application_id=entry.application_id, what=entry.what,
                         at=entry.at.astimezone(UTC), at_jalali=format_instant(entry.at),
                         request_id=entry.request_id)


def _malformed(field: str, message: str) -> ServiceError:
    return ServiceError(422, "invalid_request", "The request is malformed.",
                    [Violation(rule="REQUEST", field=field, message=message)])


def _instant(field: str, text: str, *, until: bool) -> datetime:
    """`text` as a bound: a Jalali day's start (its end for `until`), or an ISO instant.

    An ISO instant `until` includes that instant.
    """
    if ":" in text or "T" in text.upper():
        try:
            at = datetime.fromisoformat(text.upper())
        except ValueError as err:
            raise _malformed(field, f"{text!r} is not an ISO 8601 instant: {err}.") from err
        if at.tzinfo is None or at.utcoffset() is None:
            raise _malformed(field, f"{text!r} has no zone; end it with Z or an offset.")
        try:  # at the ends of the calendar, UTC or the next microsecond does not exist
            return at.astimezone(UTC) + timedelta(microseconds=1 if until else 0)
        except OverflowError as err:
            raise _malformed(field, f"{text!r} is out of range.") from err
    try:
        day = parse_jalali(text)
    except ValueError as err:
        raise _malformed(field, str(err)) from err
    if day.year > _LAST_JALALI_YEAR:
        raise _malformed(field, f"{text!r} looks like a Gregorian date; send {BOUND}.")
    return day_end_utc(day) if until else day_start_utc(day)


def access_filter(*, application_id: str | None = None, actor: str | None = None,
                  since: str | None = None, until: str | None = None) -> AccessFilter:
    """The filter of the auditors' query (the route's and the console's).

    Empty values are no filter. 422 for a bound that is not a date or an instant, or a `since` after
    `until`.
    """
    start = _instant("since", since.strip(), until=False) if since and since.strip() else None
    end = _instant("until", until.strip(), until=True) if until and until.strip() else None
    if start is not None and end is not None and start >= end:
        raise _malformed("since", "`since` is after `until`.")
    return AccessFilter(application_id=(application_id or "").strip() or None,
                        actor=(actor or "").strip() or None, since=start, until=end)


def page_of(session: Session, flt: AccessFilter, *, page: int, size: int) -> AccessLogPage:
    """One page of the entries matching `flt`, newest first."""
    rows, total = list_reads(session, flt, page=page, size=size)
    return AccessLogPage(items=[item(r) for r in rows], total=total, page=page, size=size)


def console_page(session: Session, flt: AccessFilter, application: str | None, *, page: int,
                 size: int) -> tuple[list[AccessLogEntry], int, dict[str, str]]:
    """The console's page of the access log.

    `application` is a tracking code (any digits) or an application id; the entries, how many match,
    and the tracking codes of their applications.
    """
    if application:
        code = normalize_digits(application)
        flt = replace(flt, application_id=application_of_code(session, code) or code)
    rows, total = list_reads(session, flt, page=page, size=size)
    return rows, total, tracking_codes(session, (r.application_id for r in rows))


def record_read(sessions: SessionFactory, *, actor: str, roles: Sequence[str],
                application_id: str, what: str, request_id: str) -> None:
    """Record one read now, committed before this returns (call it in a thread).

    The caller serves the read only after it.
    """
    with sessions() as session:
        _record_read(session, at=datetime.now(UTC), actor=actor, roles=roles,
                     application_id=application_id, what=what, request_id=request_id)
