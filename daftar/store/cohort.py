"""Read-model work of the cohort steps: exam loads, publication progress, launch rounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, insert, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from daftar.domain.allocation import Allocation, CitySeats, LaunchCandidate, allocate
from daftar.domain.publication import PublicationState
from daftar.domain.stages import Stage
from daftar.store.models import (
    ApplicationRecord,
    CityRecord,
    CycleRecord,
    ExamLoad,
    ExamScore,
    LaunchRound,
    PlacementRecord,
)

SENT = "sent"


def waiting_for_exam(session: Session, cycle: int) -> dict[str, str]:
    """Tracking code → application id of the cycle's candidates at awaiting_exam."""
    stmt = select(ApplicationRecord.tracking_code, ApplicationRecord.application_id).where(
        ApplicationRecord.cycle == cycle, ApplicationRecord.stage == Stage.awaiting_exam.value)
    return {code: app_id for code, app_id in session.exec(stmt)}


def exact_total(score: ExamScore) -> Decimal:
    """EXAM-4: a loaded result's exact total (its rounded column for loads before 0007)."""
    return Decimal(score.total_exact) if score.total_exact is not None else score.total


def exact_pass_mark(load: ExamLoad) -> Decimal:
    """EXAM-2: a load's exact pass mark (its rounded column for loads before 0007)."""
    return Decimal(load.pass_mark_exact) if load.pass_mark_exact is not None else load.pass_mark


def replace_exam_load(session: Session, load: ExamLoad,
                      scores: Sequence[dict[str, Any]]) -> None:
    """Replace the cycle's earlier load, whole, in the caller's transaction."""
    session.exec(delete(ExamScore).where(col(ExamScore.cycle) == load.cycle))
    old = session.get(ExamLoad, load.cycle)
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(load)
    session.flush()
    for start in range(0, len(scores), 5000):  # bulk inserts in bounded batches
        session.exec(insert(ExamScore), params=scores[start:start + 5000])


def count_scores(session: Session, cycle: int) -> int:
    """How many scores the cycle's exam load holds."""
    return int(session.exec(select(func.count()).select_from(ExamScore).where(
        ExamScore.cycle == cycle)).one())


def placements_of(session: Session, cycle: int, number: int) -> list[PlacementRecord]:
    """The placements of launch round `number` of the cycle, in rank order."""
    return list(session.exec(select(PlacementRecord).where(
        PlacementRecord.cycle == cycle, PlacementRecord.round == number)
        .order_by(col(PlacementRecord.rank))))


def unsent_scores(session: Session, cycle: int, after: str, limit: int) -> list[ExamScore]:
    """The next page of results not yet published, in application-id order."""
    stmt = (select(ExamScore)
            .where(ExamScore.cycle == cycle, col(ExamScore.application_id) > after,
                   col(ExamScore.outcome).is_(None))
            .order_by(col(ExamScore.application_id)).limit(limit))
    return list(session.exec(stmt))


def record_score_outcomes(session: Session, cycle: int, outcomes: dict[str, str]) -> None:
    """Mark a page as published and count it, in one transaction (a retry counts nothing)."""
    sent, skipped = _mark(session, ExamScore, outcomes, col(ExamScore.cycle) == cycle)
    session.exec(update(ExamLoad).where(col(ExamLoad.cycle) == cycle).values(
        sent=ExamLoad.sent + sent, skipped=ExamLoad.skipped + skipped))


def _mark(session: Session, model: Any, outcomes: dict[str, str],
          *where: Any) -> tuple[int, int]:
    """Set each unmarked row's outcome; how many were sent and skipped by this call."""
    sent = skipped = 0
    for outcome, ids in _by_outcome(outcomes).items():
        done = session.exec(update(model).where(
            *where, col(model.application_id).in_(ids), col(model.outcome).is_(None))
            .values(outcome=outcome)).rowcount
        sent, skipped = (sent + done, skipped) if outcome == SENT else (sent, skipped + done)
    return sent, skipped


def _by_outcome(outcomes: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for app_id, outcome in outcomes.items():
        groups.setdefault(outcome, []).append(app_id)
    return groups


def set_publication_state(session: Session, cycle: int, state: PublicationState) -> ExamLoad:
    """Set the publication state of the cycle's exam load (EXAM-2), stamping its first publication.

    Raises:
        LookupError: The cycle has no exam results loaded.
    """
    load = session.get(ExamLoad, cycle)
    if load is None:
        raise LookupError(f"cycle {cycle} has no exam results loaded")
    load.state = state.value
    if state is PublicationState.published and load.published_at is None:
        load.published_at = datetime.now(UTC)
    session.add(load)
    return load


# --- launch rounds (LAUNCH-1, VET-2) ---------------------------------------------------


def compute_round(session: Session, cycle: int, *, relocate: bool) -> tuple[
        Allocation, list[LaunchCandidate]]:
    """The placement the next round would make, from the read model (also for dry runs)."""
    record = session.get(CycleRecord, cycle)
    if record is None:
        raise LookupError(f"no cycle {cycle}")
    taken: dict[tuple[str, str, bool], int] = {}
    rows = session.exec(
        select(PlacementRecord.province, PlacementRecord.city, PlacementRecord.reserved,
               func.count())
        .where(PlacementRecord.cycle == cycle,
               func.coalesce(PlacementRecord.outcome, SENT) == SENT)
        .group_by(col(PlacementRecord.province), col(PlacementRecord.city),
                  col(PlacementRecord.reserved)))
    for province, city, reserved, n in rows:
        taken[(province, city, bool(reserved))] = int(n)
    cities = [
        CitySeats(province=c.province, city=c.city, capacity=c.capacity, priority=c.priority,
                  neighbours=[(n["province"], n["city"]) for n in c.neighbours],
                  taken_open=taken.get((c.province, c.city, False), 0),
                  taken_reserved=taken.get((c.province, c.city, True), 0))
        for c in session.exec(select(CityRecord).where(CityRecord.cycle == cycle))
    ]
    placed = select(PlacementRecord.application_id).where(PlacementRecord.cycle == cycle)
    # LAUNCH-1 ranks on the exact total: the one the cycle's publication sent the candidate's
    # workflow (its result row marked sent), else (a result recorded one candidate at a time)
    # the read model's total.
    published = and_(col(ExamScore.cycle) == col(ApplicationRecord.cycle),
                     col(ExamScore.application_id) == col(ApplicationRecord.application_id),
                     col(ExamScore.outcome) == SENT)
    # Only the columns the ranking needs, as plain rows: no ORM entity per candidate (more
    # columns than sqlmodel's `select` types, hence SQLAlchemy's).
    stmt = (columns(*(col(c) for c in (
                ApplicationRecord.application_id, ApplicationRecord.province,
                ApplicationRecord.city, ApplicationRecord.quota, ApplicationRecord.exam_total,
                ApplicationRecord.interview_score, ApplicationRecord.registered_at)),
                    col(ExamScore.total_exact))
            .outerjoin(ExamScore, published)
            .where(col(ApplicationRecord.cycle) == cycle,
                   col(ApplicationRecord.stage) == Stage.awaiting_launch.value,
                   col(ApplicationRecord.application_id).not_in(placed)))
    candidates = [
        LaunchCandidate(key=key, province=province, city=city, veteran=quota != "free",
                        total=Decimal(exact) if exact is not None else total or Decimal(0),
                        interview=interview or Decimal(0), registered_at=registered_at)
        for key, province, city, quota, total, interview, registered_at, exact
        in session.execute(stmt)]
    share = Decimal(str(record.config.get("veteran_share", "0.30")))
    return allocate(candidates, cities, veteran_share=share, relocate=relocate), candidates


def save_round(session: Session, cycle: int, number: int, *, relocate: bool, actor: str,
               allocation: Allocation) -> LaunchRound:
    """Store a round and its placements (the caller checked it is not stored yet)."""
    launch = LaunchRound(cycle=cycle, number=number, relocate=relocate, run_by=actor,
                         run_at=datetime.now(UTC), placed=len(allocation.placements),
                         waiting=len(allocation.waiting))
    session.add(launch)
    session.flush()
    rows = [{"cycle": cycle, "application_id": p.key, "round": number, "rank": i + 1,
             "province": p.province, "city": p.city, "reserved": p.reserved,
             "relocation": p.relocation, "outcome": None}
            for i, p in enumerate(allocation.placements)]
    for start in range(0, len(rows), 5000):  # bulk inserts in bounded batches
        session.exec(insert(PlacementRecord), params=rows[start:start + 5000])
    return launch


def unsent_placements(session: Session, cycle: int, number: int, after: str,
                      limit: int) -> list[PlacementRecord]:
    """The next page of round `number`'s placements not yet sent, in application-id order."""
    stmt = (select(PlacementRecord)
            .where(PlacementRecord.cycle == cycle, PlacementRecord.round == number,
                   col(PlacementRecord.application_id) > after,
                   col(PlacementRecord.outcome).is_(None))
            .order_by(col(PlacementRecord.application_id)).limit(limit))
    return list(session.exec(stmt))


def record_placement_outcomes(session: Session, cycle: int, number: int,
                              outcomes: dict[str, str]) -> None:
    """Mark a page of placements as sent and count it on the round, in one transaction.

    A retry counts nothing: only placements with no outcome yet are marked.
    """
    sent, skipped = _mark(session, PlacementRecord, outcomes,
                          col(PlacementRecord.cycle) == cycle)
    session.exec(update(LaunchRound).where(
        col(LaunchRound.cycle) == cycle, col(LaunchRound.number) == number).values(
        sent=LaunchRound.sent + sent, skipped=LaunchRound.skipped + skipped))


def finish_round(session: Session, cycle: int, number: int) -> None:
    """Mark launch round `number` of the cycle as done."""
    session.exec(update(LaunchRound).where(
        col(LaunchRound.cycle) == cycle, col(LaunchRound.number) == number).values(
        state="done"))
