"""Lists and inboxes, served from the read model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from daftar.api.auth import Principal, require
from daftar.api.deps import SessionDep
from daftar.api.errors import responses
from daftar.api.schemas import ApplicationItem, Page, Text, TextFilter, YearFilter
from daftar.core.errors import ServiceError
from daftar.domain.stages import INBOX_STAGES, STAFF_ROLES, Stage
from daftar.store.models import ApplicationRecord
from daftar.store.queries import ApplicationFilter, is_overdue, list_applications

router = APIRouter(tags=["lists"], responses=responses(401, 403, 422, 503))

PageNo = Annotated[int, Query(ge=1, le=100_000)]
Size = Annotated[int, Query(ge=1, le=500)]


@router.get("/v1/applications", response_model=Page)
def applications(
    session: SessionDep,
    _: Annotated[Principal, Depends(require(*STAFF_ROLES))],
    cycle: YearFilter = None,
    stage: Stage | None = None,
    province: TextFilter = None,
    city: TextFilter = None,
    quota: TextFilter = None,
    q: Annotated[Text | None, Query(description="a tracking code", max_length=32)] = None,
    page: PageNo = 1,
    size: Size = 50,
) -> Page:
    """Applications by cycle, stage, province, city, quota or tracking code; newest first."""
    flt = ApplicationFilter(cycle=cycle, stages=[stage.value] if stage else [],
                            province=province, city=city, quota=quota, tracking_code=q)
    rows, total = list_applications(session, flt, page=page, size=size)
    return Page(items=[_item(r) for r in rows], total=total, page=page, size=size)


@router.get("/v1/inbox", response_model=Page)
def inbox(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(*INBOX_STAGES))],
    cycle: YearFilter = None,
    province: TextFilter = None,
    city: TextFilter = None,
    page: PageNo = 1,
    size: Size = 50,
) -> Page:
    """The applications waiting for the caller's role, oldest first, with their due dates."""
    stages = sorted({s.value for r in principal.roles for s in INBOX_STAGES.get(r, ())})
    if not stages:
        raise ServiceError(403, "forbidden", "No reviewer role in the token.")
    flt = ApplicationFilter(cycle=cycle, stages=stages, province=province, city=city)
    rows, total = list_applications(session, flt, page=page, size=size, oldest_first=True)
    return Page(items=[_item(r) for r in rows], total=total, page=page, size=size)


def _item(r: ApplicationRecord) -> ApplicationItem:
    return ApplicationItem(
        application_id=r.application_id, tracking_code=r.tracking_code, cycle=r.cycle,
        stage=r.stage, province=r.province, city=r.city, quota=r.quota,
        updated_at=r.updated_at, due_at=r.due_at,
        overdue=is_overdue(r, datetime.now(UTC)),
        claimed_by=r.claimed_by, claim_expires_at=r.claim_expires_at)
