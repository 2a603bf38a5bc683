"""NOTE-1's SMS outbox for admins and auditors, and the local provider's stored messages.

With the local SMS provider (`DAFTAR_SMS_PROVIDER=local`, the embedded stack's) nothing leaves
the machine: the page also lists the messages it stored, so a newcomer sees what applicants
would have been sent.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, get_args

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from daftar.console import labels
from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import page
from daftar.domain.stages import Role
from daftar.services.notifications import Status, console_page, local_messages

routes = router()

PAGE_SIZE = 50
#: How many of the local provider's latest messages the page shows.
LOCAL_SHOWN = 50
STATUSES: tuple[str, ...] = get_args(Status)
Text = Annotated[str | None, Query(max_length=200)]


@routes.get("/notifications")
async def notifications(request: Request, who: ViewerDep, application: Text = None,
                        status: Text = None,
                        page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
                        ) -> Response:
    """The SMS outbox, newest first, by application (tracking code or id) and status."""
    need(who, Role.admin, Role.auditor)
    given = {"application": application, "status": status}
    cleaned = {k: (v or "").replace("\x00", "").strip() for k, v in given.items()}
    params = {k: v for k, v in cleaned.items() if v}
    chosen: Any = params.get("status") if params.get("status") in STATUSES else None
    if chosen is None:
        params.pop("status", None)
    local = request.app.state.settings.sms_provider == "local"

    def read(session: Session) -> tuple[Any, Any]:
        found = console_page(session, params.get("application"), chosen, page=page_no,
                             size=PAGE_SIZE)
        return found, local_messages(session, limit=LOCAL_SHOWN) if local else []

    found, stored = await asyncio.to_thread(in_session, request, read)
    return page(request, "notifications.html", viewer=who, title="پیامک‌های متقاضیان",
                rows=found.items, total=found.total, params=params, statuses=STATUSES,
                events=labels.NOTICE_EVENTS, status_labels=labels.NOTICE_STATUSES,
                local=local, stored=stored, page_no=page_no,
                pages=max(1, -(-found.total // PAGE_SIZE)))
