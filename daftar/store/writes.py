"""Idempotent writes of the read model: a retried activity changes nothing the second time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from daftar.store.models import ApplicationRecord, DecisionRow, EscalationRow, StageCount
from daftar.workflows.messages import ApplicationRow, EscalationIn

_APPS = ApplicationRecord.__table__  # type: ignore[attr-defined]
_DECISIONS = DecisionRow.__table__  # type: ignore[attr-defined]
_COUNTS = StageCount.__table__  # type: ignore[attr-defined]
_PREVIOUS = select(
    _APPS.c.stage, _APPS.c.version,
    select(func.count()).where(_DECISIONS.c.application_id == _APPS.c.application_id)
    .scalar_subquery().label("n"),
    select(func.max(_DECISIONS.c.seq)).where(_DECISIONS.c.application_id == _APPS.c.application_id)
    .scalar_subquery().label("last"),
).where(_APPS.c.application_id == bindparam("id")).with_for_update(of=_APPS)
_MOVE = update(_APPS).where(_APPS.c.application_id == bindparam("id"),
                            _APPS.c.version == bindparam("was"))


def _insert(session: Session, model: type[SQLModel]) -> Any:
    dialect = session.get_bind().dialect.name
    table = model.__table__  # type: ignore[attr-defined]
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {dialect}")


def upsert_application(session: Session, row: ApplicationRow) -> None:
    """Insert or update one application; an older version never overwrites a newer one.

    The per-stage counters (stats) move in the same transaction, so they can neither drift
    from the rows nor count a retried write twice.

    Most writes move a row that exists, so that path is lean: one statement reads the row's
    stage and version and its decisions' count and last sequence (locking the row on
    PostgreSQL), one updates it from exactly that version, one moves both counters, and
    only decisions after the last recorded one are inserted. A new row, a write that lost a
    race, or a row whose decisions have a gap takes the full path.
    """
    conn = session.connection()
    previous = conn.execute(_PREVIOUS, {"id": row.application_id}).first()
    if previous is None:
        _upsert_full(session, row)
        return
    if previous.version < row.version:
        values = _values(row)
        del values["application_id"]
        moved = conn.execute(_MOVE.values(**values),
                             {"id": row.application_id, "was": previous.version})
        if moved.rowcount != 1:  # another writer moved it between the read and the update
            _upsert_full(session, row)
            return
        if previous.stage != row.stage.value:
            _count(session, row.cycle, row.province, {previous.stage: -1, row.stage.value: 1})
    contiguous = previous.n == (previous.last or 0)
    _insert_decisions(session, row, after=(previous.last or 0) if contiguous else 0)


def _values(row: ApplicationRow) -> dict[str, Any]:
    values = row.model_dump(exclude={"decisions"})
    values["stage"] = row.stage.value
    values["rejected_stage"] = row.rejected_stage.value if row.rejected_stage else None
    return values


def _upsert_full(session: Session, row: ApplicationRow) -> None:
    values = _values(row)
    inserted = session.exec(
        _insert(session, ApplicationRecord).values(**values)
        .on_conflict_do_nothing(index_elements=["application_id"])
        .returning(_APPS.c.application_id)).first()
    if inserted is not None:
        _count(session, row.cycle, row.province, {row.stage.value: 1})
    else:
        previous = session.exec(  # type: ignore[call-overload]
            select(_APPS.c.stage, _APPS.c.version)
            .where(_APPS.c.application_id == row.application_id).with_for_update()).one()
        if previous.version < row.version:
            session.exec(update(_APPS)
                         .where(_APPS.c.application_id == row.application_id)
                         .values(**{k: v for k, v in values.items() if k != "application_id"}))
            if previous.stage != row.stage.value:
                _count(session, row.cycle, row.province,
                       {previous.stage: -1, row.stage.value: 1})
    _insert_decisions(session, row, after=0)


def _insert_decisions(session: Session, row: ApplicationRow, *, after: int) -> None:
    """Insert the row's decisions with a sequence above `after`; those present stay."""
    decisions = [
        {"application_id": row.application_id, "seq": d.seq, "stage": d.stage,
         "outcome": d.outcome, "actor": d.actor, "role": d.role, "at": d.at,
         "score": d.score, "reason": d.reason, "rules": d.rules}
        for d in row.decisions if d.seq > after
    ]
    if decisions:
        ins = _insert(session, DecisionRow).values(decisions)
        session.exec(ins.on_conflict_do_nothing(index_elements=["application_id", "seq"]))


def _count(session: Session, cycle: int, province: str, deltas: dict[str, int]) -> None:
    # One statement, its counter rows in a fixed order, so two transactions never wait on
    # each other in a cycle.
    stmt = _insert(session, StageCount).values([
        {"cycle": cycle, "province": province, "stage": stage, "n": deltas[stage]}
        for stage in sorted(deltas)])
    session.exec(stmt.on_conflict_do_update(
        index_elements=["cycle", "province", "stage"], set_={"n": _COUNTS.c.n + stmt.excluded.n}))


def insert_escalation(session: Session, esc: EscalationIn) -> bool:
    """Record an escalation once; returns whether this call recorded it."""
    stmt = _insert(session, EscalationRow).values(
        application_id=esc.application_id, tracking_code=esc.tracking_code, cycle=esc.cycle,
        stage=esc.stage.value, due_at=esc.due_at, escalated_at=esc.escalated_at,
    ).on_conflict_do_nothing(index_elements=["application_id", "stage"]).returning(
        EscalationRow.__table__.c.id)  # type: ignore[attr-defined]
    # rowcount is -1 with RETURNING on PostgreSQL: whether a row came back is the answer.
    return session.exec(stmt).first() is not None
