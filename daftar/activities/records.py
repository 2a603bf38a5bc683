"""RecordActivities: the workflows' only way to write the read model."""

from __future__ import annotations

from typing import cast

import structlog
from sqlmodel import Session
from temporalio import activity

from daftar.contracts.applicant import SeatIn
from daftar.contracts.records import ApplicationSnapshot, EscalationIn, SeatWanted
from daftar.domain.actors import Actor
from daftar.domain.stages import Role
from daftar.store import exam_sessions
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import EscalationRow
from daftar.store.writes import (
    ApplicationValues,
    DecisionValues,
    insert_escalation,
    upsert_application,
)

log = structlog.get_logger("daftar.records")
seats_log = structlog.get_logger("daftar.exam_sessions")

_SNAPSHOT_ONLY = {"decisions", "recorded_decisions"}
_DECISION_COLUMNS = set(DecisionValues.__annotations__)


def write_snapshot(session: Session, snapshot: ApplicationSnapshot) -> None:
    """Bring the read model's row of one application (and its decisions) up to `snapshot`."""
    values = snapshot.model_dump(exclude=_SNAPSHOT_ONLY)
    values["stage"] = snapshot.stage.value
    values["rejected_stage"] = snapshot.rejected_stage.value if snapshot.rejected_stage else None
    decisions = [d.model_dump(include=_DECISION_COLUMNS) for d in snapshot.decisions]
    # The snapshot's fields are the table's columns (a test holds them equal).
    upsert_application(session, cast(ApplicationValues, values),
                       cast(list[DecisionValues], decisions),
                       recorded_decisions=snapshot.recorded_decisions)


def write_escalation(session: Session, esc: EscalationIn) -> bool:
    """Record an escalation once; returns whether this call recorded it."""
    return insert_escalation(session, EscalationRow(
        application_id=esc.application_id, tracking_code=esc.tracking_code, cycle=esc.cycle,
        stage=esc.stage.value, due_at=esc.due_at, escalated_at=esc.escalated_at))


class RecordActivities:
    """Idempotent writes: keyed by application id, version, decision sequence and stage."""

    def __init__(self, sessions: SessionFactory) -> None:
        """Write through `sessions`, one transaction per activity."""
        self._sessions = sessions

    @activity.defn
    def record_application(self, row: ApplicationSnapshot) -> None:
        """Bring the application's row (and its decisions) up to this version."""
        with transaction(self._sessions) as session:
            write_snapshot(session, row)
        # workflow_id and run_id come from daftar.core.logs.add_activity_context.
        log.debug("application recorded", application_id=row.application_id,
                  stage=row.stage.value, version=row.version, actor="system")

    @activity.defn
    def record_escalation(self, esc: EscalationIn) -> None:
        """Record that a stage passed its SLA without a decision."""
        with transaction(self._sessions) as session:
            new = write_escalation(session, esc)
        log.warning("stage overdue: escalated" if new else "stage still overdue: reminded",
                    application_id=esc.application_id, stage=esc.stage.value,
                    due_at=esc.due_at.isoformat(), actor="system")

    @activity.defn
    def take_seat(self, want: SeatWanted) -> SeatIn | None:
        """EXAM-5: the candidate's seat, the next free one of their province, if a session is set.

        The seat comes from the setting of the exam officer who set the session, whose id the
        candidate's history names.
        """
        with transaction(self._sessions) as session:
            found = exam_sessions.take_seat(
                session, cycle=want.cycle, application_id=want.application_id,
                tracking_code=want.tracking_code, province=want.province)
            if found is None:
                seats_log.debug("no seat to take", application_id=want.application_id,
                               cycle=want.cycle, actor="system")
                return None
            seat, venue, exam = found
            seats_log.info("seat taken", application_id=want.application_id, cycle=want.cycle,
                           venue_id=venue.venue_id, seat=seat.seat, actor="system")
            return SeatIn(actor=Actor(id=exam.set_by, roles=[Role.exam_officer]),
                          version=seat.version, venue_id=venue.venue_id, venue_name=venue.name,
                          address=venue.address, province=venue.province, city=venue.city,
                          seat=seat.seat, exam_date=exam.exam_date, start_time=exam.start_time,
                          card_date=exam.card_date)
