"""The auditor's view: find an application, read its timeline, export, verify and replay it."""

from __future__ import annotations

import asyncio
import hmac
import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from temporalio.client import WorkflowHistory

from daftar.api.routes.audit import (
    ExportView,
    application_timeline,
    export_history,
    replay_application,
)
from daftar.audit.archive import history_json, sha256_hex
from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import PREFIX, page, temporal_url
from daftar.console.session import Viewer, posted
from daftar.domain.digits import normalize_digits
from daftar.domain.stages import Role
from daftar.gateway.replay import ReplayVerdict
from daftar.store.queries import ApplicationFilter, list_applications

routes = router()

#: The largest export the verify form reads (a long history is a few hundred KB).
MAX_EXPORT_BYTES = 20 * 1024 * 1024


@dataclass
class Verification:
    """What checking an export found."""

    ok: bool
    workflow_id: str | None = None
    recorded: str | None = None
    computed: str | None = None
    events: int = 0
    live: bool | None = None  # the same digest as the history in Temporal now
    problem: str | None = None


@routes.get("/audit")
async def find(request: Request, who: ViewerDep,
               q: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """A tracking code (or application id) leads to the application's timeline."""
    need(who, Role.auditor, Role.admin)
    missing = False
    if q and q.strip():
        code = normalize_digits(q.strip())
        rows, _ = await asyncio.to_thread(in_session, request, lambda s: list_applications(
            s, ApplicationFilter(tracking_code=code), page=1, size=1))
        target = rows[0].application_id if rows else None
        if target is None and code.isalnum():
            target = code  # an application id: the timeline says if there is none
        if target is not None:
            return RedirectResponse(f"{PREFIX}/applications/{target}/timeline", status_code=303)
        missing = True
    return page(request, "audit.html", viewer=who, title="حسابرسی", q=q or "",
                missing=missing)


async def render_timeline(request: Request, who: Viewer, app_id: str, *, status: int = 200,
                          verdict: ReplayVerdict | None = None,
                          verification: Verification | None = None) -> Response:
    need(who, Role.auditor, Role.admin)
    events = await application_timeline(request.app.state.client, app_id, who.principal)
    return page(request, "timeline.html", viewer=who, status=status, title="سابقهٔ پرونده",
                app_id=app_id, events=events, verdict=verdict, verification=verification,
                is_auditor=who.principal.has(Role.auditor),
                temporal=temporal_url(request.app.state.settings, app_id))


@routes.get("/applications/{app_id}/timeline")
async def timeline(request: Request, app_id: str, who: ViewerDep) -> Response:
    return await render_timeline(request, who, app_id)


@routes.get("/applications/{app_id}/export")
async def export(request: Request, app_id: str, who: ViewerDep) -> Response:
    """The same JSON as `GET /v1/applications/{id}/history/export`, as a download."""
    need(who, Role.auditor)
    view = await export_history(request.app.state.client, app_id)
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
        result = _check(raw)
        if result.ok and result.computed:
            live = await export_history(request.app.state.client, app_id)
            result.live = hmac.compare_digest(live.sha256, result.computed)
    return await render_timeline(request, who, app_id, verification=result,
                                 status=200 if result.ok else 422)


def _check(raw: bytes) -> Verification:
    """Recompute the digest of the export's history as `history_json` writes it, so a
    changed event, added or removed, changes it; compare with the digest recorded."""
    if len(raw) > MAX_EXPORT_BYTES:
        return Verification(ok=False, problem="too_large")
    try:
        view = ExportView.model_validate_json(raw)
        history = WorkflowHistory.from_json(view.workflow_id, view.history)
    except (ValidationError, ValueError, json.JSONDecodeError, TypeError):
        return Verification(ok=False, problem="unreadable")
    except Exception:  # a protobuf parse error: the file is not a history
        return Verification(ok=False, problem="unreadable")
    computed = sha256_hex(history_json(history).encode())
    return Verification(ok=hmac.compare_digest(computed, view.sha256.lower()),
                        workflow_id=view.workflow_id, recorded=view.sha256,
                        computed=computed, events=len(history.events))


@routes.post("/applications/{app_id}/replay")
async def replay(request: Request, app_id: str) -> Response:
    """Replay the live history on the running code, as `POST /v1/audit/replay` does."""
    who, _ = await posted(request)
    need(who, Role.auditor)
    verdict = await replay_application(request.app.state.client, request.app.state.settings,
                                       app_id)
    return await render_timeline(request, who, app_id, verdict=verdict)
