"""A cycle's statistics from the read model's counters.

The stats route's and the console dashboard's.
"""

from __future__ import annotations

from sqlmodel import Session

from daftar.services.cycles import load_cycle
from daftar.services.schemas_cohort import ExamLoadView, RoundView, StatsView
from daftar.store import reads


def cycle_stats(session: Session, year: int) -> StatsView:
    """Counts per stage × province, the pass mark and the launch rounds (404 if unknown)."""
    load_cycle(session, year)
    counts: dict[str, dict[str, int]] = {}
    for c in reads.stage_province_counts(session, year):
        counts.setdefault(c.stage, {})[c.province] = c.n
    load = reads.exam_load(session, year)
    return StatsView(cycle=year, counts=counts,
                     total=sum(n for by in counts.values() for n in by.values()),
                     exam=ExamLoadView.of(load) if load else None,
                     rounds=[RoundView.of(r) for r in reads.launch_rounds(session, year)])
