"""Reads of the read model for lists, inboxes and counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from daftar.domain.places import province_spellings
from daftar.store.models import (
    OVERDUE_STAGES_SQL,
    ApplicationRecord,
    CityRecord,
    CycleRecord,
    StageCount,
)


@dataclass(frozen=True)
class ApplicationFilter:
    """Which applications a list shows; a field left empty filters nothing."""

    cycle: int | None = None
    stages: Sequence[str] = ()
    #: A province's code or name: matches the records stored with any of its spellings
    #: (`daftar.domain.places.province_spellings`).
    province: str | None = None
    city: str | None = None
    quota: str | None = None
    tracking_code: str | None = None
    #: Only the decisions an admin assigned to this reviewer (COR-3).
    assigned_to: str | None = None


def get_cycle(session: Session, year: int) -> CycleRecord | None:
    """The cycle of `year`, or None when there is none."""
    return session.get(CycleRecord, year)


def cities_of(session: Session, year: int) -> list[CityRecord]:
    """The cycle's cities in priority order."""
    stmt = select(CityRecord).where(CityRecord.cycle == year).order_by(
        col(CityRecord.priority), col(CityRecord.id))
    return list(session.exec(stmt))


def city_names(session: Session, year: int | None = None) -> list[str]:
    """The names of the cities the cycle lists (every cycle's, without `year`), each once."""
    stmt = select(CityRecord.city).distinct()
    if year is not None:
        stmt = stmt.where(CityRecord.cycle == year)
    return list(session.exec(stmt))


def stage_counts(session: Session, year: int) -> dict[str, int]:
    """How many of the cycle's applications are at each stage (stages with none left out).

    Summed from the per-province counters (`stage_counts`), which every write of a row keeps
    exact in its own transaction: a few rows, however many applications the cycle has.
    """
    stmt = (select(StageCount.stage, func.sum(StageCount.n))
            .where(StageCount.cycle == year)
            .group_by(col(StageCount.stage))
            .having(func.sum(StageCount.n) > 0))
    return {stage: int(n) for stage, n in session.exec(stmt)}


def filter_conditions(flt: ApplicationFilter, *, tracking_code: bool = True) -> list[Any]:
    """The WHERE conditions of `flt`, the cycle and stages first as the indexes lead with them.

    `tracking_code`: whether to match the filter's tracking code whole (a caller that searches
    codes its own way leaves it out).
    """
    conditions = _by_stage(flt, ApplicationRecord)
    if flt.city:
        conditions.append(ApplicationRecord.city == flt.city)
    if flt.quota:
        conditions.append(ApplicationRecord.quota == flt.quota)
    if flt.tracking_code and tracking_code:
        conditions.append(ApplicationRecord.tracking_code == flt.tracking_code)
    if flt.assigned_to:
        conditions.append(ApplicationRecord.claimed_by == flt.assigned_to)
        conditions.append(col(ApplicationRecord.claim_assigned_by).is_not(None))
    return conditions


def _by_stage(flt: ApplicationFilter,
              table: type[ApplicationRecord] | type[StageCount]) -> list[Any]:
    """`flt`'s cycle, stages and province as conditions on `table`.

    The applications and their counters share those columns.
    """
    conditions: list[Any] = []
    if flt.cycle is not None:
        conditions.append(col(table.cycle) == flt.cycle)
    if flt.stages:
        conditions.append(col(table.stage).in_(list(flt.stages)))
    if flt.province:
        # By code, Persian or English name: records hold the code, older ones the name.
        conditions.append(col(table.province).in_(province_spellings(flt.province)))
    return conditions


def counted_by_stage(flt: ApplicationFilter) -> bool:
    """Whether `flt` filters only by cycle, stage and province: what the counters count."""
    return not (flt.city or flt.quota or flt.tracking_code or flt.assigned_to)


def count_applications(session: Session, flt: ApplicationFilter) -> int:
    """How many applications match `flt`.

    A filter by cycle, stage and province only is summed from the counters (`stage_counts`,
    kept exact with the rows): a few rows instead of every matching application's.
    """
    if not counted_by_stage(flt):
        return int(session.exec(select(func.count()).select_from(ApplicationRecord)
                                .where(*filter_conditions(flt))).one())
    total = session.exec(select(func.coalesce(func.sum(StageCount.n), 0))
                         .where(*_by_stage(flt, StageCount))).one()
    return int(total)


def page_of(session: Session, conditions: Sequence[Any], order: Sequence[Any], *,
            page: int, size: int) -> list[ApplicationRecord]:
    """Page `page` of the applications meeting `conditions` in `order`.

    `order` must end with the primary key, so that it is total. A deferred join: the page's
    keys are found first, from an index alone where one serves the conditions and the order,
    so that skipping the rows of the pages before costs index entries rather than whole rows;
    then only those rows are read. One statement, so one snapshot.
    """
    keys = (select(col(ApplicationRecord.application_id).label("key"))
            .where(*conditions).order_by(*order)
            .offset((page - 1) * size).limit(size)
            .subquery("page_keys"))
    stmt = (select(ApplicationRecord)
            .join(keys, col(ApplicationRecord.application_id) == keys.c.key)
            .order_by(*order))
    return list(session.exec(stmt))


#: The orders of the lists: each an index's (models.py), read forwards or backwards.
NEWEST_FIRST = (col(ApplicationRecord.updated_at).desc(),
                col(ApplicationRecord.application_id).desc())
OLDEST_FIRST = (col(ApplicationRecord.stage_entered_at).asc(),
                col(ApplicationRecord.application_id).asc())


def list_applications(session: Session, flt: ApplicationFilter, *, page: int, size: int,
                      oldest_first: bool = False) -> tuple[list[ApplicationRecord], int]:
    """One page of applications matching `flt`, and how many match in all."""
    rows = page_of(session, filter_conditions(flt), OLDEST_FIRST if oldest_first
                   else NEWEST_FIRST, page=page, size=size)
    return rows, count_applications(session, flt)


def is_overdue(record: ApplicationRecord, now: datetime) -> bool:
    """One row past its SLA, or escalated: how lists and inboxes mark it."""
    return bool(record.due_at and record.due_at < now) or record.escalated


def _overdue(year: int, now: datetime) -> tuple[Any, ...]:
    """`is_overdue` in SQL, at the stages that wait on a person.

    The stages are written out in the statement, as `ix_applications_overdue`'s condition
    writes them (`OVERDUE_STAGES_SQL`): only then may either database read that partial
    index (a prepared statement's parameters would hide them).
    """
    return (ApplicationRecord.cycle == year, text(OVERDUE_STAGES_SQL),
            or_(col(ApplicationRecord.due_at) < now, col(ApplicationRecord.escalated)))


def count_overdue(session: Session, year: int, now: datetime) -> int:
    """How many of the cycle's applications are overdue at `now`."""
    return int(session.exec(select(func.count()).select_from(ApplicationRecord)
                            .where(*_overdue(year, now))).one())


def list_overdue(session: Session, year: int, now: datetime, *, page: int,
                 size: int) -> tuple[list[ApplicationRecord], int]:
    """One page of the cycle's overdue applications, the longest overdue first.

    The order is `ix_applications_overdue`'s (a partial index of the waiting stages' rows,
    holding the escalation too): the page's keys are read from that index alone, in order,
    however deep the page.
    """
    rows = page_of(session, _overdue(year, now),
                   (col(ApplicationRecord.due_at), col(ApplicationRecord.application_id)),
                   page=page, size=size)
    return rows, count_overdue(session, year, now)
