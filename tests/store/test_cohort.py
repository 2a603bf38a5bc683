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
from daftar.store.models import ApplicationRecord, CityRecord, CycleRecord, ExamLoad, ExamScore
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


def test_rounds_rank_on_the_exact_total_publication_sent(sessions: SessionFactory) -> None:
    # LAUNCH-1 ranks on the exact total. c0 and c1 differ only in the 5th decimal, which the
    # read model's exam_total (4 decimals) loses: on it they tie and c0's better interview
    # would win. The exact totals publication sent (rows marked sent) put c1 first.
    with transaction(sessions) as session:
        session.add(CycleRecord(year=YEAR, config={"veteran_share": "0"},
                                created_at=datetime.now(UTC)))
        session.flush()
        session.add(CityRecord(cycle=YEAR, province="Tehran", city="Tehran", capacity=2,
                               priority=1, neighbours=[]))
        exact = {"c0": "6000.00001", "c1": "6000.00002", "c2": "9999"}
        for key, interview in (("c0", 90), ("c1", 80), ("c2", 70)):
            write_snapshot(session, app_row(
                key, cycle=YEAR, stage=Stage.awaiting_launch,
                exam_total=Decimal(exact[key]) if key != "c2" else Decimal(5000),
                interview_score=Decimal(interview)))
        cohort.replace_exam_load(session, ExamLoad(
            cycle=YEAR, scale=Decimal(2000), pass_mark=Decimal(4000), top_count=1,
            top_mean=Decimal(9999), candidates=3, passed=3, loaded_by="e",
            loaded_at=datetime.now(UTC)), [
            {"cycle": YEAR, "application_id": k, "tracking_code": f"T{k}", "counts": {},
             "standard": {}, "total": Decimal(v), "total_exact": v, "passed": True}
            for k, v in exact.items()])
        # c2's row was not applied (its workflow had another result): its exact total is not
        # the candidate's, so c2 ranks on the read model's 5000.
        cohort.record_score_outcomes(session, YEAR, {"c0": cohort.SENT, "c1": cohort.SENT,
                                                     "c2": "skipped: duplicate"})
    with sessions() as session:
        stored = {r.application_id: r.exam_total for r in session.exec(
            select(ApplicationRecord).where(ApplicationRecord.cycle == YEAR))}
        assert stored["c0"] == stored["c1"]  # the rounded column ties them
        allocation, candidates = cohort.compute_round(session, YEAR, relocate=False)
    assert {c.key: c.total for c in candidates} == {
        "c0": Decimal("6000.00001"), "c1": Decimal("6000.00002"), "c2": Decimal(5000)}
    assert [p.key for p in allocation.placements] == ["c1", "c0"]
    assert allocation.waiting == ["c2"]


def test_exact_values_and_their_fallback_for_older_loads() -> None:
    kw: dict[str, Any] = {"cycle": YEAR, "application_id": "a", "tracking_code": "Ta",
                          "counts": {}, "standard": {}, "passed": True}
    assert cohort.exact_total(ExamScore(**kw, total=Decimal("1.000000"),
                                        total_exact="0.99999999")) == Decimal("0.99999999")
    assert cohort.exact_total(ExamScore(**kw, total=Decimal("1.000000"))) == Decimal(1)
    load = {"cycle": YEAR, "scale": Decimal(2000), "top_count": 1, "top_mean": Decimal(1),
            "candidates": 1, "passed": 1, "loaded_by": "e", "loaded_at": datetime.now(UTC)}
    assert cohort.exact_pass_mark(ExamLoad(**load, pass_mark=Decimal("2.000000"),
                                           pass_mark_exact="2.0000004")) == Decimal("2.0000004")
    assert cohort.exact_pass_mark(ExamLoad(**load, pass_mark=Decimal(2))) == Decimal(2)
