"""Cycles and their cities: reference data the admin writes (README: "Code layout")."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from daftar.store.models import ApplicationRecord, CityRecord, CycleRecord, PlacementRecord


class CycleExists(Exception):
    """The year has a cycle already."""


def insert_cycle(session: Session, *, year: int, config: dict[str, Any], created_at: datetime,
                 cities: Iterable[CityRecord]) -> None:
    """Add the cycle and its cities and commit.

    Raises:
        CycleExists: The year has a cycle, or a concurrent request created it first.
    """
    if session.get(CycleRecord, year) is not None:
        raise CycleExists(year)
    try:
        session.add(CycleRecord(year=year, config=config, created_at=created_at))
        session.flush()  # the cycle row first: cities refer to it
    except IntegrityError as err:  # a concurrent request created the same year
        session.rollback()
        raise CycleExists(year) from err
    session.add_all(cities)
    session.commit()


def cycle_years(session: Session) -> list[int]:
    """Every cycle's year, the latest first."""
    return list(session.exec(select(CycleRecord.year).order_by(col(CycleRecord.year).desc())))


def apply_amendment(session: Session, year: int, number: int, config: dict[str, Any],
                    cities: Iterable[CityRecord]) -> bool:
    """Store amendment `number` of the cycle: its whole configuration and its changed cities.

    Idempotent: an amendment the row already includes (`config["amendments"]`) is not written
    again, so a retried activity changes nothing. Commits.

    Returns:
        Whether this call wrote it.
    """
    record = session.exec(select(CycleRecord).where(CycleRecord.year == year)
                          .with_for_update()).one()
    if int(record.config.get("amendments", 0)) >= number:
        return False
    record.config = {**config, "amendments": number}
    session.add(record)
    for change in cities:
        stored = session.exec(select(CityRecord).where(
            CityRecord.cycle == year, CityRecord.province == change.province,
            CityRecord.city == change.city)).first()
        if stored is None:
            session.add(CityRecord(cycle=year, province=change.province, city=change.city,
                                   capacity=change.capacity, priority=change.priority,
                                   neighbours=change.neighbours))
        else:
            stored.capacity, stored.priority = change.capacity, change.priority
            stored.neighbours = change.neighbours
            session.add(stored)
    session.commit()
    return True


def seats_given(session: Session, year: int) -> dict[tuple[str, str], int]:
    """Seats launch rounds have given so far in each city, by (province, city) (LAUNCH-1)."""
    rows = session.exec(
        select(PlacementRecord.province, PlacementRecord.city, func.count())
        .where(PlacementRecord.cycle == year)
        .group_by(col(PlacementRecord.province), col(PlacementRecord.city)))
    return {(p, c): int(n) for p, c, n in rows}


def open_applications(session: Session, year: int, stages: Collection[str], after: str,
                      limit: int, registered_since: datetime | None = None) -> list[str]:
    """A page of the ids of the cycle's applications at `stages`, in id order after `after`.

    With `registered_since`, only those registered at or after it.
    """
    query = (select(ApplicationRecord.application_id)
             .where(ApplicationRecord.cycle == year,
                    col(ApplicationRecord.stage).in_(list(stages)),
                    ApplicationRecord.application_id > after))
    if registered_since is not None:
        query = query.where(ApplicationRecord.registered_at >= registered_since)
    return list(session.exec(query.order_by(col(ApplicationRecord.application_id))
                             .limit(limit)))


def mark_closed(session: Session, year: int, at: datetime) -> None:
    """Record that the cycle was closed at `at` (its configuration's `closed_at`). Commits."""
    record = session.get(CycleRecord, year)
    if record is not None and "closed_at" not in record.config:
        record.config = {**record.config, "closed_at": at.isoformat()}
        session.add(record)
        session.commit()
