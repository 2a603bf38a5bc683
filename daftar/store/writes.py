"""Idempotent writes of the read model.

A retried activity changes nothing the second time, and a write from a workflow task Temporal
discarded does not survive the one that follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from daftar.store.models import ApplicationRecord, DecisionRow, EscalationRow, StageCount


class ApplicationValues(TypedDict):
    """One application's row, column by column (the `applications` table)."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: str
    province: str
    city: str
    quota: str
    full_name: str
    registered_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    due_at: datetime | None
    escalated: bool
    rejected_stage: str | None
    rules: list[str]
    licence_number: str | None
    office_province: str | None
    office_city: str | None
    exam_total: Decimal | None
    interview_score: Decimal | None
    claimed_by: str | None
    claim_expires_at: datetime | None
    claim_assigned_by: str | None
    version: int
    history_length: int


class DecisionValues(TypedDict):
    """One decision row of an application, without its application id (`decisions`)."""

    seq: int
    stage: str
    outcome: str
    actor: str
    role: str
    at: datetime
    score: Decimal | None
    reason: str | None
    rules: list[str]


_APPS = ApplicationRecord.__table__  # type: ignore[attr-defined]
_DECISIONS = DecisionRow.__table__  # type: ignore[attr-defined]
_COUNTS = StageCount.__table__  # type: ignore[attr-defined]
_PREVIOUS = select(
    _APPS.c.stage, _APPS.c.version, _APPS.c.history_length,
    select(func.count()).where(_DECISIONS.c.application_id == _APPS.c.application_id)
    .scalar_subquery().label("n"),
    select(func.max(_DECISIONS.c.seq)).where(_DECISIONS.c.application_id == _APPS.c.application_id)
    .scalar_subquery().label("last"),
).where(_APPS.c.application_id == bindparam("id")).with_for_update(of=_APPS)
_MOVE = update(_APPS).where(_APPS.c.application_id == bindparam("id"),
                            _APPS.c.version == bindparam("was"),
                            _APPS.c.history_length == bindparam("was_length"))


def dialect_insert(session: Session, model: type[SQLModel]) -> Any:
    """An INSERT of `model` in the session's dialect (for its ON CONFLICT clauses)."""
    dialect = session.get_bind().dialect.name
    table = model.__table__  # type: ignore[attr-defined]
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {dialect}")


def upsert_application(session: Session, row: ApplicationValues,
                       decisions: Sequence[DecisionValues], *, recorded_decisions: int = 0) -> None:
    """Insert or update one application so the row shows what the history committed.

    The workflow writes from inside a workflow task (a local activity), and Temporal may
    discard that task after the write: the attempt after it replays the committed history and
    writes again, with a history at least as long. So writes are ordered by the history length
    of the task that made them, not by the state's version: a write from a shorter history
    never overwrites one from a longer; at the same length the later write wins (it is the
    attempt that followed the discarded one, or the same write retried). Decisions the
    workflow knows were written by a committed task (`recorded_decisions`) are left as they
    are; later ones are written over whatever a discarded attempt left, and rows beyond the
    state's decisions are removed.

    The per-stage counters (stats) move in the same transaction, so they can neither drift
    from the rows nor count a retried write twice.

    Most writes move a row that exists, so that path is lean: one statement reads the row's
    stage, version, history length and last decision (locking the row on PostgreSQL), one
    updates it from exactly that, one moves both counters, and the new decisions are
    written. A new row, or a write that lost a race, takes the full path.
    """
    conn = session.connection()
    previous = conn.execute(_PREVIOUS, {"id": row["application_id"]}).first()
    if previous is None:
        _upsert_full(session, row, decisions, recorded_decisions)
        return
    if row["history_length"] < previous.history_length:
        return  # written from an earlier workflow task: the row is newer
    values: dict[str, Any] = dict(row)
    del values["application_id"]
    moved = conn.execute(_MOVE.values(**values),
                         {"id": row["application_id"], "was": previous.version,
                          "was_length": previous.history_length})
    if moved.rowcount != 1:  # another writer moved it between the read and the update
        _upsert_full(session, row, decisions, recorded_decisions)
        return
    if previous.stage != row["stage"]:
        _count(session, row["cycle"], row["province"], {previous.stage: -1, row["stage"]: 1})
    _write_decisions(session, row["application_id"], decisions, recorded_decisions,
                     n=previous.n, last=previous.last or 0)


def _upsert_full(session: Session, row: ApplicationValues,
                 decisions: Sequence[DecisionValues], recorded_decisions: int) -> None:
    values: dict[str, Any] = dict(row)
    inserted = session.exec(
        dialect_insert(session, ApplicationRecord).values(**values)
        .on_conflict_do_nothing(index_elements=["application_id"])
        .returning(_APPS.c.application_id)).first()
    if inserted is not None:
        _count(session, row["cycle"], row["province"], {row["stage"]: 1})
        _write_decisions(session, row["application_id"], decisions, recorded_decisions, n=0, last=0)
        return
    previous = session.exec(  # type: ignore[call-overload]
        select(_APPS.c.stage, _APPS.c.history_length,
               select(func.count()).where(_DECISIONS.c.application_id == _APPS.c.application_id)
               .scalar_subquery().label("n"),
               select(func.max(_DECISIONS.c.seq))
               .where(_DECISIONS.c.application_id == _APPS.c.application_id)
               .scalar_subquery().label("last"))
        .where(_APPS.c.application_id == row["application_id"]).with_for_update(of=_APPS)).one()
    if row["history_length"] < previous.history_length:
        return
    session.exec(update(_APPS)
                 .where(_APPS.c.application_id == row["application_id"])
                 .values(**{k: v for k, v in values.items() if k != "application_id"}))
    if previous.stage != row["stage"]:
        _count(session, row["cycle"], row["province"], {previous.stage: -1, row["stage"]: 1})
    _write_decisions(session, row["application_id"], decisions, recorded_decisions,
                     n=previous.n, last=previous.last or 0)


def _write_decisions(session: Session, application_id: str, rows: Sequence[DecisionValues],
                     recorded: int, *, n: int, last: int) -> None:
    """Make the decision rows after the `recorded` first the application's own.

    Decisions written by a discarded workflow task are overwritten or removed, new ones inserted.
    `n` and `last` are the rows' count and last sequence before: when earlier rows are missing (a
    gap, or a read model restored from an older backup), all are written.
    """
    after = recorded if n == last and last >= recorded else 0
    if last > len(rows):
        session.exec(delete(_DECISIONS).where(_DECISIONS.c.application_id == application_id,
                                              _DECISIONS.c.seq > len(rows)))
    decisions = [
        {"application_id": application_id, "seq": d["seq"], "stage": d["stage"],
         "outcome": d["outcome"], "actor": d["actor"], "role": d["role"], "at": d["at"],
         "score": d["score"], "reason": d["reason"], "rules": d["rules"]}
        for d in rows if d["seq"] > after
    ]
    if decisions:
        ins = dialect_insert(session, DecisionRow).values(decisions)
        session.exec(ins.on_conflict_do_update(
            index_elements=["application_id", "seq"],
            set_={c: ins.excluded[c] for c in ("stage", "outcome", "actor", "role", "at",
                                               "score", "reason", "rules")}))


def _count(session: Session, cycle: int, province: str, deltas: dict[str, int]) -> None:
    # One statement, its counter rows in a fixed order, so two transactions never wait on
    # each other in a cycle.
    stmt = dialect_insert(session, StageCount).values([
        {"cycle": cycle, "province": province, "stage": stage, "n": deltas[stage]}
        for stage in sorted(deltas)])
    session.exec(stmt.on_conflict_do_update(
        index_elements=["cycle", "province", "stage"], set_={"n": _COUNTS.c.n + stmt.excluded.n}))


def insert_escalation(session: Session, esc: EscalationRow) -> bool:
    """Record an escalation once (`esc` unsaved); returns whether this call recorded it."""
    stmt = dialect_insert(session, EscalationRow).values(
        application_id=esc.application_id, tracking_code=esc.tracking_code, cycle=esc.cycle,
        stage=esc.stage, due_at=esc.due_at, escalated_at=esc.escalated_at,
    ).on_conflict_do_nothing(index_elements=["application_id", "stage"]).returning(
        EscalationRow.__table__.c.id)  # type: ignore[attr-defined]
    # rowcount is -1 with RETURNING on PostgreSQL: whether a row came back is the answer.
    return session.exec(stmt).first() is not None
