"""RecordActivities run as activities: the same rows, and a retry duplicates nothing.

The activities are sync `def`s, so `ActivityEnvironment.run` calls them directly and returns
their result (nothing to await).
"""

from __future__ import annotations

from temporalio.testing import ActivityEnvironment

from daftar.activities.records import RecordActivities
from daftar.domain.stages import Stage
from daftar.store.db import SessionFactory
from daftar.store.models import ApplicationRecord, DecisionRow, EscalationRow
from tests.store.rows import app_row, count, decision, escalation, new_id


def test_record_application_twice(sessions: SessionFactory) -> None:
    acts = RecordActivities(sessions)
    aid = new_id("act")
    row = app_row(aid, stage=Stage.awaiting_security, version=3,
                  decisions=[decision(1), decision(2, stage="qualification")])
    env = ActivityEnvironment()
    env.run(acts.record_application, row)
    env.run(acts.record_application, row)  # a retried activity
    with sessions() as session:
        record = session.get(ApplicationRecord, aid)
        assert record is not None
        assert record.stage == "awaiting_security"
        assert record.version == 3
        assert count(session, ApplicationRecord, application_id=aid) == 1
        assert count(session, DecisionRow, application_id=aid) == 2


def test_record_escalation_twice(sessions: SessionFactory) -> None:
    acts = RecordActivities(sessions)
    aid = new_id("act")
    esc = escalation(aid, Stage.awaiting_qualification)
    env = ActivityEnvironment()
    env.run(acts.record_escalation, esc)
    env.run(acts.record_escalation, esc)
    with sessions() as session:
        assert count(session, EscalationRow, application_id=aid) == 1
        assert count(session, EscalationRow, application_id=aid,
                     stage="awaiting_qualification", tracking_code=f"T{aid}") == 1
