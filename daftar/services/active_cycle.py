"""The cycle the staff work on now: the one a page opens on when none is asked for.

A cycle is *active* while its registration window holds today (REG-1); when none does, the
open one (registration has opened and an admin has not closed it) is; failing both, the
latest cycle. Among several of a kind, the latest year.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from daftar.domain.cycles import registration_window
from daftar.store.models import CycleRecord


def active_year(session: Session, now: datetime | None = None) -> int | None:
    """The active cycle's year at `now` (None when there is no cycle)."""
    now = now or datetime.now(UTC)
    holding: list[int] = []
    opened: list[int] = []
    latest: int | None = None
    for year, config in session.exec(select(CycleRecord.year, CycleRecord.config)
                                      .order_by(col(CycleRecord.year).desc())):
        latest = year if latest is None else latest
        if "closed_at" in config:
            continue
        try:
            opens, closes = registration_window(str(config["registration_start"]),
                                                str(config["registration_end"]))
        except (KeyError, ValueError):
            continue
        if opens <= now < closes:
            holding.append(year)
        elif opens <= now:
            opened.append(year)
    if holding or opened:
        return (holding or opened)[0]
    return latest
