"""The cohort's read-model work: exam loads, publication progress, rounds' seats."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import select

from daftar.activities.records import write_snapshot
from daftar.domain.stages import Stage
from daftar.store import cohort
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import CityRecord, CycleRecord, ExamLoad, ExamScore
from tests.store.rows import app_row

YEAR = 1404


def load(sessions: SessionFactory, ids: list[str]) -> None:
    row = ExamLoad(cycle=YEAR, scale=Decimal(2000), pass_mark=Decimal(5000), top_count=1,
                   top_mean=Decimal(7000), candidates=len(ids), passed=0, loaded_by="e",
                   loaded_at=datetime.now(UTC))
    scores = [{"cycle": YEAR, "application_id": i, "tracking_code": f"T{i}", "counts": {},
               "standard": {}, "total": Decimal(6000), "passed": True} for i in ids]
    with transaction(sessions) as session:
        cohort.replace_exam_load(session, row, scores)


def test_a_new_load_replaces_the_earlier_one_whole(sessions: SessionFactory) -> None:
    load(sessions, ["a1", "a2", "a3"])
    load(sessions, ["b1"])
    with sessions() as session:
        assert session.exec(select(ExamScore.application_id)).all() == ["b1"]
        stored = session.get(ExamLoad, YEAR)
        assert stored is not None and stored.candidates == 1


def test_pages_resume_after_the_last_marked_and_count_once(sessions: SessionFactory) -> None:
    ids = [f"a{i:02d}" for i in range(10)]
    load(sessions, ids)
    with sessions() as session:
        first = [s.application_id for s in cohort.unsent_scores(session, YEAR, "", 4)]
    assert first == ids[:4]
    outcomes = {i: cohort.SENT for i in first[:3]} | {first[3]: "skipped: closed"}
    for _ in range(2):  # a page marked twice (a retried activity) counts once
        with transaction(sessions) as session:
            cohort.record_score_outcomes(session, YEAR, outcomes)
    with sessions() as session:
        assert [s.application_id for s in cohort.unsent_scores(session, YEAR, "", 100)] == ids[4:]
        progress = session.get(ExamLoad, YEAR)
        assert progress is not None and (progress.sent, progress.skipped) == (3, 1)


def seed_launch(sessions: SessionFactory, **city: Any) -> None:
    with transaction(sessions) as session:
        session.add(CycleRecord(year=YEAR, config={"veteran_share": "0.5"},
                                created_at=datetime.now(UTC)))
        session.flush()
        session.add(CityRecord(cycle=YEAR, province="Tehran", city="Tehran", capacity=2,
                               priority=1, neighbours=[], **city))
        for i, total in enumerate((7000, 6500, 6000)):
            write_snapshot(session, app_row(
                f"c{i}", cycle=YEAR, stage=Stage.awaiting_launch, exam_total=Decimal(total),
                interview_score=Decimal(80), quota="veteran:combatant" if i == 2 else "free"))


def test_rounds_rank_and_respect_seats_taken_before(sessions: SessionFactory) -> None:
    seed_launch(sessions)
    with transaction(sessions) as session:
        first, candidates = cohort.compute_round(session, YEAR, relocate=False)
        # capacity 2, half reserved: c0 takes the open seat, the veteran c2 the reserved one.
        assert [(p.key, p.reserved) for p in first.placements] == [("c0", False), ("c2", True)]
        assert first.waiting == ["c1"]
        cohort.save_round(session, YEAR, 1, relocate=False, actor="lic", allocation=first)
    with transaction(sessions) as session:
        second, candidates = cohort.compute_round(session, YEAR, relocate=False)
    assert [c.key for c in candidates] == ["c1"]  # the placed ones are not ranked again
    assert second.placements == [] and second.waiting == ["c1"]  # no seat left


def test_a_seat_whose_office_could_not_be_sent_is_free_again(sessions: SessionFactory) -> None:
    seed_launch(sessions)
    with transaction(sessions) as session:
        first, _ = cohort.compute_round(session, YEAR, relocate=False)
        cohort.save_round(session, YEAR, 1, relocate=False, actor="lic", allocation=first)
    with transaction(sessions) as session:
        cohort.record_placement_outcomes(session, YEAR, 1, {"c0": "skipped: closed"})
        second, _ = cohort.compute_round(session, YEAR, relocate=False)
    assert [p.key for p in second.placements] == ["c1"]
