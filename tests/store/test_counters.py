"""Per-stage counters move with the rows, exactly once per transition (stats)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from daftar.activities.records import write_snapshot
from daftar.domain.stages import Stage
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import ApplicationRecord, StageCount
from tests.store.rows import app_row, new_id


def write(sessions: SessionFactory, *rows: object) -> None:
    for row in rows:
        with transaction(sessions) as session:
            write_snapshot(session, row)  # type: ignore[arg-type]


def counters(sessions: SessionFactory, cycle: int = 1404) -> dict[tuple[str, str], int]:
    with sessions() as session:
        rows = session.exec(select(StageCount).where(StageCount.cycle == cycle))
        return {(c.province, c.stage): c.n for c in rows if c.n}


def test_transitions_move_one_count_each(sessions: SessionFactory) -> None:
    a, b = new_id(), new_id()
    write(sessions, app_row(a, stage=Stage.awaiting_payment),
          app_row(b, stage=Stage.awaiting_payment, province="Qom", city="Qom"))
    assert counters(sessions) == {("Tehran", "awaiting_payment"): 1,
                                  ("Qom", "awaiting_payment"): 1}
    write(sessions, app_row(a, stage=Stage.awaiting_exam, version=2))
    assert counters(sessions) == {("Tehran", "awaiting_exam"): 1,
                                  ("Qom", "awaiting_payment"): 1}


def test_retries_and_late_versions_count_nothing(sessions: SessionFactory) -> None:
    a = new_id()
    first = app_row(a, stage=Stage.awaiting_payment)
    second = app_row(a, stage=Stage.awaiting_exam, version=2)
    third = app_row(a, stage=Stage.awaiting_interview, version=3)
    write(sessions, first, first, second, third, second, third, first)
    assert counters(sessions) == {("Tehran", "awaiting_interview"): 1}


def test_a_change_within_a_stage_keeps_the_counts(sessions: SessionFactory) -> None:
    a = new_id()
    write(sessions, app_row(a, version=1), app_row(a, version=2, escalated=True))
    assert counters(sessions) == {("Tehran", "awaiting_interview"): 1}


def test_counters_agree_with_the_rows(sessions: SessionFactory) -> None:
    stages = [Stage.awaiting_payment, Stage.awaiting_exam, Stage.rejected, Stage.licensed]
    for i in range(24):
        app_id = new_id()
        for version, stage in enumerate(stages[: 1 + i % 4], start=1):
            write(sessions, app_row(app_id, stage=stage, version=version,
                                    province=("Tehran", "Fars", "Qom")[i % 3]))
    with sessions() as session:
        grouped = session.exec(
            select(ApplicationRecord.province, ApplicationRecord.stage, func.count())
            .where(ApplicationRecord.cycle == 1404)
            .group_by(ApplicationRecord.province, ApplicationRecord.stage))  # type: ignore[arg-type]
        expected = {(p, s): int(n) for p, s, n in grouped}
    assert counters(sessions) == expected
    assert sum(expected.values()) == 24


def test_a_discarded_attempts_stage_is_counted_back(sessions: SessionFactory) -> None:
    a = new_id()
    write(sessions, app_row(a, stage=Stage.awaiting_interview, version=3, history_length=30),
          app_row(a, stage=Stage.rejected, version=4, history_length=40),  # discarded
          app_row(a, stage=Stage.awaiting_qualification, version=4, history_length=40))
    assert counters(sessions) == {("Tehran", "awaiting_qualification"): 1}
