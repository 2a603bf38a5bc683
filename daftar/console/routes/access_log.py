"""The auditors' access log: who read which applicant's personal data, and when."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from daftar.api.routes.access_log import access_filter
from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import page
from daftar.core.errors import ServiceError
from daftar.domain.digits import normalize_digits
from daftar.domain.stages import Role
from daftar.store.access_log import AccessFilter, AccessLogEntry, list_reads, tracking_codes
from daftar.store.queries import ApplicationFilter, list_applications

routes = router()

PAGE_SIZE = 50
#: The query parameters the filter form keeps across pages.
FILTER_KEYS = ("application", "actor", "since", "until")
#: What was read, in Persian (daftar.api.access.READS names them).
READ_LABELS: dict[str, str] = {
    "record": "پرونده (API)",
    "photo": "عکس (API)",
    "admission_card": "کارت ورود به جلسه (API)",
    "documents": "فهرست مدارک (API)",
    "document": "فایل مدرک (API)",
    "history": "سابقهٔ پرونده (API)",
    "export": "خروجی سابقه (API)",
    "console:application": "صفحهٔ پرونده",
    "console:photo": "عکس",
    "console:timeline": "سابقهٔ پرونده",
    "console:export": "خروجی سابقه",
}
Text = Annotated[str | None, Query(max_length=200)]


def _application_id(session: Session, text: str | None) -> str | None:
    """A tracking code (any digits) or an application id, as the application's id."""
    if not text:
        return None
    code = normalize_digits(text)
    rows, _ = list_applications(session, ApplicationFilter(tracking_code=code), page=1, size=1)
    return rows[0].application_id if rows else code


def _read(session: Session, flt: AccessFilter, application: str | None, page_no: int,
          ) -> tuple[list[AccessLogEntry], int, dict[str, str]]:
    flt = replace(flt, application_id=_application_id(session, application))
    rows, total = list_reads(session, flt, page=page_no, size=PAGE_SIZE)
    return rows, total, tracking_codes(session, (r.application_id for r in rows))


@routes.get("/access-log")
async def access_log(request: Request, who: ViewerDep, application: Text = None,
                     actor: Text = None, since: Text = None, until: Text = None,
                     page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
                     ) -> Response:
    """Staff reads of applicants' personal data, newest first, by application (tracking code
    or id), actor and Jalali period; auditors only."""
    need(who, Role.auditor)
    given = {"application": application, "actor": actor, "since": since, "until": until}
    # PostgreSQL's text cannot hold U+0000: a NUL typed into a filter matches nothing anyway.
    cleaned = {k: (v or "").replace("\x00", "").strip() for k, v in given.items()}
    params = {k: v for k, v in cleaned.items() if v}
    rows: list[AccessLogEntry] = []
    total, codes, error, status = 0, {}, None, 200
    try:
        flt = access_filter(actor=params.get("actor"), since=params.get("since"),
                            until=params.get("until"))
    except ServiceError as err:
        error, status = err, err.status
    else:
        rows, total, codes = await asyncio.to_thread(
            in_session, request, lambda s: _read(s, flt, params.get("application"), page_no))
    return page(request, "access_log.html", viewer=who, status=status,
                title="گزارش دسترسی", rows=rows, total=total, codes=codes, error=error,
                params=params, filter_keys=FILTER_KEYS, labels=READ_LABELS,
                page_no=page_no, pages=max(1, -(-total // PAGE_SIZE)))
