"""What a row should say, given its workflow's state, and the differences when it does not.

Pure functions: the reading is done by `daftar.commands.reconcile.check`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from daftar.commands.reconcile.report import Drift, DriftKind
from daftar.contracts.records import ApplicationSnapshot, application_snapshot
from daftar.contracts.state import ApplicationState
from daftar.store.models import ApplicationRecord, DecisionRow

#: Row fields compared one by one; `updated_at` and `history_length` say when and by which
#: workflow task it was written, not what it says.
_FIELDS = [f for f in ApplicationSnapshot.model_fields
           if f not in ("application_id", "updated_at", "decisions", "stage", "version",
                        "history_length", "recorded_decisions")]


def decision_key(d: Any) -> tuple[Any, ...]:
    """What a decision row must agree on with the workflow's record of it."""
    return (d.seq, d.stage, d.outcome, d.actor, str(d.role), list(d.rules))


def _same(name: str, want: Any, got: Any) -> bool:
    if isinstance(want, StrEnum):
        want = want.value
    scale: int | None = getattr(ApplicationRecord.__table__.c[name].type, "scale", None)  # type: ignore[attr-defined]
    if isinstance(want, Decimal) and isinstance(got, Decimal) and scale is not None:
        # The column keeps `scale` decimals, rounded by the database (or, on SQLite, through a
        # float): equal within one unit of the last decimal kept.
        return abs(want - got) <= Decimal(10) ** -scale
    return bool(want == got)


def compare(app_id: str, state: ApplicationState | str | None,
            row: tuple[ApplicationRecord, list[DecisionRow]] | None) -> list[Drift]:
    """The differences between one workflow's state and its row."""
    def drift(kind: DriftKind, workflow: str, read_model: str) -> Drift:
        return Drift(kind=kind, subject=app_id, workflow=workflow, read_model=read_model)

    if isinstance(state, str):
        return [drift(DriftKind.unreadable, state, "-")]
    if state is None:
        if row is None:
            return []
        return [drift(DriftKind.orphan_row, "none",
                      f"row at {row[0].stage} (v{row[0].version})")]
    at = f"at {state.stage.value} (v{state.version})"
    if row is None:
        return [drift(DriftKind.missing_row, at, "no row")]
    record, decisions = row
    want = application_snapshot(state, record.updated_at)
    out = []
    if record.stage != state.stage.value:
        out.append(drift(DriftKind.stage, state.stage.value, record.stage))
    if record.version != state.version:
        out.append(drift(DriftKind.version, at, f"at {record.stage} (v{record.version})"))
    differ = [f for f in _FIELDS if not _same(f, getattr(want, f), getattr(record, f))]
    if differ:
        out.append(drift(DriftKind.fields, ", ".join(f"{f}={getattr(want, f)!s}" for f in differ),
                         ", ".join(f"{f}={getattr(record, f)!s}" for f in differ)))
    if [decision_key(d) for d in want.decisions] != [decision_key(d) for d in decisions]:
        out.append(drift(DriftKind.decisions, f"{len(want.decisions)} decisions",
                         f"{len(decisions)} decision rows"))
    return out
