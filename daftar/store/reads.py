"""Reads of the read model for the services' pages and views.

Exam loads and scores, launch rounds, counters per province, escalations.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from daftar.domain.stages import Stage
from daftar.store.models import (
    ApplicationRecord,
    EscalationRow,
    ExamLoad,
    ExamScore,
    LaunchRound,
    StageCount,
)


def application_record(session: Session, application_id: str) -> ApplicationRecord | None:
    """One application's row, if the read model has it."""
    return session.get(ApplicationRecord, application_id)


def exam_load(session: Session, cycle: int) -> ExamLoad | None:
    """The cycle's current load of exam results (EXAM-2)."""
    return session.get(ExamLoad, cycle)


def score_page(session: Session, cycle: int, *, page: int, size: int) -> list[ExamScore]:
    """One page of the cycle's loaded scores, highest total first."""
    stmt = (select(ExamScore).where(ExamScore.cycle == cycle)
            .order_by(col(ExamScore.total).desc(), col(ExamScore.application_id))
            .offset((page - 1) * size).limit(size))
    return list(session.exec(stmt))


def score_totals(session: Session, cycle: int) -> list[tuple[Decimal, bool]]:
    """Every loaded total of the cycle, with whether it passed."""
    return [(Decimal(t), bool(p)) for t, p in session.exec(
        select(col(ExamScore.total), col(ExamScore.passed)).where(ExamScore.cycle == cycle))]


def launch_rounds(session: Session, cycle: int) -> list[LaunchRound]:
    """The cycle's launch rounds in order."""
    return list(session.exec(select(LaunchRound).where(LaunchRound.cycle == cycle)
                             .order_by(col(LaunchRound.number))))


def launch_round(session: Session, cycle: int, number: int) -> LaunchRound | None:
    """One launch round of the cycle."""
    return session.get(LaunchRound, (cycle, number))


def stage_province_counts(session: Session, cycle: int) -> list[StageCount]:
    """The cycle's non-zero counters (stage × province)."""
    return list(session.exec(select(StageCount).where(StageCount.cycle == cycle,
                                                      StageCount.n > 0)))


def count_at_stage(session: Session, cycle: int, stage: Stage) -> int:
    """Applications of the cycle at `stage`."""
    return int(session.exec(select(func.count()).select_from(ApplicationRecord).where(
        ApplicationRecord.cycle == cycle, ApplicationRecord.stage == stage.value)).one())


def count_escalations(session: Session, cycle: int) -> int:
    """How many escalations the cycle has had."""
    return int(session.exec(select(func.count()).select_from(EscalationRow)
                            .where(EscalationRow.cycle == cycle)).one())


def latest_escalations(session: Session, cycle: int, limit: int) -> list[EscalationRow]:
    """The cycle's latest `limit` escalations, newest first."""
    return list(session.exec(select(EscalationRow).where(EscalationRow.cycle == cycle)
                             .order_by(col(EscalationRow.escalated_at).desc()).limit(limit)))
