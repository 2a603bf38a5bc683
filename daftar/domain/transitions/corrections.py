"""Corrections, with four eyes (COR-1, COR-2, COR-3), and the end of an application's record.

A wrong decision, rejection or disqualification is corrected on the same application: its
history keeps the original, the correction (who, when, why) and what follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from daftar.domain.actors import Actor
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import DECISION_FLOW, TERMINAL_STAGES, DecisionStage, Role, Stage
from daftar.domain.transitions.checks import needs_role

#: The stages a reinstatement (COR-2) undoes.
REINSTATABLE = frozenset({Stage.rejected, Stage.disqualified, Stage.revoked})


class Entry(Protocol):
    """An entry of the history, as corrections read it."""

    @property
    def stage(self) -> str:
        """The step it records."""

    @property
    def outcome(self) -> str:
        """Its result (`pass`/`fail` for a reviewer's decision)."""


class Proposal(Protocol):
    """A reinstatement proposed and not yet confirmed (COR-2)."""

    @property
    def actor(self) -> str:
        """The admin who proposed it."""


class Correctable(Protocol):
    """One application's state as the corrections read it."""

    @property
    def stage(self) -> Stage:
        """Where the application stands."""

    @property
    def rejected_stage(self) -> Stage | None:
        """The stage it was rejected, disqualified or revoked at."""

    @property
    def decisions(self) -> Sequence[Entry]:
        """Its history, the oldest first."""

    @property
    def reinstatement(self) -> Proposal | None:
        """A reinstatement proposed and waiting for a second admin."""


_DECISIONS = {s.value: s for s in DecisionStage}


def latest_decision(state: Correctable) -> tuple[DecisionStage, str] | None:
    """The latest reviewer decision (INT-1, QUAL-1, SEC-1) and its outcome, if any."""
    for entry in reversed(state.decisions):
        if entry.stage in _DECISIONS:
            return _DECISIONS[entry.stage], entry.outcome
    return None


def reopen(state: Correctable, actor: Actor, stage: DecisionStage) -> Refusal | None:
    """COR-1: an admin reopens the latest reviewer decision while the next stage has not acted.

    A pass reopens while the application waits at the next stage (nothing decided there, no
    office given); a fail reopens while the application stands rejected by it.

    Args:
        state: The application.
        actor: The verified sender; must hold the admin role.
        stage: The stage of the decision to reopen; must be the latest decision's.

    Returns:
        None when the decision goes back to its stage's inbox; else the refusal.
    """
    wrong = needs_role(actor, Role.admin, "COR-1")
    if wrong is not None:
        return wrong
    latest = latest_decision(state)
    if latest is None or latest[0] is not stage:
        named = f"the {latest[0].value} decision" if latest else "no reviewer decision yet"
        return refusal(RefusalKind.wrong_stage, "COR-1",
                       f"Only the latest reviewer decision reopens: this application has "
                       f"{named}, not a {stage.value} decision.")
    at, _, after, _ = DECISION_FLOW[stage]
    passed = latest[1] in ("pass", "passed")
    if passed and state.stage != after:
        return refusal(RefusalKind.wrong_stage, "COR-1",
                       f"The next stage has acted: the application is at {state.stage.value}, "
                       f"no longer waiting at {after.value}.")
    if not passed and (state.stage != Stage.rejected or state.rejected_stage != at):
        return refusal(RefusalKind.wrong_stage, "COR-1",
                       f"The application is at {state.stage.value}: the {stage.value} "
                       "rejection no longer stands.")
    return None


def reinstate(state: Correctable, actor: Actor) -> Refusal | None:
    """COR-2: a rejection or disqualification undone by two different admins.

    The first admin proposes; a second, different one confirms. The same admin confirming
    their own proposal is refused.

    Args:
        state: The application.
        actor: The verified sender; must hold the admin role.

    Returns:
        None when the proposal, or its confirmation, may be recorded; else the refusal.
    """
    wrong = needs_role(actor, Role.admin, "COR-2")
    if wrong is not None:
        return wrong
    if state.stage not in REINSTATABLE or state.rejected_stage is None:
        return refusal(RefusalKind.wrong_stage, "COR-2",
                       f"Only a rejected, disqualified or revoked application is reinstated; "
                       f"this one is at {state.stage.value}.")
    pending = state.reinstatement
    if pending is not None and pending.actor == actor.id:
        return refusal(RefusalKind.forbidden, "COR-2",
                       "A reinstatement needs a second, different admin to confirm it.")
    return None


def assign(state: Correctable, actor: Actor) -> Refusal | None:
    """COR-3: an admin assigns the waiting decision to a named reviewer (a claim for them).

    Args:
        state: The application.
        actor: The verified sender; must hold the admin role.

    Returns:
        None when a reviewer's decision waits; else the refusal.
    """
    wrong = needs_role(actor, Role.admin, "COR-3")
    if wrong is not None:
        return wrong
    if state.stage not in {at for at, _, _, _ in DECISION_FLOW.values()}:
        return refusal(RefusalKind.wrong_stage, "COR-3",
                       f"No reviewer's decision waits: the application is at "
                       f"{state.stage.value}.")
    return None


def close(state: Correctable, actor: Actor) -> Refusal | None:
    """The cycle's close ends an ended application's record, which waited for corrections.

    Args:
        state: The application.
        actor: The verified sender; must hold the admin role.

    Returns:
        None for an ended application; else the refusal (an open one is never closed).
    """
    wrong = needs_role(actor, Role.admin, "COR-2")
    if wrong is not None:
        return wrong
    if state.stage not in TERMINAL_STAGES:
        return refusal(RefusalKind.wrong_stage, "COR-2",
                       f"The application is still open ({state.stage.value}).")
    return None
