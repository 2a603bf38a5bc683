"""NOTE-1's outbox for admins and auditors: every SMS to applicants, its status and attempts.

Read-only: messages are sent by the workflows' notice activity, never through the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from daftar.api.auth import require
from daftar.api.deps import SessionDep
from daftar.api.errors import responses
from daftar.domain.stages import Role
from daftar.services import notifications as service
from daftar.services.auth import Principal
from daftar.services.notifications import NotificationPage, Status
from daftar.services.schemas import Text

router = APIRouter(tags=["audit"], responses=responses(401, 403, 422, 503))


@router.get("/v1/notifications", response_model=NotificationPage)
def notifications(
    session: SessionDep,
    _: Annotated[Principal, Depends(require(Role.admin, Role.auditor))],
    application_id: Annotated[Text | None, Query(max_length=32)] = None,
    status: Status | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> NotificationPage:
    """The SMS outbox (NOTE-1), newest first: one application's messages, or all by status.

    Each message: its event, channel, number (masked), template, text, status (`pending`,
    `sent`, `failed` or `deferred` by the number's hourly limit; failed and deferred ones are
    retried), attempts, last error and when it was sent.
    """
    return service.page_of(session, application_id=(application_id or "").strip() or None,
                           status=status, page=page, size=size)
