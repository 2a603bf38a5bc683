"""RecordActivities: the workflows' only way to write the read model."""

from __future__ import annotations

import structlog
from sqlmodel import Session
from temporalio import activity

from daftar.contracts.records import ApplicationSnapshot, EscalationIn
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import ApplicationRecord, DecisionRow, EscalationRow
from daftar.store.writes import insert_escalation, upsert_application

log = structlog.get_logger("daftar.records")

_SNAPSHOT_ONLY = frozenset({"decisions", "recorded_decisions"})


def write_snapshot(session: Session, snapshot: ApplicationSnapshot) -> None:
    """Bring the read model's row of one application (and its decisions) up to `snapshot`."""
    fields = {name: getattr(snapshot, name) for name in ApplicationSnapshot.model_fields
              if name not in _SNAPSHOT_ONLY}
    fields["stage"] = snapshot.stage.value
    fields["rejected_stage"] = snapshot.rejected_stage.value if snapshot.rejected_stage else None
    decisions = [
        DecisionRow(application_id=snapshot.application_id, seq=d.seq, stage=d.stage,
                    outcome=d.outcome, actor=d.actor, role=d.role, at=d.at, score=d.score,
                    reason=d.reason, rules=d.rules)
        for d in snapshot.decisions]
    upsert_application(session, ApplicationRecord(**fields), decisions,
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
