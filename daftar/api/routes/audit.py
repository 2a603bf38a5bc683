"""Auditors' tools over HTTP: timeline, export and replay of histories (API.md)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from temporalio.client import Client, WorkflowHistory

from daftar.api.auth import Principal, require
from daftar.api.errors import responses
from daftar.audit.archive import history_json, sha256_hex
from daftar.audit.timeline import TimelineEvent, timeline
from daftar.contracts.ids import applicant_workflow_id
from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.redaction import reads_reason
from daftar.domain.stages import Role
from daftar.domain.violations import Violation
from daftar.gateway.replay import ReplayVerdict, replay, replayer
from daftar.gateway.workflows import history_of

router = APIRouter(tags=["audit"], responses=responses(
    401, 403, 404, 422, 503, e404="Unknown application"))


@router.get("/v1/applications/{app_id}/history", response_model=list[TimelineEvent])
async def history(app_id: str, request: Request,
                  principal: Annotated[Principal, Depends(require(Role.auditor, Role.admin))],
                  ) -> list[TimelineEvent]:
    """The timeline from the Temporal history: every event that matters to a person, with
    actor and rule ids; security reasons (SEC-1) only for the roles that may read them."""
    return await application_timeline(request.app.state.client, app_id, principal)


async def application_timeline(client: Client, app_id: str,
                               principal: Principal) -> list[TimelineEvent]:
    """The application's timeline as `principal` may read it (the route's and the console's)."""
    events = await timeline(await history_of(client, app_id), client.data_converter)
    for e in events:
        if e.kind == "decision" and not reads_reason(e.stage or "", principal.roles):
            e.reason = None
    return events


class ExportView(BaseModel):
    workflow_id: str
    sha256: str
    history: dict[str, Any]


@router.get("/v1/applications/{app_id}/history/export", response_model=ExportView)
async def export(app_id: str, request: Request,
                 _: Annotated[Principal, Depends(require(Role.auditor))]) -> ExportView:
    """The raw Temporal history (the CLI's JSON) and the SHA-256 of that exact text."""
    return await export_history(request.app.state.client, app_id)


async def export_history(client: Client, app_id: str) -> ExportView:
    """The application's history export (the route's and the console's download)."""
    text = history_json(await history_of(client, app_id))
    return ExportView(workflow_id=applicant_workflow_id(app_id), sha256=sha256_hex(text.encode()),
                      history=json.loads(text))


class ReplayBody(BaseModel):
    """Either a live application, or an exported history (with its workflow id)."""

    model_config = ConfigDict(extra="forbid")
    application_id: str | None = None
    workflow_id: str | None = None
    history: dict[str, Any] | None = None


@router.post("/v1/audit/replay", response_model=ReplayVerdict, responses=responses(
    422, e422="Malformed, neither an application nor a history, or an unreadable history"))
async def replay_one(body: ReplayBody, request: Request,
                     _: Annotated[Principal, Depends(require(Role.auditor))]) -> ReplayVerdict:
    """Replay a history against the running code: deterministic or not, with the mismatch."""
    if (body.application_id is None) == (body.history is None):
        raise ServiceError(422, "invalid_request", "Send either application_id or history.",
                       [Violation(rule="REQUEST", message="application_id or history")])
    if body.application_id is not None:
        return await replay_application(request.app.state.client,
                                        request.app.state.settings, body.application_id)
    try:
        history = WorkflowHistory.from_json(body.workflow_id or "exported", body.history or {})
    except Exception as err:  # any unreadable history is the caller's input
        raise ServiceError(422, "invalid_request", f"The history cannot be read: {err}.",
                       [Violation(rule="REQUEST", field="history", message=str(err))]) from err
    return await _replay_one(history, request.app.state.settings)


async def replay_application(client: Client, settings: Settings, app_id: str) -> ReplayVerdict:
    """Replay a live application's history on the running code (the route's and the
    console's verdict)."""
    return await _replay_one(await history_of(client, app_id), settings)


async def _replay_one(history: WorkflowHistory, settings: Settings) -> ReplayVerdict:
    [verdict] = await replay([history], using=replayer(settings.codec_keyring))
    return verdict
