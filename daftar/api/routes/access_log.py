"""The access log for auditors: who read which applicant's personal data, and when.

Read-only by design: the log has no route that changes it (and the database refuses UPDATE
and DELETE on it, revision 0006).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from daftar.api.auth import require
from daftar.api.deps import SessionDep
from daftar.api.errors import responses
from daftar.domain.stages import Role
from daftar.services import access_log as service
from daftar.services.access_log import BOUND, AccessLogPage
from daftar.services.auth import Principal
from daftar.services.schemas import Text

router = APIRouter(tags=["audit"], responses=responses(401, 403, 422, 503))

PageNo = Annotated[int, Query(ge=1, le=100_000)]
Size = Annotated[int, Query(ge=1, le=500)]
Bound = Annotated[str | None, Query(max_length=40, description=BOUND)]


@router.get("/v1/access-log", response_model=AccessLogPage)
def access_log(
    session: SessionDep,
    _: Annotated[Principal, Depends(require(Role.auditor))],
    application_id: Annotated[Text | None, Query(max_length=32)] = None,
    actor: Annotated[Text | None, Query(max_length=200, description="a token's subject")] = None,
    since: Bound = None,
    until: Bound = None,
    page: PageNo = 1,
    size: Size = 50,
) -> AccessLogPage:
    """Every staff read of an applicant's personal data, newest first.

    The record, photo, timeline, export, and the console's pages of one applicant: by application,
    by actor and by period. Auditors only; entries are never changed or removed.
    """
    flt = service.access_filter(application_id=application_id, actor=actor, since=since,
                                until=until)
    return service.page_of(session, flt, page=page, size=size)
