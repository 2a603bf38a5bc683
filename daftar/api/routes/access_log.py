"""The access log for auditors: who read which applicant's personal data, and when.

Read-only by design: the log has no route that changes it (and the database refuses UPDATE
and DELETE on it, revision 0006).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from daftar.api.auth import Principal, require
from daftar.api.deps import SessionDep
from daftar.api.errors import responses
from daftar.api.schemas import Text
from daftar.core.errors import ServiceError
from daftar.domain.jalali import day_end_utc, day_start_utc, format_instant, parse_jalali
from daftar.domain.stages import Role
from daftar.domain.violations import Violation
from daftar.store.access_log import AccessFilter, AccessLogEntry, list_reads

router = APIRouter(tags=["audit"], responses=responses(401, 403, 422, 503))

PageNo = Annotated[int, Query(ge=1, le=100_000)]
Size = Annotated[int, Query(ge=1, le=500)]
_BOUND = ("a Jalali day YYYY/MM/DD (Asia/Tehran; `until` includes the whole day) or an "
          "ISO 8601 instant with its zone, e.g. 2026-12-06T10:30:00Z")
Bound = Annotated[str | None, Query(max_length=40, description=_BOUND)]
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
    items: list[AccessLogItem]
    total: int
    page: int
    size: int


def item(entry: AccessLogEntry) -> AccessLogItem:
    return AccessLogItem(actor=entry.actor, role=",".join(entry.roles), roles=entry.roles,
                         application_id=entry.application_id, what=entry.what,
                         at=entry.at.astimezone(UTC), at_jalali=format_instant(entry.at),
                         request_id=entry.request_id)


def _malformed(field: str, message: str) -> ServiceError:
    return ServiceError(422, "invalid_request", "The request is malformed.",
                    [Violation(rule="REQUEST", field=field, message=message)])


def _instant(field: str, text: str, *, until: bool) -> datetime:
    """`text` as a bound: a Jalali day's start (its end for `until`), or an ISO instant
    (for `until` including that instant)."""
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
        raise _malformed(field, f"{text!r} looks like a Gregorian date; send {_BOUND}.")
    return day_end_utc(day) if until else day_start_utc(day)


def access_filter(*, application_id: str | None = None, actor: str | None = None,
                  since: str | None = None, until: str | None = None) -> AccessFilter:
    """The filter of the auditors' query (the route's and the console's); empty values are
    no filter. 422 for a bound that is not a date or an instant, or a `since` after `until`."""
    start = _instant("since", since.strip(), until=False) if since and since.strip() else None
    end = _instant("until", until.strip(), until=True) if until and until.strip() else None
    if start is not None and end is not None and start >= end:
        raise _malformed("since", "`since` is after `until`.")
    return AccessFilter(application_id=(application_id or "").strip() or None,
                        actor=(actor or "").strip() or None, since=start, until=end)


@router.get("/v1/access-log", response_model=AccessLogPage)
def access_log(
    session: SessionDep,
    _: Annotated[Principal, Depends(require(Role.auditor))],
    application_id: Annotated[Text | None, Query(max_length=32)] = None,
    actor: Annotated[Text | None, Query(max_length=200, description="a token's subject")] = None,
    since: Bound = None,
    until: Bound = None,
    page: PageNo = 1,
    size: Size = 50,
) -> AccessLogPage:
    """Every staff read of an applicant's personal data (the record, photo, timeline,
    export, and the console's pages of one applicant), newest first: by application, by
    actor and by period. Auditors only; entries are never changed or removed."""
    flt = access_filter(application_id=application_id, actor=actor, since=since, until=until)
    rows, total = list_reads(session, flt, page=page, size=size)
    return AccessLogPage(items=[item(r) for r in rows], total=total, page=page, size=size)

