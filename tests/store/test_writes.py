"""Idempotent writes of the read model, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import select

from daftar.activities.records import write_escalation, write_snapshot
from daftar.contracts.records import ApplicationSnapshot
from daftar.domain.stages import Stage
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import ApplicationRecord, DecisionRow, EscalationRow
from tests.store.rows import T0, app_row, as_utc, count, decision, escalation, new_id


def write(sessions: SessionFactory, row: ApplicationSnapshot) -> None:
    with transaction(sessions) as session:
        write_snapshot(session, row)


def load(sessions: SessionFactory, application_id: str) -> ApplicationRecord:
    with sessions() as session:
        record = session.get(ApplicationRecord, application_id)
    assert record is not None
    return record


def decisions_of(sessions: SessionFactory, application_id: str) -> list[DecisionRow]:
    with sessions() as session:
        stmt = (select(DecisionRow).where(DecisionRow.application_id == application_id)
                .order_by(DecisionRow.seq))  # type: ignore[arg-type]
        return list(session.exec(stmt))


def test_upsert_inserts_a_row(sessions: SessionFactory) -> None:
    aid = new_id()
    write(sessions, app_row(aid, rules=["REG-1"], decisions=[decision(1)]))
    record = load(sessions, aid)
    assert record.tracking_code == f"T{aid}"
    assert record.stage == "awaiting_interview"
    assert record.rules == ["REG-1"]
    assert record.version == 1
    assert [d.seq for d in decisions_of(sessions, aid)] == [1]


def test_same_row_twice_changes_nothing(sessions: SessionFactory) -> None:
    aid = new_id()
    row = app_row(aid, decisions=[decision(1), decision(2)])
    write(sessions, row)
    first = load(sessions, aid)
    write(sessions, row)
    with sessions() as session:
        assert count(session, ApplicationRecord, application_id=aid) == 1
        assert count(session, DecisionRow, application_id=aid) == 2
    assert load(sessions, aid).model_dump() == first.model_dump()


def test_newer_version_overwrites(sessions: SessionFactory) -> None:
    aid = new_id()
    write(sessions, app_row(aid))
    later = T0 + timedelta(days=3)
    write(sessions, app_row(
        aid, version=2, stage=Stage.awaiting_qualification, updated_at=later,
        stage_entered_at=later, due_at=later + timedelta(days=14), rules=["INT-1"],
        interview_score=Decimal("87.50"), escalated=True))
    record = load(sessions, aid)
    assert record.version == 2
    assert record.stage == "awaiting_qualification"
    assert record.due_at is not None and as_utc(record.due_at) == later + timedelta(days=14)
    assert as_utc(record.stage_entered_at) == later
    assert record.rules == ["INT-1"]
    assert record.interview_score == Decimal("87.50")
    assert record.escalated is True


def test_older_version_arriving_late_does_not_overwrite(sessions: SessionFactory) -> None:
    aid = new_id()
    write(sessions, app_row(aid, version=5, stage=Stage.rejected,
                            rejected_stage=Stage.awaiting_interview, rules=["INT-1"],
                            due_at=None))
    write(sessions, app_row(aid, version=4, stage=Stage.awaiting_interview, rules=[]))
    record = load(sessions, aid)
    assert record.version == 5
    assert record.stage == "rejected"
    assert record.rejected_stage == "awaiting_interview"
    assert record.rules == ["INT-1"]
    assert record.due_at is None


def test_decisions_by_seq_are_not_duplicated(sessions: SessionFactory) -> None:
    aid = new_id()
    write(sessions, app_row(aid, decisions=[decision(1), decision(2)]))
    write(sessions, app_row(aid, version=2, recorded_decisions=2, decisions=[
        decision(1, outcome="fail"), decision(2), decision(3, stage="qualification")]))
    rows = decisions_of(sessions, aid)
    assert [d.seq for d in rows] == [1, 2, 3]
    assert rows[0].outcome == "pass"  # recorded by a committed write: it stands
    assert rows[2].stage == "qualification"


def test_a_discarded_attempts_write_is_replaced_by_the_attempt_after_it(
        sessions: SessionFactory) -> None:
    """Temporal discarded the workflow task that wrote a rejection; the attempt after it,
    from a history as long, applied another reviewer's pass at the same version."""
    aid = new_id()
    write(sessions, app_row(aid, version=3, history_length=30,
                            decisions=[decision(1), decision(2)]))
    discarded = app_row(aid, version=4, history_length=40, stage=Stage.rejected,
                        rules=["INT-1"], recorded_decisions=2,
                        decisions=[decision(1), decision(2),
                                   decision(3, outcome="fail", actor="bob", reason="no")])
    committed = app_row(aid, version=4, history_length=40, stage=Stage.awaiting_qualification,
                        recorded_decisions=2,
                        decisions=[decision(1), decision(2), decision(3, actor="alice")])
    write(sessions, discarded)
    write(sessions, committed)
    record = load(sessions, aid)
    assert (record.stage, record.rules) == ("awaiting_qualification", [])
    assert [(d.seq, d.outcome, d.actor, d.reason) for d in decisions_of(sessions, aid)][2] == (
        3, "pass", "alice", None)
    write(sessions, discarded.model_copy(update={"history_length": 39}))  # a late retry
    assert load(sessions, aid).stage == "awaiting_qualification"


def test_a_discarded_attempt_that_went_further_is_undone(sessions: SessionFactory) -> None:
    """The discarded attempt applied two updates; the committed one, from a longer history,
    only one: its lower version and fewer decisions are what the read model shows."""
    aid = new_id()
    write(sessions, app_row(aid, version=3, history_length=30, decisions=[decision(1)]))
    write(sessions, app_row(aid, version=5, history_length=30, stage=Stage.rejected,
                            recorded_decisions=1,
                            decisions=[decision(1), decision(2), decision(3, outcome="fail")]))
    write(sessions, app_row(aid, version=4, history_length=34, recorded_decisions=1,
                            decisions=[decision(1), decision(2, actor="carol")]))
    record = load(sessions, aid)
    assert (record.version, record.stage) == (4, "awaiting_interview")
    assert [(d.seq, d.actor) for d in decisions_of(sessions, aid)] == [(1, "u-1"), (2, "carol")]


def test_a_missing_earlier_decision_is_restored_by_the_next_write(
        sessions: SessionFactory) -> None:
    aid = new_id()
    write(sessions, app_row(aid, decisions=[decision(1), decision(2)]))
    with transaction(sessions) as session:  # a gap: seq 1 lost, seq 2 still there
        for row in session.exec(select(DecisionRow).where(
                DecisionRow.application_id == aid, DecisionRow.seq == 1)):
            session.delete(row)
    write(sessions, app_row(aid, version=2, decisions=[
        decision(1), decision(2), decision(3, stage="qualification")]))
    assert [d.seq for d in decisions_of(sessions, aid)] == [1, 2, 3]


def test_decisions_of_the_same_version_are_still_recorded(sessions: SessionFactory) -> None:
    aid = new_id()
    write(sessions, app_row(aid, decisions=[decision(1)]))
    write(sessions, app_row(aid, recorded_decisions=1,
                            decisions=[decision(1), decision(2)]))  # no newer version
    assert [d.seq for d in decisions_of(sessions, aid)] == [1, 2]
    assert load(sessions, aid).version == 1


def test_security_reason_none_stays_none(sessions: SessionFactory) -> None:
    aid = new_id()
    sec = decision(1, stage="security", role="security_officer", outcome="fail",
                   reason=None, score=None, rules=["SEC-1"])
    write(sessions, app_row(aid, stage=Stage.rejected, decisions=[sec]))
    (row,) = decisions_of(sessions, aid)
    assert row.stage == "security"
    assert row.reason is None
    assert row.score is None
    assert row.rules == ["SEC-1"]


def test_escalation_recorded_once_per_stage(sessions: SessionFactory) -> None:
    aid = new_id()
    with transaction(sessions) as session:
        assert write_escalation(session, escalation(aid)) is True
    with transaction(sessions) as session:
        assert write_escalation(session, escalation(aid)) is False  # a retried activity
    with transaction(sessions) as session:
        assert write_escalation(session, escalation(aid, Stage.awaiting_security)) is True
    with sessions() as session:
        assert count(session, EscalationRow, application_id=aid) == 2
        assert count(session, EscalationRow, application_id=aid,
                     stage="awaiting_interview") == 1


def test_utc_datetime_round_trip(sessions: SessionFactory) -> None:
    aid = new_id()
    instant = datetime(2025, 6, 30, 23, 59, 58, 123456, tzinfo=UTC)
    write(sessions, app_row(aid, registered_at=instant, updated_at=instant,
                            stage_entered_at=instant, due_at=instant,
                            decisions=[decision(1, at=instant)]))
    record = load(sessions, aid)
    for value in (record.registered_at, record.updated_at, record.stage_entered_at):
        assert as_utc(value) == instant
    assert record.due_at is not None and as_utc(record.due_at) == instant
    assert as_utc(decisions_of(sessions, aid)[0].at) == instant


def test_decimals_round_trip_exactly(sessions: SessionFactory) -> None:
    aid = new_id()
    write(sessions, app_row(aid, exam_total=Decimal("5123.4567"),
                            interview_score=Decimal("87.50"),
                            decisions=[decision(1, score=Decimal("5123.4567"))]))
    record = load(sessions, aid)
    assert record.exam_total == Decimal("5123.4567")
    assert record.interview_score == Decimal("87.50")
    assert isinstance(record.exam_total, Decimal)
    assert decisions_of(sessions, aid)[0].score == Decimal("5123.4567")
