"""Idempotent writes of the read model: a retried activity changes nothing the second time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from daftar.store.models import ApplicationRecord, DecisionRow, EscalationRow, StageCount
from daftar.workflows.messages import ApplicationRow, EscalationIn


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
    """
    values = row.model_dump(exclude={"decisions"})
    values["stage"] = row.stage.value
    values["rejected_stage"] = row.rejected_stage.value if row.rejected_stage else None
    table = ApplicationRecord.__table__  # type: ignore[attr-defined]
    inserted = session.exec(
        _insert(session, ApplicationRecord).values(**values)
        .on_conflict_do_nothing(index_elements=["application_id"])
        .returning(table.c.application_id)).first()
    if inserted is not None:
        _count(session, row.cycle, row.province, {row.stage.value: 1})
    else:
        previous = session.exec(  # type: ignore[call-overload]
            select(table.c.stage, table.c.version)
            .where(table.c.application_id == row.application_id).with_for_update()).one()
        if previous.version < row.version:
            session.exec(update(table)
                         .where(table.c.application_id == row.application_id)
                         .values(**{k: v for k, v in values.items() if k != "application_id"}))
            if previous.stage != row.stage.value:
                _count(session, row.cycle, row.province,
                       {previous.stage: -1, row.stage.value: 1})
    if row.decisions:
        decisions = [
            {"application_id": row.application_id, "seq": d.seq, "stage": d.stage,
             "outcome": d.outcome, "actor": d.actor, "role": d.role, "at": d.at,
             "score": d.score, "reason": d.reason, "rules": d.rules}
            for d in row.decisions
        ]
        ins = _insert(session, DecisionRow).values(decisions)
        session.exec(ins.on_conflict_do_nothing(
            index_elements=["application_id", "seq"]))


def _count(session: Session, cycle: int, province: str, deltas: dict[str, int]) -> None:
    # A fixed order of counter rows, so two transactions never wait on each other in a cycle.
    for stage in sorted(deltas):
        stmt = _insert(session, StageCount).values(
            cycle=cycle, province=province, stage=stage, n=deltas[stage])
        table = StageCount.__table__  # type: ignore[attr-defined]
        session.exec(stmt.on_conflict_do_update(
            index_elements=["cycle", "province", "stage"], set_={"n": table.c.n + stmt.excluded.n}))


def insert_escalation(session: Session, esc: EscalationIn) -> bool:
    """Record an escalation once; returns whether this call recorded it."""
    stmt = _insert(session, EscalationRow).values(
        application_id=esc.application_id, tracking_code=esc.tracking_code, cycle=esc.cycle,
        stage=esc.stage.value, due_at=esc.due_at, escalated_at=esc.escalated_at,
    ).on_conflict_do_nothing(index_elements=["application_id", "stage"]).returning(
        EscalationRow.__table__.c.id)  # type: ignore[attr-defined]
    # rowcount is -1 with RETURNING on PostgreSQL: whether a row came back is the answer.
    return session.exec(stmt).first() is not None
