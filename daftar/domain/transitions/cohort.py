"""The cycle's own updates: publication (EXAM-2), launch rounds (LAUNCH-1), amendments (CYC-1)."""

from __future__ import annotations

from datetime import datetime

from daftar.domain.actors import Actor
from daftar.domain.publication import PublicationState
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import Role


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


def amend(actor: Actor, *, base: int, amendments: int, closes_before: datetime,
          closes_at: datetime | None, now: datetime) -> Refusal | None:
    """CYC-1: an admin amends the running cycle, on an up-to-date view of it.

    Args:
        actor: The verified sender; must hold the admin role.
        base: How many amendments the sender's view of the cycle included.
        amendments: How many amendments the cycle has recorded.
        closes_before: When the registration window closes before this amendment.
        closes_at: When it closes after it, or None when the amendment leaves it.
        now: When the amendment is checked.

    Returns:
        None when the amendment may be recorded; else the refusal.
    """
    if Role.admin not in actor.roles:
        return refusal(RefusalKind.forbidden, "CYC-1", "Only the admin role amends a cycle.")
    if base != amendments:
        return refusal(RefusalKind.conflict, "CYC-1",
                       f"The cycle was amended meanwhile (it has {amendments} amendments, the "
                       f"change was made on a view with {base}); reload it and amend again.")
    if closes_at is not None:
        if closes_before <= now:
            return refusal(RefusalKind.conflict, "CYC-1", (
                "The registration window has closed, and a closed window stays closed: "
                "incomplete registrations are not processed (REG-2)."), "registration_end")
        if closes_at <= now:
            return refusal(RefusalKind.conflict, "CYC-1",
                           "The registration window cannot end in the past.",
                           "registration_end")
    return None


def seats(actor: Actor) -> Refusal | None:
    """EXAM-5: the exam officer sends the candidates their seats.

    Args:
        actor: The verified sender; must hold the exam_officer role.

    Returns:
        None when the seats may be sent; else the refusal.
    """
    if Role.exam_officer not in actor.roles:
        return refusal(RefusalKind.forbidden, "EXAM-5",
                       "Only the exam_officer role assigns exam seats.")
    return None


def close_cycle(actor: Actor, *, closed: bool) -> Refusal | None:
    """COR-2: an admin closes the cycle, once; its ended records stop waiting for corrections.

    Args:
        actor: The verified sender; must hold the admin role.
        closed: Whether the cycle is closed already.

    Returns:
        None when the cycle may be closed; else the refusal.
    """
    if Role.admin not in actor.roles:
        return refusal(RefusalKind.forbidden, "COR-2", "Only the admin role closes a cycle.")
    if closed:
        return refusal(RefusalKind.duplicate, "COR-2", "The cycle is closed already.")
    return None


def closable(now: datetime, registration_closes: datetime, waiting_for_exam: int,
             registration_end: str) -> Refusal | None:
    """COR-2: a cycle closes only once nobody is left where only the cycle can move them.

    Closing stops the cycle's own operations (amendments, exam sessions, publication, launch
    rounds), so it waits for the registration window to end and for the results to reach
    everyone waiting for the exam. Applications on the reviewers' path go on (their decisions
    need no cycle), licensed ones keep their licence, and those waiting for an office stay on
    the list.

    Args:
        now: The current instant.
        registration_closes: When the registration window ends.
        waiting_for_exam: Candidates at `awaiting_exam` in the read model.
        registration_end: The window's last day, as the message names it.

    Returns:
        None when the cycle may close; else the refusal naming what is left.
    """
    if now < registration_closes:
        return refusal(RefusalKind.not_ready, "COR-2", (
            f"Registration is open until {registration_end} (Tehran time): a cycle closes "
            "once its registration is over."))
    if waiting_for_exam:
        return refusal(RefusalKind.not_ready, "COR-2", (
            f"{waiting_for_exam} candidates still wait for the exam's results: publish them "
            "first (EXAM-2, EXAM-6), or no result could ever reach them."))
    return None


def still_running(closed: bool) -> Refusal | None:
    """A closed cycle takes no amendment, exam session, publication or launch round."""
    if closed:
        return refusal(RefusalKind.wrong_stage, "COR-2", "The cycle is closed.")
    return None
