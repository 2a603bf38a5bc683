"""Builders of read-model messages for the store tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from daftar.contracts.records import ApplicationSnapshot, EscalationIn
from daftar.contracts.state import HistoryEntry
from daftar.domain.stages import Stage

T0 = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
_serial = itertools.count(1)


def new_id(prefix: str = "app") -> str:
    """An application id no other test of this run uses (at most 32 characters)."""
    return f"{prefix}-{next(_serial):06d}"


def decision(seq: int, **overrides: Any) -> HistoryEntry:
    data: dict[str, Any] = {
        "seq": seq, "stage": "interview", "outcome": "pass", "actor": "u-1",
        "role": "interviewer", "at": T0 + timedelta(days=seq), "score": Decimal("80.00"),
        "reason": None, "rules": [],
    }
    data.update(overrides)
    return HistoryEntry(**data)


def app_row(application_id: str, **overrides: Any) -> ApplicationSnapshot:
    """A valid ApplicationSnapshot at version 1 (written from a history 10 events long per
    version, unless `history_length` says otherwise); any field may be overridden."""
    data: dict[str, Any] = {
        "application_id": application_id, "tracking_code": f"T{application_id}",
        "cycle": 1404, "stage": Stage.awaiting_interview, "province": "Tehran",
        "city": "Tehran", "quota": "free", "registered_at": T0, "updated_at": T0,
        "stage_entered_at": T0, "due_at": T0 + timedelta(days=30), "escalated": False,
        "rejected_stage": None, "rules": [], "licence_number": None,
        "office_province": None, "office_city": None, "exam_total": None,
        "interview_score": None, "version": 1, "decisions": [],
    }
    data.update(overrides)
    # A later version comes from a later workflow task, whose history is longer.
    data.setdefault("history_length", 10 * data["version"])
    return ApplicationSnapshot(**data)


def escalation(application_id: str, stage: Stage = Stage.awaiting_interview) -> EscalationIn:
    return EscalationIn(
        application_id=application_id, tracking_code=f"T{application_id}", cycle=1404,
        stage=stage, due_at=T0 + timedelta(days=30), escalated_at=T0 + timedelta(days=31))


def count(session: Session, model: type[SQLModel], **where: Any) -> int:
    """How many rows of `model` have the given column values."""
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return int(session.exec(stmt).one())


def as_utc(value: datetime) -> datetime:
    """The instant of a stored datetime: SQLite hands back naive UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
