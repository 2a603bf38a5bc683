"""Registration and exam: payment, photo, exam result and absence (REG-2, REG-4, EXAM-2, 6)."""

from __future__ import annotations

from datetime import datetime

from daftar.domain.actors import Actor
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import (
    Role,
    Stage,
)
from daftar.domain.transitions.checks import at_stage, needs_role, own_application, window_open
from daftar.domain.transitions.views import (
    ApplicationLike,
    CycleTermsLike,
    ExamResultMessage,
    PaymentMessage,
)


def payment(
    state: ApplicationLike, actor: Actor, message: PaymentMessage, now: datetime,
    terms: CycleTermsLike,
) -> Refusal | None:
    """REG-2: the payment gateway confirms the fee, once, inside the window (REG-1).

    Args:
        state: The application.
        actor: The verified sender; must hold the payment_gateway role.
        message: The confirmed reference and amount.
        now: When the message is checked.
        terms: The cycle's fee and registration window.

    Returns:
        None when the payment may be recorded; else the refusal. A retry of the recorded
        payment (same reference and amount) is `already_applied`, any other `duplicate`.
    """
    wrong = needs_role(actor, Role.payment_gateway, "REG-2")
    if wrong is not None:
        return wrong
    paid = state.payment
    if paid is not None:
        if paid.reference == message.reference and paid.amount_rials == message.amount_rials:
            # The gateway retried: refused outside the history (an auditor sees one payment);
            # the API answers the retry with the current state.
            return refusal(RefusalKind.already_applied, "REG-2",
                           f"This payment (reference {paid.reference}) is already recorded.")
        return refusal(RefusalKind.duplicate, "REG-2",
                       f"The fee is already paid (reference {paid.reference}).")
    wrong = at_stage(state, Stage.awaiting_payment, "REG-2") or window_open(terms, now)
    if wrong is not None:
        return wrong
    if message.amount_rials != terms.fee_rials:
        return refusal(RefusalKind.invalid, "REG-2",
                       f"The fee is {terms.fee_rials} rials, not {message.amount_rials}.",
                       "amount_rials")
    return None


def photo(
    state: ApplicationLike, actor: Actor, message: object, now: datetime,
    terms: CycleTermsLike,
) -> Refusal | None:
    """REG-4: the applicant's own photo, before registration completes and the window closes.

    Args:
        state: The application.
        actor: The verified sender; must be the applicant of this application.
        message: The photo; its measures were checked on upload, so none is read here.
        now: When the message is checked.
        terms: The cycle's registration window (REG-1).

    Returns:
        None when the photo may be recorded; else the refusal.
    """
    return (own_application(state, actor, "REG-4")
            or at_stage(state, Stage.awaiting_payment, "REG-4")
            or window_open(terms, now))


def exam_result(
    state: ApplicationLike, actor: Actor, message: ExamResultMessage, now: datetime
) -> Refusal | None:
    """EXAM-2: the candidate's published result, once, while the application awaits it.

    Args:
        state: The application.
        actor: The verified sender; must hold the exam_officer role.
        message: The total score and pass mark.
        now: When the message is checked (not read: publication has no deadline here).

    Returns:
        None when the result may be recorded; else the refusal. The same result again is
        `already_applied` (a publication fan-out retried), another one `duplicate`.
    """
    wrong = needs_role(actor, Role.exam_officer, "EXAM-2")
    if wrong is not None:
        return wrong
    known = state.exam_result
    if known is not None:
        if (known.total_score, known.pass_mark) == (message.total_score, message.pass_mark):
            return refusal(RefusalKind.already_applied, "EXAM-2",
                           "This result is already recorded.")
        return refusal(RefusalKind.duplicate, "EXAM-2",
                       "This candidate's exam result is already recorded.")
    return at_stage(state, Stage.awaiting_exam, "EXAM-2")




def registration_complete(state: ApplicationLike) -> bool:
    """REG-2: the fee and an accepted photo, both in, complete the registration."""
    return state.payment is not None and state.photo is not None


def window_closed_outcome(state: ApplicationLike) -> tuple[Stage, list[str]] | None:
    """REG-2: what the registration window's end makes of the application.

    An application still awaiting its fee or photo when the window closes ends `incomplete`
    under REG-2 (incomplete registrations are not processed). None for any other stage: its
    deadline is a stage's SLA, which escalates and keeps waiting.
    """
    if state.stage is Stage.awaiting_payment:
        return Stage.incomplete, ["REG-2"]
    return None


def absence(state: ApplicationLike, actor: Actor) -> Refusal | None:
    """EXAM-6: a candidate with no result when the results are published did not sit the exam.

    Args:
        state: The application.
        actor: The verified sender; must hold the exam_officer role.

    Returns:
        None when the candidate waits for the exam with no result; else the refusal.
    """
    wrong = needs_role(actor, Role.exam_officer, "EXAM-6")
    if wrong is not None:
        return wrong
    if state.exam_result is not None:
        return refusal(RefusalKind.duplicate, "EXAM-6", "The candidate has an exam result.")
    return at_stage(state, Stage.awaiting_exam, "EXAM-6")
