"""The auditor's view: an application's timeline, export, verification, replay; decisions.

An auditor finds an application and reads, exports, verifies and replays its timeline, and lists
what one reviewer decided within a range of Jalali days.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated

import structlog
from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import PREFIX, page, temporal_url
from daftar.console.session import Viewer, posted
from daftar.console.views import clean_text
from daftar.domain.jalali import JalaliDate, parse_jalali
from daftar.domain.stages import Role
from daftar.gateway.replay import ReplayVerdict
from daftar.services import audit
from daftar.services.audit import MAX_EXPORT_BYTES, Verification
from daftar.services.decision_log import PAGE_SIZE, LoggedDecision, decisions_of, reviewers

routes = router()
_log = structlog.get_logger(__name__)


Text = Annotated[str | None, Query(max_length=200)]


@dataclass
class DecisionLog:
    """The decisions view of the auditor's home: its filter, its page, or why it was refused."""

    reviewers: list[str]
    reviewer: str = ""
    since: str = ""
    until: str = ""
    asked: bool = False
    rows: list[LoggedDecision] = field(default_factory=list)
    total: int = 0
    #: The Persian sentences of what was wrong with the filter.
    problems: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict[str, str]:
        """The filter as query parameters, for the pager."""
        return {"reviewer": self.reviewer, "since": self.since, "until": self.until}


def _day(text: str, label: str, problems: list[str]) -> JalaliDate | None:
    if not text:
        return None
    try:
        return parse_jalali(text)
    except ValueError:
        problems.append(f"«{text}» در خانهٔ «{label}» روز شمسی درستی نیست: سال/ماه/روز بنویسید، "
                        "مثلاً ۱۴۰۵/۰۹/۰۱ (تاریخ‌ها شمسی و به وقت تهران‌اند؛ REQUEST).")
        return None


def decision_log(session: Session, reviewer: str | None, since: str | None, until: str | None,
                 page_no: int) -> DecisionLog:
    """The decisions view for the filter given (none asked when no reviewer is named)."""
    # PostgreSQL's text cannot hold U+0000: a NUL typed into a field matches nothing anyway.
    reviewer, since, until = ((v or "").replace("\x00", "") for v in (reviewer, since, until))
    log = DecisionLog(reviewers=reviewers(session), reviewer=clean_text(reviewer) or "",
                      since=clean_text(since, 40) or "", until=clean_text(until, 40) or "")
    if not log.reviewer:
        return log
    log.asked = True
    start = _day(log.since, "از روز", log.problems)
    end = _day(log.until, "تا روز", log.problems)
    if start is not None and end is not None and end < start:
        log.problems.append("«تا روز» پیش از «از روز» است؛ بازه را درست کنید (REQUEST).")
    if not log.problems:
        log.rows, log.total = decisions_of(session, log.reviewer, start, end, page=page_no)
    return log


@routes.get("/audit")
async def find(request: Request, who: ViewerDep,
               q: Annotated[str | None, Query(max_length=64)] = None,
               reviewer: Text = None, since: Text = None, until: Text = None,
               page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
               ) -> Response:
    """The auditor's home: a search, and a reviewer's decisions.

    A tracking code (or application id) leads to the application's timeline; a reviewer and a
    range of days list the reviewer's decisions, newest first.
    """
    need(who, Role.auditor, Role.admin)
    missing = False
    if q and q.strip():
        target = await asyncio.to_thread(in_session, request,
                                         lambda s: audit.find_application(s, q))
        if target is not None:
            return RedirectResponse(f"{PREFIX}/applications/{target}/timeline", status_code=303)
        missing = True
    log: DecisionLog = await asyncio.to_thread(
        in_session, request, lambda s: decision_log(s, reviewer, since, until, page_no))
    return page(request, "audit.html", viewer=who, status=422 if log.problems else 200,
                title="حسابرسی", q=q or "", missing=missing, log=log, page_no=page_no,
                pages=max(1, -(-log.total // PAGE_SIZE)))


async def render_timeline(request: Request, who: Viewer, app_id: str, *, status: int = 200,
                          verdict: ReplayVerdict | None = None,
                          verification: Verification | None = None) -> Response:
    """The timeline page, with a replay's verdict or an export's check when given."""
    need(who, Role.auditor, Role.admin)
    events = await audit.application_timeline(request.app.state.client, app_id,
                                              who.principal)
    return page(request, "timeline.html", viewer=who, status=status, title="سابقهٔ پرونده",
                app_id=app_id, events=events, verdict=verdict, verification=verification,
                is_auditor=who.principal.has(Role.auditor),
                temporal=temporal_url(request.app.state.settings, app_id))


@routes.get("/applications/{app_id}/timeline")
async def timeline(request: Request, app_id: str, who: ViewerDep) -> Response:
    """The application's timeline, from its Temporal history."""
    return await render_timeline(request, who, app_id)


@routes.get("/applications/{app_id}/export")
async def export(request: Request, app_id: str, who: ViewerDep) -> Response:
    """The same JSON as `GET /v1/applications/{id}/history/export`, as a download."""
    need(who, Role.auditor)
    view = await audit.export_history(request.app.state.client, app_id)
    return Response(view.model_dump_json(), media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="{view.workflow_id}.json"',
        "Cache-Control": "no-store"})


@routes.post("/applications/{app_id}/verify")
async def verify(request: Request, app_id: str) -> Response:
    """Check an uploaded export: its digest against its history, and against Temporal's."""
    who, form = await posted(request)
    need(who, Role.auditor)
    upload = form.get("export")
    if not isinstance(upload, UploadFile) or not upload.filename:
        result = Verification(ok=False, problem="no_file")
    else:
        raw = await upload.read(MAX_EXPORT_BYTES + 1)
        result = await audit.verify_export(request.app.state.client, app_id, raw,
                                           objects=request.app.state.objects)
    return await render_timeline(request, who, app_id, verification=result,
                                 status=200 if result.ok else 422)


@routes.post("/applications/{app_id}/replay")
async def replay(request: Request, app_id: str) -> Response:
    """Replay the live history on the running code, as `POST /v1/audit/replay` does."""
    who, _ = await posted(request)
    need(who, Role.auditor)
    verdict = await audit.replay_application(request.app.state.client,
                                             request.app.state.settings, app_id)
    if not verdict.deterministic:  # the page says so in Persian; the detail is for engineers
        _log.warning("replay_not_deterministic", application=app_id, error=verdict.error)
    return await render_timeline(request, who, app_id, verdict=verdict)
