"""Saved inbox filters, shared by everyone with the same role (the team)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from daftar.store.models import SavedFilter


def list_filters(session: Session, team: str) -> list[SavedFilter]:
    """The team's saved filters, by name."""
    stmt = select(SavedFilter).where(SavedFilter.team == team).order_by(col(SavedFilter.name))
    return list(session.exec(stmt))


def save_filter(session: Session, team: str, name: str, params: dict[str, str],
                by: str) -> SavedFilter:
    """Save `params` under `name` for the team; a filter of the same name is replaced."""
    found = session.exec(select(SavedFilter).where(
        SavedFilter.team == team, SavedFilter.name == name)).first()
    if found is None:
        found = SavedFilter(team=team, name=name, params=params, created_by=by,
                            created_at=datetime.now(UTC))
    else:
        found.params, found.created_by, found.created_at = params, by, datetime.now(UTC)
    session.add(found)
    session.commit()
    session.refresh(found)
    return found


def delete_filter(session: Session, team: str, filter_id: int) -> bool:
    """Delete one of the team's filters; whether there was one to delete."""
    found = session.get(SavedFilter, filter_id)
    if found is None or found.team != team:
        return False
    session.delete(found)
    session.commit()
    return True
