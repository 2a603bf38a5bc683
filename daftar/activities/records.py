"""RecordActivities: the workflows' only way to write the read model."""

from __future__ import annotations

import structlog
from temporalio import activity

from daftar.store.db import SessionFactory, transaction
from daftar.store.writes import insert_escalation, upsert_application
from daftar.workflows.messages import ApplicationRow, EscalationIn

log = structlog.get_logger("daftar.records")


class RecordActivities:
    """Idempotent writes: keyed by application id, version, decision sequence and stage."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn
    def record_application(self, row: ApplicationRow) -> None:
        """Bring the application's row (and its decisions) up to this version."""
        with transaction(self._sessions) as session:
            upsert_application(session, row)
        # workflow_id and run_id come from daftar.logs.add_activity_context.
        log.debug("application recorded", application_id=row.application_id,
                  stage=row.stage.value, version=row.version, actor="system")

    @activity.defn
    def record_escalation(self, esc: EscalationIn) -> None:
        """Record that a stage passed its SLA without a decision."""
        with transaction(self._sessions) as session:
            new = insert_escalation(session, esc)
        log.warning("stage overdue: escalated" if new else "stage still overdue: reminded",
                    application_id=esc.application_id, stage=esc.stage.value,
                    due_at=esc.due_at.isoformat(), actor="system")
