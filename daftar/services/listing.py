"""Lists and inboxes of applications, served from the read model.

The API's pages and the console's rows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from daftar.core.errors import ServiceError
from daftar.domain.stages import INBOX_STAGES
from daftar.services.auth import Principal
from daftar.services.schemas import ApplicationItem, Page
from daftar.store.models import ApplicationRecord
from daftar.store.queries import ApplicationFilter, is_overdue, list_applications

__all__ = ["ApplicationFilter", "Row", "application_of_code", "applications_page",
           "inbox_page", "inbox_stages", "row_of", "rows_page"]


def inbox_stages(principal: Principal) -> list[str]:
    """The stages waiting for the principal's reviewing roles."""
    return sorted({s.value for r in principal.roles for s in INBOX_STAGES.get(r, ())})


def item(r: ApplicationRecord) -> ApplicationItem:
    """A read-model row as the API lists it."""
    return ApplicationItem(
        application_id=r.application_id, tracking_code=r.tracking_code, cycle=r.cycle,
        stage=r.stage, province=r.province, city=r.city, quota=r.quota,
        updated_at=r.updated_at, due_at=r.due_at,
        overdue=is_overdue(r, datetime.now(UTC)),
        claimed_by=r.claimed_by, claim_expires_at=r.claim_expires_at)


def applications_page(session: Session, flt: ApplicationFilter, *, page: int,
                      size: int) -> Page:
    """Applications matching `flt`, newest first."""
    rows, total = list_applications(session, flt, page=page, size=size)
    return Page(items=[item(r) for r in rows], total=total, page=page, size=size)


def inbox_page(session: Session, principal: Principal, flt: ApplicationFilter, *, page: int,
               size: int) -> Page:
    """The applications waiting for the principal's roles, oldest first, with due dates.

    Raises:
        ServiceError: 403 when the principal has no reviewing role.
    """
    stages = inbox_stages(principal)
    if not stages:
        raise ServiceError(403, "forbidden", "No reviewer role in the token.")
    flt = dataclasses.replace(flt, stages=stages)
    rows, total = list_applications(session, flt, page=page, size=size, oldest_first=True)
    return Page(items=[item(r) for r in rows], total=total, page=page, size=size)


def application_of_code(session: Session, code: str) -> str | None:
    """The application whose tracking code is `code`, if the read model has it."""
    rows, _ = list_applications(session, ApplicationFilter(tracking_code=code), page=1, size=1)
    return rows[0].application_id if rows else None


@dataclass
class Row:
    """One application in a console list."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: str
    province: str
    city: str
    quota: str
    waiting_since: datetime
    due_at: datetime | None
    overdue: bool
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    result: dict[str, object] | None = field(default=None)


def row_of(r: ApplicationRecord, now: datetime | None = None) -> Row:
    """A read-model row for a list; a claim past its expiry is shown as none."""
    now = now or datetime.now(UTC)
    claimed_by, expires = r.claimed_by, r.claim_expires_at
    if expires is not None and expires <= now:
        claimed_by, expires = None, None
    return Row(application_id=r.application_id, tracking_code=r.tracking_code, cycle=r.cycle,
               stage=r.stage, province=r.province, city=r.city, quota=r.quota,
               waiting_since=r.stage_entered_at, due_at=r.due_at,
               overdue=is_overdue(r, now),
               claimed_by=claimed_by, claim_expires_at=expires)


def rows_page(session: Session, flt: ApplicationFilter, *, page: int, size: int,
              oldest_first: bool = False) -> tuple[list[Row], int]:
    """One page of applications matching `flt` as console rows, and how many match."""
    rows, total = list_applications(session, flt, page=page, size=size,
                                    oldest_first=oldest_first)
    return [row_of(r) for r in rows], total
