"""Cycles and their cities: reference data the admin writes (README: "Code layout")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from daftar.store.models import CityRecord, CycleRecord


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
