"""The applicant's name on the read model's row: written from the workflow's state, and put
back by reconciliation on a row that lost it (or was written before the row kept it)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from daftar.activities.records import write_snapshot
from daftar.commands.reconcile.compare import compare
from daftar.commands.reconcile.repair import rerecord
from daftar.commands.reconcile.report import DriftKind
from daftar.contracts.records import ApplicationSnapshot, application_snapshot
from daftar.contracts.state import ApplicationState
from daftar.domain.identity import tracking_code
from daftar.domain.stages import Stage
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import ApplicationRecord
from daftar.store.reads import application_record
from tests.factories import next_national_id, registration
from tests.store.rows import T0, app_row


def _state(app_id: str, first: str, last: str) -> ApplicationState:
    return ApplicationState(
        application_id=app_id, tracking_code=tracking_code(app_id), cycle=1435,
        stage=Stage.awaiting_interview, form=registration(first_name=first, last_name=last),
        national_id=next_national_id(), registered_at=T0, stage_entered_at=T0,
        due_at=T0 + timedelta(days=10), version=4)


def _row(session: Session, app_id: str) -> ApplicationRecord:
    record = application_record(session, app_id)
    assert record is not None
    return record


def test_the_row_keeps_the_first_and_last_name_in_one_spelling(
        sessions: SessionFactory) -> None:
    # Arabic yeh and kaf, as an Arabic keyboard types them, and a double space.
    state = _state("a1435000000000a1", "زهرا ", "كريمي  نژاد")
    with transaction(sessions) as s:
        write_snapshot(s, application_snapshot(state, T0, history_length=40))
    with sessions() as s:
        assert _row(s, state.application_id).full_name == "زهرا کریمی نژاد"


def test_a_snapshot_made_before_names_were_kept_still_validates() -> None:
    data = app_row("names-old").model_dump()
    del data["full_name"]
    assert ApplicationSnapshot.model_validate(data).full_name == ""


def test_reconciliation_finds_a_blank_name_and_repairs_it(sessions: SessionFactory) -> None:
    state = _state("a1435000000000a2", "Maryam", "Ahmadi")
    with transaction(sessions) as s:
        write_snapshot(s, application_snapshot(state, T0, history_length=40))
    with sessions() as s:  # as migration 0015 leaves a row written before it
        record = _row(s, state.application_id)
        record.full_name = ""
        s.add(record)
        s.commit()
    with sessions() as s:
        drift = compare(state.application_id, state, (_row(s, state.application_id), []))
    assert [d.kind for d in drift] == [DriftKind.fields]
    assert drift[0].workflow == "full_name=Maryam Ahmadi"
    assert drift[0].read_model == "full_name="

    assert rerecord(sessions, state, history_length=40)
    with sessions() as s:
        record = _row(s, state.application_id)
        assert record.full_name == "Maryam Ahmadi"
        assert compare(state.application_id, state, (record, [])) == []
