"""The reviewer's inbox in the console.

Waiting applications oldest first (or the soonest deadline first), the team's saved filters,
a batch's rows, and each applicant's QUAL-1 checklist for a batch.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field

from sqlmodel import Session

from daftar.core.errors import ServiceError
from daftar.domain.decisions import qualification_checklist
from daftar.domain.identity import application_id
from daftar.domain.registration import Gender
from daftar.domain.stages import Role
from daftar.gateway.workflows import Applicants
from daftar.services.listing import (
    ApplicationFilter,
    InboxQuery,
    Row,
    inbox_rows,
    row_of,
    search_digits,
)
from daftar.services.places import city_names
from daftar.services.schemas import BatchResult
from daftar.store import filters, queries
from daftar.store.cycles import cycle_years
from daftar.store.models import SavedFilter
from daftar.store.reads import application_record

__all__ = ["InboxPage", "SavedFilter", "batch_rows", "checklists", "delete_filter",
           "inbox_page", "national_id_applications", "save_filter"]

#: State queries in flight at once while a qualification batch learns each applicant's gender.
STATE_CONCURRENCY = 8
#: A national id's length (REG-5): only a search of exactly so many digits is one.
NATIONAL_ID_LENGTH = 10


@dataclass
class InboxPage:
    """One page of the inbox, how many wait in all, and the team's saved filters."""

    rows: list[Row]
    total: int
    saved: list[SavedFilter]
    #: The cities the city filter offers: the filtered cycle's, or every cycle's.
    cities: list[str] = field(default_factory=list)


def national_id_applications(session: Session, key: bytes, text: str,
                             cycle: int | None) -> tuple[str, ...]:
    """The application ids the national id `text` would have (REG-5), one per cycle searched.

    The read model keeps no national id; an application's id is derived from it (a keyed
    hash), so the id is computed in `cycle`, or in every cycle when none is chosen. Nothing
    unless `text` is ten digits.
    """
    digits = search_digits(text)
    if digits is None or len(digits) != NATIONAL_ID_LENGTH:
        return ()
    years = [cycle] if cycle is not None else cycle_years(session)
    return tuple(application_id(key, year, digits) for year in years)


def inbox_page(session: Session, flt: ApplicationFilter, team: Role | None, *, page: int,
               size: int, ask: InboxQuery | None = None,
               exclude: frozenset[str] = frozenset(),
               identity_key: bytes | None = None) -> InboxPage:
    """The applications matching `flt` (its stages the viewer's) and `ask`.

    Oldest first unless `ask` orders them by deadline; `exclude` (just decided) left out.
    `identity_key`, given only for a viewer who may see national ids, makes a search of ten
    digits find the applications of that national id too.
    """
    ask = ask or InboxQuery()
    if identity_key is not None and ask.code:
        ask = dataclasses.replace(ask, ids=national_id_applications(
            session, identity_key, ask.code, flt.cycle))
    rows, total = inbox_rows(session, flt, ask, page=page, size=size, exclude=exclude)
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
