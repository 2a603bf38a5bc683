"""The read model's write types, the tables and the workflows' snapshot name the same columns."""

from __future__ import annotations

from daftar.activities.records import _SNAPSHOT_ONLY
from daftar.contracts.records import ApplicationSnapshot
from daftar.contracts.state import HistoryEntry
from daftar.store.models import ApplicationRecord, DecisionRow
from daftar.store.writes import ApplicationValues, DecisionValues


def _columns(model: type) -> set[str]:
    return {c.name for c in model.__table__.columns}  # type: ignore[attr-defined]


def test_an_applications_values_are_its_rows_columns() -> None:
    assert set(ApplicationValues.__annotations__) == _columns(ApplicationRecord)


def test_the_snapshot_carries_every_column_of_the_row() -> None:
    assert set(ApplicationSnapshot.model_fields) - _SNAPSHOT_ONLY == _columns(ApplicationRecord)


def test_a_decisions_values_are_its_rows_columns_and_a_history_entrys_fields() -> None:
    values = set(DecisionValues.__annotations__)
    assert values == _columns(DecisionRow) - {"id", "application_id"}
    assert values <= set(HistoryEntry.model_fields)
