"""EXAM-5: a candidate who comes to wait for the exam once a session is set takes a seat."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from daftar.domain.stages import Stage
from daftar.store.models import ExamSessionRecord, SeatRecord, VenueRecord
from daftar.workflows.applicant import ApplicantWorkflow
from tests.workflows.conftest import Harness
from tests.workflows.steps import register, seat_taken, state


def set_session(engine: Engine, year: int, *seats_per_venue: int) -> None:
    """A session for `year` with Tehran venues of the given seats, as the officer's setting
    stores it."""
    with Session(engine) as session:
        session.add(ExamSessionRecord(cycle=year, exam_date=f"{year}/09/24", start_time="09:00",
                                      card_date=f"{year}/09/22", version=1,
                                      set_by="exam-officer-3", set_at=datetime.now(UTC)))
        for i, seats in enumerate(seats_per_venue, start=1):
            session.add(VenueRecord(cycle=year, venue_id=f"23-{i:03d}", province_code="23",
                                    province="تهران", city="تهران", name=f"حوزهٔ {i}",
                                    address="خیابان آزادی", seats=seats))
        session.commit()


async def test_seats_are_taken_in_order_until_the_province_is_full(harness: Harness) -> None:
    year = 1403
    set_session(harness.engine, year, 1, 1)
    first, second, third = [await harness.start(year=year) for _ in range(3)]
    for h in (first, second, third):
        await register(h)
    a, b = await seat_taken(first), await seat_taken(second)
    assert a.seat is not None and b.seat is not None
    assert {(a.seat.venue_id, a.seat.seat), (b.seat.venue_id, b.seat.seat)} == {
        ("23-001", 1), ("23-002", 1)}
    assert (a.seat.version, a.seat.card_date) == (1, f"{year}/09/22")
    assert [d.actor for d in a.decisions if d.stage == "seat"] == ["exam-officer-3"]
    full = await seat_taken(third, attempts=20)
    assert (full.stage, full.seat) == (Stage.awaiting_exam, None)  # no seat left
    with Session(harness.engine) as session:
        rows = session.exec(select(SeatRecord).where(SeatRecord.cycle == year)).all()
    assert sorted(r.application_id for r in rows) == sorted(
        [a.application_id, b.application_id])


async def test_without_a_session_the_candidate_waits_for_the_setting(harness: Harness) -> None:
    h = await harness.start(year=1404)
    await register(h)
    waiting = await state(h)
    assert (waiting.stage, waiting.seat) == (Stage.awaiting_exam, None)
    # The setting's own delivery reaches them as before.
    from tests.histories.record import _seat  # the recorded histories' seat message
    seated = await h.execute_update(ApplicantWorkflow.assign_seat, _seat(1, 4))
    assert seated.seat is not None and seated.seat.seat == 4
