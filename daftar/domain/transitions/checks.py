"""The checks the transitions share, each answering a refusal or None."""

from __future__ import annotations

from datetime import datetime

from daftar.domain.actors import Actor
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import (
    TERMINAL_STAGES,
    Role,
    Stage,
)
from daftar.domain.transitions.views import ApplicationLike, CycleTermsLike


def needs_role(actor: Actor, role: Role, rule: str) -> Refusal | None:
    """Forbidden (403) under `rule` unless the actor holds `role`."""
    if role not in actor.roles:
        return refusal(RefusalKind.forbidden, rule, f"Only the {role.value} role may do this.")
    return None


def own_application(state: ApplicationLike, actor: Actor, rule: str) -> Refusal | None:
    """The applicant acts on their own application only."""
    wrong_role = needs_role(actor, Role.applicant, rule)
    if wrong_role is not None:
        return wrong_role
    if actor.id != state.application_id:
        return refusal(RefusalKind.forbidden, rule,
                       "An applicant may act on their own application only.")
    return None


def at_stage(state: ApplicationLike, stage: Stage, rule: str) -> Refusal | None:
    """Wrong stage (409) under `rule` unless the application is at `stage`."""
    if state.stage != stage:
        return refusal(RefusalKind.wrong_stage, rule,
                       f"The application is at {state.stage.value}, not {stage.value}.")
    return None


def still_open(state: ApplicationLike, rule: str) -> Refusal | None:
    """Wrong stage (409) under `rule` once the application has closed."""
    if state.stage in TERMINAL_STAGES:
        return refusal(RefusalKind.wrong_stage, rule,
                       f"The application is closed ({state.stage.value}).")
    return None


def claimed_by_another(
    state: ApplicationLike, actor: Actor, rule: str, now: datetime
) -> Refusal | None:
    """A waiting decision claimed by another reviewer is theirs until the claim expires."""
    held = state.claim
    if (held is not None and held.actor != actor.id
            and held.stage == state.stage and now < held.expires_at):
        return refusal(RefusalKind.claimed, rule,
                       f"{held.actor} has claimed this decision until "
                       f"{held.expires_at.isoformat()}; it cannot be taken meanwhile.")
    return None


def window_open(terms: CycleTermsLike, now: datetime) -> Refusal | None:
    """REG-1: payment and photo complete a registration, so they end with its window."""
    if now >= terms.registration_closes_at:
        return refusal(RefusalKind.wrong_stage, "REG-1", "The registration window has closed.")
    return None


