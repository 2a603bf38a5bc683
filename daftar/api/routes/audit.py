"""Auditors' reading of an application's history (API.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from daftar.api.auth import Principal, require
from daftar.api.gateway import history_of
from daftar.api.views import SECURITY_REASON_ROLES
from daftar.audit.timeline import TimelineEvent, timeline
from daftar.domain.stages import Role

router = APIRouter(tags=["audit"])


@router.get("/v1/applications/{app_id}/history", response_model=list[TimelineEvent],
            responses={404: {"description": "Unknown application"}})
async def history(app_id: str, request: Request,
                  principal: Annotated[Principal, Depends(require(Role.auditor, Role.admin))],
                  ) -> list[TimelineEvent]:
    """The timeline from the Temporal history: every event that matters to a person, with
    actor and rule ids; security reasons (SEC-1) only for the roles that may read them."""
    client = request.app.state.client
    events = await timeline(await history_of(client, app_id), client.data_converter)
    if not principal.has(*SECURITY_REASON_ROLES):
        for e in events:
            if e.kind == "decision" and e.stage == "security":
                e.reason = None
    return events
