"""What the cycle sends one open application: an amendment (CYC-1), a seat (EXAM-5)."""

from __future__ import annotations

from daftar.domain.actors import Actor
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import TERMINAL_STAGES, Role, Stage
from daftar.domain.transitions.views import ApplicationLike


def terms(state: ApplicationLike, actor: Actor, number: int, included: int) -> Refusal | None:
    """CYC-1: the cycle's amendment `number` changes the terms of an open application.

    Args:
        state: The application.
        actor: The verified sender; must hold the admin role (the amendment's author).
        number: The amendment's number in its cycle.
        included: How many of the cycle's amendments the application's terms include.

    Returns:
        None when the amendment applies; `already_applied` for one the terms include (a
        fan-out retried, or terms that were current at registration); else the refusal.
    """
    if Role.admin not in actor.roles:
        return refusal(RefusalKind.forbidden, "CYC-1", "Only the admin role amends a cycle.")
    if number <= included:
        return refusal(RefusalKind.already_applied, "CYC-1",
                       f"Amendment {number} is already in this application's terms.")
    if state.stage in TERMINAL_STAGES:
        return refusal(RefusalKind.wrong_stage, "CYC-1",
                       f"The application has ended ({state.stage}); amendments do not reach it.")
    return None


def seat(state: ApplicationLike, actor: Actor, version: int, held: int | None) -> Refusal | None:
    """EXAM-5: the exam session's `version` gives the candidate a venue and a seat.

    Args:
        state: The application.
        actor: The verified sender; must hold the exam_officer role.
        version: The exam session's version the seat comes from.
        held: The version of the seat the candidate holds, if any.

    Returns:
        None when the seat applies; `already_applied` for the version held or an older one
        (a fan-out retried); `wrong_stage` unless the candidate waits for the exam.
    """
    if Role.exam_officer not in actor.roles:
        return refusal(RefusalKind.forbidden, "EXAM-5",
                       "Only the exam_officer role assigns exam seats.")
    if held is not None and version <= held:
        return refusal(RefusalKind.already_applied, "EXAM-5",
                       f"The seat of exam session version {version} is already given.")
    if state.stage != Stage.awaiting_exam:
        return refusal(RefusalKind.wrong_stage, "EXAM-5",
                       f"Seats are given to candidates waiting for the exam, not at {state.stage}.")
    return None
