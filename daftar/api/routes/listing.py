"""Lists and inboxes, served from the read model."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from daftar.api.auth import require
from daftar.api.deps import SessionDep
from daftar.api.errors import responses
from daftar.api.schemas import TextFilter, YearFilter
from daftar.domain.stages import INBOX_STAGES, STAFF_ROLES, Stage
from daftar.services import listing
from daftar.services.auth import Principal
from daftar.services.listing import ApplicationFilter
from daftar.services.schemas import Page, Text

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
    return listing.applications_page(session, flt, page=page, size=size)


@router.get("/v1/inbox", response_model=Page)
def inbox(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(*INBOX_STAGES))],
    cycle: YearFilter = None,
    province: TextFilter = None,
    city: TextFilter = None,
    assigned: Annotated[bool, Query(
        description="Only the decisions an admin assigned to the caller (COR-3)")] = False,
    page: PageNo = 1,
    size: Size = 50,
) -> Page:
    """The applications waiting for the caller's role, oldest first, with their due dates."""
    flt = ApplicationFilter(cycle=cycle, province=province, city=city,
                            assigned_to=principal.sub if assigned else None)
    return listing.inbox_page(session, principal, flt, page=page, size=size)
