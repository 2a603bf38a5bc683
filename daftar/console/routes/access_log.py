"""The auditors' access log: who read which applicant's personal data, and when."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import page
from daftar.core.errors import ServiceError
from daftar.domain.stages import Role
from daftar.services.access_log import AccessLogEntry, access_filter, console_page

routes = router()

PAGE_SIZE = 50
#: The query parameters the filter form keeps across pages.
FILTER_KEYS = ("application", "actor", "since", "until")
#: What was read, in Persian (the API's access recorder, `READS`, names them).
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
    "console:admission_card": "کارت ورود به جلسه",
}
Text = Annotated[str | None, Query(max_length=200)]


@routes.get("/access-log")
async def access_log(request: Request, who: ViewerDep, application: Text = None,
                     actor: Text = None, since: Text = None, until: Text = None,
                     page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
                     ) -> Response:
    """Staff reads of applicants' personal data, newest first.

    By application (tracking code or id), actor and Jalali period; auditors only.
    """
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
            in_session, request, lambda s: console_page(s, flt, params.get("application"),
                                                        page=page_no, size=PAGE_SIZE))
    return page(request, "access_log.html", viewer=who, status=status,
                title="گزارش دسترسی", rows=rows, total=total, codes=codes, error=error,
                params=params, filter_keys=FILTER_KEYS, labels=READ_LABELS,
                page_no=page_no, pages=max(1, -(-total // PAGE_SIZE)))
