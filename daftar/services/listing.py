"""Lists and inboxes of applications, served from the read model.

The API's pages and the console's rows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from daftar.core.errors import ServiceError
from daftar.domain.identity import application_id_of_tracking_code
from daftar.domain.places import city_label
from daftar.domain.stages import INBOX_STAGES
from daftar.domain.text import normalise_text
from daftar.services.auth import Principal
from daftar.services.schemas import ApplicationItem, Page
from daftar.store.models import ApplicationRecord
from daftar.store.queries import (
    OLDEST_FIRST,
    ApplicationFilter,
    count_applications,
    counted_by_stage,
    filter_conditions,
    is_overdue,
    list_applications,
    page_of,
)

__all__ = ["ApplicationFilter", "InboxQuery", "Row", "application_of_code", "applications_page",
           "inbox_page", "inbox_rows", "inbox_stages", "row_of", "rows_page"]

#: A tracking code's length (REG-3): a shorter run of digits is searched as its last digits.
CODE_LENGTH = 20


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
    #: The city as the console shows it: Persian where the reference data names it.
    city_fa: str = ""
    #: The applicant's first and last name ("" in a row written before the read model kept it).
    full_name: str = ""


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
               claimed_by=claimed_by, claim_expires_at=expires, city_fa=city_label(r.city),
               full_name=r.full_name)


def rows_page(session: Session, flt: ApplicationFilter, *, page: int, size: int,
              oldest_first: bool = False) -> tuple[list[Row], int]:
    """One page of applications matching `flt` as console rows, and how many match."""
    rows, total = list_applications(session, flt, page=page, size=size,
                                    oldest_first=oldest_first)
    return [row_of(r) for r in rows], total


@dataclass(frozen=True)
class InboxQuery:
    """What the console's inbox adds to a filter: a partial search, overdue only, the order."""

    #: The search box: digits are a whole tracking code or its last digits (REG-3), anything
    #: else part of the applicant's name.
    code: str | None = None
    overdue_only: bool = False
    #: `due`: the soonest deadline first; otherwise the oldest in its stage first.
    order: str = "waiting"
    #: The applications a searched national id has in the cycles searched (REG-5), for a viewer
    #: who may see national ids: matched besides the tracking codes ending in those digits.
    ids: tuple[str, ...] = ()


def search_digits(text: str) -> str | None:
    """`text` as a run of ASCII digits when it is one (spaces and dashes between ignored)."""
    digits = "".join(text.split()).replace("-", "")
    return digits if digits.isascii() and digits.isdigit() else None


def _like(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, its wildcards escaped (by a backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _code_condition(code: str) -> Any:
    """The rows whose tracking code is `code`, or ends in it when it is shorter."""
    whole = application_id_of_tracking_code(code) if len(code) == CODE_LENGTH else None
    if whole is not None:  # the primary key: one row at once
        return ApplicationRecord.application_id == whole
    if code.isdigit() and len(code) < CODE_LENGTH:
        return col(ApplicationRecord.tracking_code).like(f"%{code}")
    return ApplicationRecord.tracking_code == code


def _search(ask: InboxQuery) -> Any:
    """The rows the search box names: by tracking code, national id (`ask.ids`) or name.

    A name is compared in one spelling (Persian ی and ک for the Arabic letters, single spaces,
    as the read model keeps it), ignoring case where the database folds it.
    """
    text = ask.code or ""
    digits = search_digits(text)
    if digits is not None:
        found = _code_condition(digits)
        return or_(found, col(ApplicationRecord.application_id).in_(ask.ids)) if ask.ids \
            else found
    return col(ApplicationRecord.full_name).ilike(_like(normalise_text(text)), escape="\\")


def _conditions(flt: ApplicationFilter, ask: InboxQuery, now: datetime) -> list[Any]:
    """The filter's conditions (`daftar.store.queries.filter_conditions`) and the inbox's own."""
    out = filter_conditions(flt, tracking_code=False)
    if ask.code and ask.code.strip():
        out.append(_search(ask))
    elif flt.tracking_code:
        out.append(_code_condition(flt.tracking_code))
    if ask.overdue_only:  # `is_overdue` in SQL
        out.append(or_(col(ApplicationRecord.due_at) < now, col(ApplicationRecord.escalated)))
    return out


def inbox_rows(session: Session, flt: ApplicationFilter, ask: InboxQuery, *, page: int,
               size: int, exclude: frozenset[str] = frozenset(),
               now: datetime | None = None) -> tuple[list[Row], int]:
    """One page of the inbox as console rows, and how many match.

    `exclude`: applications just decided, which the read model may list a moment longer.
    The default order reads `ix_applications_cycle_stage_entered`, the deadline order
    `ix_applications_cycle_stage_due`: each sorts only the cycle's rows at the viewer's stages.
    A page's keys are found before its rows (`daftar.store.queries.page_of`); without a search,
    the overdue box or rows left out, the total is summed from the counters.
    """
    now = now or datetime.now(UTC)
    conditions = _conditions(flt, ask, now)
    if exclude:
        conditions.append(col(ApplicationRecord.application_id).not_in(sorted(exclude)))
    searched = bool(ask.code and ask.code.strip())
    if counted_by_stage(flt) and not (searched or ask.overdue_only or exclude):
        total = count_applications(session, flt)  # by cycle, stage and province only
    else:
        total = int(session.exec(
            select(func.count()).select_from(ApplicationRecord).where(*conditions)).one())
    if ask.order == "due":  # the soonest deadline first, rows without one last
        order: tuple[Any, ...] = (col(ApplicationRecord.due_at).is_(None),
                                  col(ApplicationRecord.due_at).asc(),
                                  col(ApplicationRecord.stage_entered_at).asc(),
                                  col(ApplicationRecord.application_id).asc())
    else:
        order = OLDEST_FIRST
    rows = page_of(session, conditions, order, page=page, size=size)
    return [row_of(r, now) for r in rows], total
