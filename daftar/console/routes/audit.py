"""The auditor's view: find an application, read its timeline, export, verify and replay it."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import PREFIX, page, temporal_url
from daftar.console.session import Viewer, posted
from daftar.domain.stages import Role
from daftar.gateway.replay import ReplayVerdict
from daftar.services import audit
from daftar.services.audit import MAX_EXPORT_BYTES, Verification

routes = router()


@routes.get("/audit")
async def find(request: Request, who: ViewerDep,
               q: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """A tracking code (or application id) leads to the application's timeline."""
    need(who, Role.auditor, Role.admin)
    missing = False
    if q and q.strip():
        target = await asyncio.to_thread(in_session, request,
                                         lambda s: audit.find_application(s, q))
        if target is not None:
            return RedirectResponse(f"{PREFIX}/applications/{target}/timeline", status_code=303)
        missing = True
    return page(request, "audit.html", viewer=who, title="حسابرسی", q=q or "",
                missing=missing)


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
    return await render_timeline(request, who, app_id, verdict=verdict)
