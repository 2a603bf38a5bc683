"""Reads of the read model for lists, inboxes and counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from daftar.domain.places import province_spellings
from daftar.domain.stages import SLA_KEYS
from daftar.store.models import ApplicationRecord, CityRecord, CycleRecord


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
    """How many of the cycle's applications are at each stage (stages with none left out)."""
    stmt = (select(ApplicationRecord.stage, func.count())
            .where(ApplicationRecord.cycle == year)
            .group_by(col(ApplicationRecord.stage)))
    return {stage: int(n) for stage, n in session.exec(stmt)}


def filter_conditions(flt: ApplicationFilter, *, tracking_code: bool = True) -> list[Any]:
    """The WHERE conditions of `flt`, the cycle and stages first as the indexes lead with them.

    `tracking_code`: whether to match the filter's tracking code whole (a caller that searches
    codes its own way leaves it out).
    """
    conditions: list[Any] = []
    if flt.cycle is not None:
        conditions.append(ApplicationRecord.cycle == flt.cycle)
    if flt.stages:
        conditions.append(col(ApplicationRecord.stage).in_(list(flt.stages)))
    if flt.province:
        # By code, Persian or English name: records hold the code, older ones the name.
        conditions.append(col(ApplicationRecord.province).in_(province_spellings(flt.province)))
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


def list_applications(session: Session, flt: ApplicationFilter, *, page: int, size: int,
                      oldest_first: bool = False) -> tuple[list[ApplicationRecord], int]:
    """One page of applications matching `flt`, and how many match in all."""
    conditions = filter_conditions(flt)
    total = session.exec(
        select(func.count()).select_from(ApplicationRecord).where(*conditions)).one()
    # Each order is an index's (models.py), read forwards or backwards.
    order = ((col(ApplicationRecord.stage_entered_at).asc(),
              col(ApplicationRecord.application_id).asc()) if oldest_first
             else (col(ApplicationRecord.updated_at).desc(),
                   col(ApplicationRecord.application_id).desc()))
    stmt = (select(ApplicationRecord).where(*conditions)
            .order_by(*order)
            .offset((page - 1) * size).limit(size))
    return list(session.exec(stmt)), int(total)


def is_overdue(record: ApplicationRecord, now: datetime) -> bool:
    """One row past its SLA, or escalated: how lists and inboxes mark it."""
    return bool(record.due_at and record.due_at < now) or record.escalated


def _overdue(year: int, now: datetime) -> tuple[Any, ...]:
    """`is_overdue` in SQL, at the stages that wait on a person."""
    return (ApplicationRecord.cycle == year,
            col(ApplicationRecord.stage).in_([s.value for s in SLA_KEYS]),
            or_(col(ApplicationRecord.due_at) < now, col(ApplicationRecord.escalated)))


def count_overdue(session: Session, year: int, now: datetime) -> int:
    """How many of the cycle's applications are overdue at `now`."""
    return int(session.exec(select(func.count()).select_from(ApplicationRecord)
                            .where(*_overdue(year, now))).one())


def list_overdue(session: Session, year: int, now: datetime, *, page: int,
                 size: int) -> tuple[list[ApplicationRecord], int]:
    """One page of the cycle's overdue applications, the longest overdue first."""
    rows = session.exec(select(ApplicationRecord).where(*_overdue(year, now))
                        .order_by(col(ApplicationRecord.due_at),
                                  col(ApplicationRecord.application_id))
                        .offset((page - 1) * size).limit(size))
    return list(rows), count_overdue(session, year, now)
