"""The auditor's log of decisions: what one reviewer decided within a range of Jalali days.

Read from the read model's `decisions` rows (one per accepted decision or step, security
reasons never copied there, SEC-1) by the index on (role, actor, at): the staff who decided
anything are found by skipping through that index, a reviewer's decisions by one range of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from daftar.domain.jalali import JalaliDate, day_end_utc, day_start_utc
from daftar.domain.stages import STAFF_ROLES
from daftar.store.models import ApplicationRecord, DecisionRow

#: Decisions listed per page.
PAGE_SIZE = 50
#: The roles whose decisions the log lists: staff, never applicants or the payment gateway.
LOGGED_ROLES = sorted(r.value for r in STAFF_ROLES)
#: At most this many names in the list of reviewers.
MAX_REVIEWERS = 500

# A loose index scan: each step seeks the next actor of the role, so the cost grows with the
# number of staff who decided, not with the decisions.
_ACTORS = text("""
WITH RECURSIVE seen(actor) AS (
  SELECT MIN(actor) FROM decisions WHERE role = :role
  UNION ALL
  SELECT (SELECT MIN(d.actor) FROM decisions d WHERE d.role = :role AND d.actor > seen.actor)
  FROM seen WHERE seen.actor IS NOT NULL
)
SELECT actor FROM seen WHERE actor IS NOT NULL LIMIT :limit
""")


@dataclass(frozen=True)
class LoggedDecision:
    """One decision of the log, with its application's tracking code."""

    application_id: str
    tracking_code: str | None
    stage: str
    outcome: str
    actor: str
    role: str
    at: datetime


def reviewers(session: Session) -> list[str]:
    """Everyone on the staff who decided anything, each once, in order."""
    found: set[str] = set()
    for role in LOGGED_ROLES:
        found.update(a for (a,) in session.execute(_ACTORS, {"role": role,
                                                             "limit": MAX_REVIEWERS}))
    return sorted(found)[:MAX_REVIEWERS]


def decisions_of(session: Session, actor: str, since: JalaliDate | None,
                 until: JalaliDate | None, *, page: int,
                 size: int = PAGE_SIZE) -> tuple[list[LoggedDecision], int]:
    """One page of `actor`'s decisions, the newest first, and how many there are in all.

    From day `since` to day `until`, both included (Tehran days); a bound left out bounds nothing.
    """
    # The roles the actor decided in, so that the page is one ordered range of the index when
    # (as for every reviewer) there is one.
    roles = [role for role in LOGGED_ROLES
             if session.exec(select(DecisionRow.id).where(DecisionRow.role == role,
                                                          DecisionRow.actor == actor)
                             .limit(1)).first() is not None]
    if not roles:
        return [], 0
    conditions: list[Any] = [col(DecisionRow.role).in_(roles), DecisionRow.actor == actor]
    if since is not None:
        conditions.append(col(DecisionRow.at) >= day_start_utc(since))
    if until is not None:
        conditions.append(col(DecisionRow.at) < day_end_utc(until))
    total = int(session.exec(select(func.count()).select_from(DecisionRow)
                             .where(*conditions)).one())
    order = (col(DecisionRow.at).desc(), col(DecisionRow.id).desc())
    ids = list(session.exec(select(DecisionRow.id).where(*conditions).order_by(*order)
                            .offset((page - 1) * size).limit(size)))
    if not ids:
        return [], total
    stmt = (select(DecisionRow, ApplicationRecord.tracking_code)
            .join(ApplicationRecord,
                  col(ApplicationRecord.application_id) == col(DecisionRow.application_id),
                  isouter=True)
            .where(col(DecisionRow.id).in_(ids))
            .order_by(*order))
    rows = [LoggedDecision(application_id=d.application_id, tracking_code=code, stage=d.stage,
                           outcome=d.outcome, actor=d.actor, role=d.role, at=d.at)
            for d, code in session.exec(stmt)]
    return rows, total
