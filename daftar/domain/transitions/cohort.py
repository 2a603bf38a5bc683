"""The cycle's own updates: publication (EXAM-2) and launch rounds (LAUNCH-1)."""

from __future__ import annotations

from daftar.domain.actors import Actor
from daftar.domain.publication import PublicationState
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import (
    Role,
)


def publish(publication: PublicationState, actor: Actor) -> Refusal | None:
    """EXAM-2: the exam officer publishes the cycle's results, once per cycle.

    Args:
        publication: Where the cycle's publication stands.
        actor: The verified sender; must hold the exam_officer role.

    Returns:
        None when publication may start; else the refusal.
    """
    if Role.exam_officer not in actor.roles:
        return refusal(RefusalKind.forbidden, "EXAM-2",
                       "Only the exam_officer role publishes results.")
    if publication is not PublicationState.none:
        return refusal(RefusalKind.duplicate, "EXAM-2",
                       f"The results are already {publication}.")
    return None


def launch_round(actor: Actor, *, allocating: bool, sending_round: int | None) -> Refusal | None:
    """LAUNCH-1: the licensing officer runs the next launch round, one at a time.

    Args:
        actor: The verified sender; must hold the licensing_officer role.
        allocating: Whether a round's seats are being allocated now.
        sending_round: The number of the round whose offices are still being sent, if any.

    Returns:
        None when the next round may start; else the refusal.
    """
    if Role.licensing_officer not in actor.roles:
        return refusal(RefusalKind.forbidden, "LAUNCH-1",
                       "Only the licensing_officer role runs rounds.")
    # Rounds allocate by rank over the seats earlier rounds left: one must be fully placed
    # before the next one reads what is left.
    if allocating or sending_round is not None:
        return refusal(RefusalKind.wrong_stage, "LAUNCH-1",
                       "The previous round is still being sent; run the next one after it.")
    return None
