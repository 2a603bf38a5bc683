"""What a reviewer's decision page reads beside the case.

The cycle's AGE-1 reference day, and the next case waiting at the same stage.
"""

from __future__ import annotations

from sqlmodel import Session

from daftar.core.errors import ServiceError
from daftar.domain.jalali import JalaliDate, parse_jalali
from daftar.services.cycles import load_cycle
from daftar.services.listing import ApplicationFilter, rows_page

__all__ = ["next_waiting", "reference_day"]

#: Rows read at once while looking for the next case.
_PAGE = 50
#: Pages looked through at most: the next case is among the oldest, not deep in the list.
_MAX_PAGES = 20


def reference_day(session: Session, year: int) -> JalaliDate | None:
    """The day AGE-1 and AGE-2 count on in cycle `year`; None when the cycle is unknown.

    The registration end first announced (CYC-1).
    """
    try:
        cycle = load_cycle(session, year)
    except ServiceError:
        return None
    return parse_jalali(cycle.config.age_reference_day)


def next_waiting(session: Session, *, stage: str, cycle: int, viewer: str, skip: str,
                 limit: int = 10) -> list[str]:
    """Up to `limit` cases of `cycle` waiting at `stage` that `viewer` may take next.

    Oldest first, as the inbox lists them. Not `skip` (the case just decided, which the read
    model may still list there), and not one a colleague's live claim holds. The read model
    may lag: the caller checks each against the workflow before opening it.
    """
    flt = ApplicationFilter(cycle=cycle, stages=[stage])
    out: list[str] = []
    for page in range(1, _MAX_PAGES + 1):
        rows, total = rows_page(session, flt, page=page, size=_PAGE, oldest_first=True)
        for row in rows:
            if row.application_id == skip or row.claimed_by not in (None, viewer):
                continue
            out.append(row.application_id)
            if len(out) >= limit:
                return out
        if page * _PAGE >= total:
            break
    return out

