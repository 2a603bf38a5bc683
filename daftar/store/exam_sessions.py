"""A cycle's exam session, its venues and seats (EXAM-5), in the read model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, func, insert, select, update

from daftar.domain.places import find_province
from daftar.domain.stages import Stage
from daftar.store.models import (
    ApplicationRecord,
    CycleRecord,
    ExamScore,
    ExamSessionRecord,
    SeatRecord,
    VenueRecord,
)

SENT = "sent"


def exam_session(session: Session, cycle: int) -> ExamSessionRecord | None:
    """The cycle's exam session, if the exam officer has set it."""
    return session.get(ExamSessionRecord, cycle)


def venues(session: Session, cycle: int) -> list[VenueRecord]:
    """The cycle's venues, by province code, then name."""
    return list(session.exec(select(VenueRecord).where(VenueRecord.cycle == cycle).order_by(
        col(VenueRecord.province_code), col(VenueRecord.name), col(VenueRecord.venue_id))))


def seat_counts(session: Session, cycle: int) -> dict[str, int]:
    """Seats given per venue id."""
    rows = session.exec(select(SeatRecord.venue_id, func.count())
                        .where(SeatRecord.cycle == cycle).group_by(col(SeatRecord.venue_id)))
    return {v: int(n) for v, n in rows}


def paid_candidates(session: Session, cycle: int) -> list[tuple[str, str, str]]:
    """(application id, tracking code, province) of everyone waiting for the exam."""
    rows = session.exec(select(ApplicationRecord.application_id, ApplicationRecord.tracking_code,
                               ApplicationRecord.province)
                        .where(ApplicationRecord.cycle == cycle,
                               ApplicationRecord.stage == Stage.awaiting_exam.value))
    return [(a, t, p) for a, t, p in rows]


def replace_seating(session: Session, *, cycle: int, exam_date: str, start_time: str,
                    card_date: str, actor: str, at: datetime, new_venues: Sequence[VenueRecord],
                    seats: Iterable[tuple[str, str, str, int]]) -> ExamSessionRecord:
    """Set the session anew: its venues and every seat replaced, its version bumped. Commits.

    `seats` are (application id, tracking code, venue id, seat number).
    """
    record = session.exec(select(ExamSessionRecord).where(ExamSessionRecord.cycle == cycle)
                          .with_for_update()).first()
    version = record.version + 1 if record is not None else 1
    if record is None:
        record = ExamSessionRecord(cycle=cycle, exam_date=exam_date, start_time=start_time,
                                   card_date=card_date, version=version, set_by=actor,
                                   set_at=at)
    else:
        record.exam_date, record.start_time, record.card_date = exam_date, start_time, card_date
        record.version, record.set_by, record.set_at = version, actor, at
        record.sent = record.skipped = 0
    session.add(record)
    session.exec(delete(SeatRecord).where(col(SeatRecord.cycle) == cycle))
    session.exec(delete(VenueRecord).where(col(VenueRecord.cycle) == cycle))
    session.add_all(new_venues)
    rows: list[dict[str, Any]] = [
        {"cycle": cycle, "application_id": a, "tracking_code": t, "venue_id": v, "seat": n,
         "version": version, "outcome": None} for a, t, v, n in seats]
    for start in range(0, len(rows), 5000):
        session.exec(insert(SeatRecord), params=rows[start:start + 5000])
    session.commit()
    session.refresh(record)
    return record


def lock_cycle(session: Session, cycle: int, *, shared: bool) -> None:
    """Lock the cycle's row until the transaction ends (PostgreSQL; SQLite writes one at a time).

    A session set (exclusive) and a candidate taking a seat (shared) exclude each other: a
    candidate who came to wait for the exam is either among those the setting seats or sees
    the setting when it asks for a seat.
    """
    session.exec(select(CycleRecord.year).where(CycleRecord.year == cycle)
                 .with_for_update(read=shared))


def next_seat(session: Session, cycle: int, province_code: str) -> tuple[VenueRecord, int] | None:
    """The first free seat of the province's venues, in name order (EXAM-5), or None if full."""
    taken = dict(session.exec(
        select(SeatRecord.venue_id, func.max(SeatRecord.seat))
        .where(SeatRecord.cycle == cycle).group_by(col(SeatRecord.venue_id))).all())
    for venue in venues(session, cycle):
        used = int(taken.get(venue.venue_id) or 0)
        if venue.province_code == province_code and used < venue.seats:
            return venue, used + 1
    return None


def take_seat(session: Session, *, cycle: int, application_id: str, tracking_code: str,
              province: str) -> tuple[SeatRecord, VenueRecord, ExamSessionRecord] | None:
    """The candidate's seat, given now if a session is set and their province has one free.

    Idempotent: a candidate who holds a seat gets it again. A seat given here is the
    session's current version and marked sent (the candidate's own workflow asked for it).
    Commits.
    """
    lock_cycle(session, cycle, shared=True)
    exam = session.exec(select(ExamSessionRecord).where(ExamSessionRecord.cycle == cycle)
                        .with_for_update()).first()
    if exam is None:
        return None
    held = seat_of(session, application_id)
    if held is not None:
        return held[0], held[1], exam
    found = find_province(province)
    free = next_seat(session, cycle, found.code) if found is not None else None
    if free is None:
        return None
    venue, number = free
    seat = SeatRecord(cycle=cycle, application_id=application_id, tracking_code=tracking_code,
                      venue_id=venue.venue_id, seat=number, version=exam.version,
                      outcome=SENT)
    session.add(seat)
    session.commit()
    return seat, venue, exam


def unseated(session: Session, cycle: int) -> list[tuple[str, str, str]]:
    """Each candidate waiting for the exam with no seat, in tracking-code order.

    Returns:
        (application id, tracking code, province) of each.
    """
    seated = select(SeatRecord.application_id).where(SeatRecord.cycle == cycle)
    rows = session.exec(select(ApplicationRecord.application_id, ApplicationRecord.tracking_code,
                               ApplicationRecord.province)
                        .where(ApplicationRecord.cycle == cycle,
                               ApplicationRecord.stage == Stage.awaiting_exam.value,
                               col(ApplicationRecord.application_id).not_in(seated))
                        .order_by(col(ApplicationRecord.tracking_code)))
    return [(a, t, p) for a, t, p in rows]


def add_seats(session: Session, cycle: int, version: int, kept_venues: Sequence[VenueRecord],
              candidates: Iterable[tuple[str, str, str]]) -> int:
    """From the card date: keep every seat given, and seat the candidates without one.

    Writes the venues (added ones, raised seats, new addresses), then gives each candidate
    (application id, tracking code, province code) the next free seat of their province, if
    any, for session `version`. Commits.

    Returns:
        How many candidates were given a seat.
    """
    known = {v.venue_id: v for v in venues(session, cycle)}
    for venue in kept_venues:
        old = known.get(venue.venue_id)
        if old is None:
            session.add(venue)
        else:
            old.address, old.seats = venue.address, venue.seats
            session.add(old)
    session.flush()
    given = 0
    for app_id, code, province_code in candidates:
        free = next_seat(session, cycle, province_code)
        if free is not None:
            session.add(SeatRecord(cycle=cycle, application_id=app_id, tracking_code=code,
                                   venue_id=free[0].venue_id, seat=free[1], version=version))
            session.flush()
            given += 1
    session.commit()
    return given


def unsent_seats(session: Session, cycle: int, version: int, after: str,
                 limit: int) -> list[tuple[SeatRecord, VenueRecord]]:
    """The next page of seats of `version` not yet sent, in application-id order."""
    stmt = (select(SeatRecord, VenueRecord)
            .join(VenueRecord, (col(VenueRecord.cycle) == col(SeatRecord.cycle))
                  & (col(VenueRecord.venue_id) == col(SeatRecord.venue_id)))
            .where(SeatRecord.cycle == cycle, SeatRecord.version == version,
                   col(SeatRecord.application_id) > after, col(SeatRecord.outcome).is_(None))
            .order_by(col(SeatRecord.application_id)).limit(limit))
    return [(s, v) for s, v in session.exec(stmt)]


def record_seat_outcomes(session: Session, cycle: int, version: int,
                         outcomes: dict[str, str]) -> None:
    """Mark a page of seats as sent (or skipped) and count it, in one transaction."""
    sent = skipped = 0
    for app_id, outcome in outcomes.items():
        done = session.exec(update(SeatRecord).where(
            col(SeatRecord.cycle) == cycle, col(SeatRecord.version) == version,
            col(SeatRecord.application_id) == app_id, col(SeatRecord.outcome).is_(None))
            .values(outcome=outcome)).rowcount
        sent, skipped = (sent + done, skipped) if outcome == SENT else (sent, skipped + done)
    session.exec(update(ExamSessionRecord).where(
        col(ExamSessionRecord.cycle) == cycle, col(ExamSessionRecord.version) == version)
        .values(sent=ExamSessionRecord.sent + sent, skipped=ExamSessionRecord.skipped + skipped))


def seat_of(session: Session, application_id: str) -> tuple[SeatRecord, VenueRecord] | None:
    """The application's seat and its venue, if it has one."""
    row = session.exec(
        select(SeatRecord, VenueRecord)
        .join(VenueRecord, (col(VenueRecord.cycle) == col(SeatRecord.cycle))
              & (col(VenueRecord.venue_id) == col(SeatRecord.venue_id)))
        .where(SeatRecord.application_id == application_id)).first()
    return (row[0], row[1]) if row else None


def attendance(session: Session, cycle: int, venue_id: str) -> list[SeatRecord]:
    """A venue's seats in seat order: the attendance sheet."""
    return list(session.exec(select(SeatRecord).where(
        SeatRecord.cycle == cycle, SeatRecord.venue_id == venue_id)
        .order_by(col(SeatRecord.seat))))


def _waiting_without_result(cycle: int) -> tuple[Any, ...]:
    """The conditions of a candidate waiting for the exam with no result loaded (EXAM-6)."""
    scored = select(ExamScore.application_id).where(ExamScore.cycle == cycle)
    return (ApplicationRecord.cycle == cycle,
            ApplicationRecord.stage == Stage.awaiting_exam.value,
            col(ApplicationRecord.application_id).not_in(scored))


def absentees(session: Session, cycle: int, after: str, limit: int) -> list[str]:
    """A page of the candidates waiting for the exam with no result loaded (EXAM-6), by id."""
    stmt = (select(ApplicationRecord.application_id)
            .where(*_waiting_without_result(cycle),
                   col(ApplicationRecord.application_id) > after)
            .order_by(col(ApplicationRecord.application_id)).limit(limit))
    return list(session.exec(stmt))


def count_absent(session: Session, cycle: int) -> int:
    """Candidates without a result (EXAM-6): waiting for the exam with none loaded, or absent."""
    waiting = count_waiting_without_result(session, cycle)
    ended = session.exec(select(func.count()).select_from(ApplicationRecord).where(
        ApplicationRecord.cycle == cycle, ApplicationRecord.stage == Stage.absent.value)).one()
    return int(waiting) + int(ended)


def count_waiting_without_result(session: Session, cycle: int) -> int:
    """Candidates waiting for the exam with no result loaded: publication ends them absent."""
    return int(session.exec(select(func.count()).select_from(ApplicationRecord).where(
        *_waiting_without_result(cycle))).one())
