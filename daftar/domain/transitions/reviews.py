"""Reviewer decisions and their claims (INT-1, QUAL-1, SEC-1)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from daftar.domain.actors import Actor
from daftar.domain.decisions import decision_violations
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.registration import Gender
from daftar.domain.stages import (
    DECISION_AT,
    DECISION_FLOW,
    DecisionStage,
    Role,
)
from daftar.domain.transitions.checks import at_stage, claimed_by_another, needs_role
from daftar.domain.transitions.views import (
    MAX_CLAIMS,
    ApplicationLike,
    DecisionMessage,
)

#: The roles whose decisions can be claimed (INT-1, QUAL-1, SEC-1).
DECIDING_ROLES = tuple(role for _, role, _, _ in DECISION_FLOW.values())


def claim_role_refusal(actor_roles: Collection[Role]) -> Refusal | None:
    """Whether a sender with `actor_roles` may claim a waiting decision at all.

    Answered without the application's state, so the API can say 403 before reaching the
    workflow: only a reviewer of some stage claims; `claim` then holds the stage's own role.
    """
    if any(role in actor_roles for role in DECIDING_ROLES):
        return None
    return Refusal(kind=RefusalKind.forbidden,
                   message="Only a reviewer of the waiting stage may claim it: "
                           + ", ".join(r.value for r in DECIDING_ROLES) + ".")


def release_role_refusal(actor_roles: Collection[Role]) -> Refusal | None:
    """Whether a sender with `actor_roles` may release a claim at all (a reviewer or an admin).

    Answered without the state; `release` then holds the claimant or an admin.
    """
    if any(role in actor_roles for role in (*DECIDING_ROLES, Role.admin)):
        return None
    return Refusal(kind=RefusalKind.forbidden,
                   message="Only the claimant or an admin may release a claim.")


def decision_role_refusal(actor_roles: Collection[Role], stage: DecisionStage) -> Refusal | None:
    """INT-1, QUAL-1, SEC-1: whether a sender with `actor_roles` may decide `stage` at all.

    The first check of `decision`, on its own so the API can answer 403 before it reaches the
    workflow (one rule, one place).

    Args:
        actor_roles: The sender's verified roles.
        stage: The stage the decision is for.

    Returns:
        None when one of the roles decides `stage`; else a `forbidden` refusal under the
        stage's rule.
    """
    _, role, _, rule = DECISION_FLOW[stage]
    if role not in actor_roles:
        return refusal(RefusalKind.forbidden, rule, f"Only the {role.value} role may do this.")
    return None


def decision(
    state: ApplicationLike, actor: Actor, message: DecisionMessage, now: datetime
) -> Refusal | None:
    """INT-1, QUAL-1, SEC-1: a reviewer's pass or fail, once per stage, at that stage.

    Args:
        state: The application.
        actor: The verified sender; must hold the stage's reviewer role.
        message: The decision.
        now: When the message is checked: another reviewer's claim holds until it expires.

    Returns:
        None when the decision may be recorded; else the refusal. A malformed decision is
        `invalid` with every violation `decision_violations` finds.
    """
    at, _, _, rule = DECISION_FLOW[message.stage]
    wrong = decision_role_refusal(actor.roles, message.stage)
    if wrong is not None:
        return wrong
    # Decided and moved on: a duplicate. At its stage again after a correction (COR-1,
    # COR-2), the stage's decision is pending anew.
    if state.stage != at and any(d.stage == message.stage.value for d in state.decisions):
        return refusal(RefusalKind.duplicate, rule,
                       f"The {message.stage.value} stage is already decided.")
    wrong = at_stage(state, at, rule) or claimed_by_another(state, actor, rule, now)
    if wrong is not None:
        return wrong
    violations = decision_violations(
        message.stage, message.outcome, score=message.score, reason=message.reason,
        checks=message.checks, male=state.form.gender == Gender.MALE, veteran=state.veteran)
    if violations:
        return Refusal(kind=RefusalKind.invalid,
                       message=f"The {message.stage.value} decision is malformed.",
                       violations=tuple(violations))
    return None


def claim(state: ApplicationLike, actor: Actor, message: object, now: datetime) -> Refusal | None:
    """The stage's reviewer claims the waiting decision; claiming it again renews it.

    The history an applicant's workflow can grow to is bounded: a renewal while more than half
    the claim period is left changes nothing and is not recorded (`already_applied`: the API
    answers it with the current state), and one stage records at most MAX_CLAIMS claims.

    Args:
        state: The application.
        actor: The verified sender; must hold the role of the decision the stage waits for.
        message: The claim; it carries nothing but its sender.
        now: When the message is checked.

    Returns:
        None when the claim may be recorded; else the refusal, under the rule of the waiting
        decision (or of the sender's own decision stage when none waits).
    """
    if state.stage not in DECISION_AT:
        # No decision waits: 409 under the rule of the decision the sender takes, or a bare
        # 403 when they take none.
        text = f"The application is at {state.stage.value}: no decision waits to be claimed."
        own = [rule for _, role, _, rule in DECISION_FLOW.values() if role in actor.roles]
        if own:
            return refusal(RefusalKind.wrong_stage, own[0], text)
        return Refusal(kind=RefusalKind.forbidden, message=text)
    role, rule = DECISION_AT[state.stage]
    wrong = needs_role(actor, role, rule) or claimed_by_another(state, actor, rule, now)
    if wrong is not None:
        return wrong
    held = state.claim
    if (held is not None and held.actor == actor.id and held.stage == state.stage
            and held.expires_at - now > (held.expires_at - held.at) / 2):
        return refusal(RefusalKind.already_applied, rule,
                       f"You hold this claim until {held.expires_at.isoformat()}; it can be "
                       "renewed once half of it has passed.")
    if state.claims >= MAX_CLAIMS:
        return refusal(RefusalKind.not_ready, rule,
                       f"This stage's decision has been claimed {MAX_CLAIMS} times without a "
                       "decision; decide it now, or ask an admin to take it over.")
    return None


def release(state: ApplicationLike, actor: Actor, message: object, now: datetime) -> Refusal | None:
    """The claimant, or an admin, releases the claim on the waiting decision.

    Args:
        state: The application.
        actor: The verified sender; the claimant or an admin.
        message: The release; it carries nothing but its sender.
        now: When the message is checked: a lapsed claim holds nothing.

    Returns:
        None when a live claim may be released; `already_applied` (no rule: a no-op the API
        answers with the current state) when none holds; `forbidden` under the claimed
        decision's rule when the sender is neither claimant nor admin.
    """
    held = state.claim
    if held is None or held.stage != state.stage or now >= held.expires_at:
        return Refusal(kind=RefusalKind.already_applied,
                       message="No claim holds this application.")
    if held.actor != actor.id and Role.admin not in actor.roles:
        _, rule = DECISION_AT[held.stage]
        return refusal(RefusalKind.forbidden, rule,
                       f"Only {held.actor}, who holds the claim, or an admin may release it.")
    return None


