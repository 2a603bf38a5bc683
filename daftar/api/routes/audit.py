"""Auditors' tools over HTTP: timeline, export and replay of histories (docs/api.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from daftar.api.auth import require
from daftar.api.errors import responses
from daftar.core.errors import ServiceError
from daftar.domain.stages import Role
from daftar.domain.violations import Violation
from daftar.gateway.replay import ReplayVerdict
from daftar.services import audit
from daftar.services.audit import ExportView
from daftar.services.auth import Principal
from daftar.services.timeline import TimelineEvent

router = APIRouter(tags=["audit"], responses=responses(
    401, 403, 404, 422, 503, e404="Unknown application"))


@router.get("/v1/applications/{app_id}/history", response_model=list[TimelineEvent])
async def history(app_id: str, request: Request,
                  principal: Annotated[Principal, Depends(require(Role.auditor, Role.admin))],
                  ) -> list[TimelineEvent]:
    """The timeline from the Temporal history: every event that matters to a person.

    With actor and rule ids; security reasons (SEC-1) only for the roles that may read them.
    """
    return await audit.application_timeline(request.app.state.client, app_id, principal)


@router.get("/v1/applications/{app_id}/history/export", response_model=ExportView)
async def export(app_id: str, request: Request,
                 _: Annotated[Principal, Depends(require(Role.auditor))]) -> ExportView:
    """The raw Temporal history (the CLI's JSON) and the SHA-256 of that exact text."""
    return await audit.export_history(request.app.state.client, app_id)


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
    settings = request.app.state.settings
    if body.application_id is not None:
        return await audit.replay_application(request.app.state.client, settings,
                                              body.application_id)
    return await audit.replay_exported(settings, body.workflow_id, body.history or {})
