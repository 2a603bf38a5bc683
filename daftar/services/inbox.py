"""The reviewer's inbox in the console.

Waiting applications oldest first, the team's saved filters, a batch's rows, and each applicant's
QUAL-1 checklist for a batch.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlmodel import Session

from daftar.core.errors import ServiceError
from daftar.domain.decisions import qualification_checklist
from daftar.domain.registration import Gender
from daftar.domain.stages import Role
from daftar.gateway.workflows import Applicants
from daftar.services.listing import ApplicationFilter, Row, row_of, rows_page
from daftar.services.places import city_names
from daftar.services.schemas import BatchResult
from daftar.store import filters, queries
from daftar.store.models import SavedFilter
from daftar.store.reads import application_record

__all__ = ["InboxPage", "SavedFilter", "batch_rows", "checklists", "delete_filter",
           "inbox_page", "save_filter"]

#: State queries in flight at once while a qualification batch learns each applicant's gender.
STATE_CONCURRENCY = 8


@dataclass
class InboxPage:
    """One page of the inbox, how many wait in all, and the team's saved filters."""

    rows: list[Row]
    total: int
    saved: list[SavedFilter]
    #: The cities the city filter offers: the filtered cycle's, or every cycle's.
    cities: list[str] = field(default_factory=list)


def inbox_page(session: Session, flt: ApplicationFilter, team: Role | None, *, page: int,
               size: int) -> InboxPage:
    """The applications matching `flt` (its stages the viewer's), oldest first."""
    rows, total = rows_page(session, flt, page=page, size=size, oldest_first=True)
    return InboxPage(rows=rows, total=total,
                     saved=filters.list_filters(session, team.value) if team else [],
                     cities=city_names(queries.city_names(session, flt.cycle)))


def batch_rows(session: Session, result: BatchResult) -> list[Row]:
    """The rows a batch decided, each with its result, for those the read model has."""
    out = []
    for item in result.results:
        record = application_record(session, item.application_id)
        if record is None:
            continue
        row = row_of(record)
        row.result = item.model_dump(mode="json")
        out.append(row)
    return out


async def checklists(applicants: Applicants, ids: list[str],
                     checked: set[str]) -> dict[str, dict[str, bool] | None]:
    """Each applicant's QUAL-1 checklist, marked as `checked` says.

    GEN-3 is for men only and AGE-1 not for veterans (exempt). An applicant whose state cannot
    be read gets the longest list (the workflow judges it).
    """
    limit = asyncio.Semaphore(STATE_CONCURRENCY)

    async def one(app_id: str) -> dict[str, bool] | None:
        async with limit:
            try:
                state = await applicants.state(app_id)
            except ServiceError:
                return {r: r in checked
                        for r in qualification_checklist(male=True, veteran=False)}
        items = qualification_checklist(male=state.form.gender == Gender.MALE,
                                        veteran=state.veteran)
        return {r: r in checked for r in items}

    marked = await asyncio.gather(*(one(i) for i in ids))
    return dict(zip(ids, marked, strict=True))


def save_filter(session: Session, team: Role, name: str, params: dict[str, str],
                by: str) -> None:
    """Save `params` under `name` for the team (a filter of that name is replaced)."""
    filters.save_filter(session, team.value, name, params, by)


def delete_filter(session: Session, team: Role, filter_id: int) -> None:
    """Delete one of the team's saved filters, if it is there."""
    filters.delete_filter(session, team.value, filter_id)
