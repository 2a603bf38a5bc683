"""The stage rules of one application, and of its cycle, as pure transitions.

One function per message an applicant's workflow (or a cycle's) accepts. Each reads the
current state, the verified sender, the message and the instant it is checked at, and answers
the `Refusal` that keeps the message out of the history, or None when it may be applied. The
checks run in a fixed order, and the first that fails answers: the sender's role (403), then
a duplicate, a retry, a wrong stage or another reviewer's claim (409), then the content (422).
Transitions never change the state, read no clock (`now` is the caller's, `workflow.now()` in a
workflow) and raise nothing, so they are tested without Temporal and the API may call them to
answer early.

The states and messages are typed by the protocols below, which the contract models
(`daftar.contracts.state`, `daftar.contracts.applicant`) satisfy structurally: domain imports
nothing of daftar's outside itself.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from daftar.domain.actors import Actor
from daftar.domain.decisions import Outcome, decision_violations
from daftar.domain.publication import PublicationState
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.registration import Gender, RegistrationForm
from daftar.domain.stages import (
    DECISION_AT,
    DECISION_FLOW,
    TERMINAL_STAGES,
    DecisionStage,
    Role,
    Stage,
)
from daftar.domain.violations import Violation

__all__ = [
    "MAX_CLAIMS", "OCCUPATION_ENDED", "VETERAN_CERTIFICATE", "ApplicationLike", "ClaimHeld",
    "CycleTermsLike", "DecisionMessage", "DecisionRecord", "DisqualifyMessage",
    "DocumentHeld", "DocumentMessage", "ExamResultHeld", "ExamResultMessage", "OfficeHeld",
    "OfficeMessage", "PaymentHeld", "PaymentMessage", "claim", "decision",
    "decision_role_refusal", "disqualify", "document", "exam_result", "launch_round",
    "licence", "office", "payment", "photo", "publish", "release", "withdraw",
]

#: Claims one stage's decision may record: each adds a few events to the applicant's history,
#: which must stay bounded however often a reviewer renews.
MAX_CLAIMS = 48

#: The document kinds an applicant hands in (the values of the contracts' `DocumentKind`).
OCCUPATION_ENDED = "occupation_ended"  # ART11-1
VETERAN_CERTIFICATE = "veteran_certificate"  # VET-2


# --- what the transitions read -----------------------------------------------------------
# Read-only properties, so a pydantic model's plain (mutable) fields satisfy them under mypy.


class PaymentHeld(Protocol):
    """The fee an application has recorded (REG-2)."""

    @property
    def reference(self) -> str:
        """The gateway's reference of the payment."""

    @property
    def amount_rials(self) -> int:
        """The amount paid, in rials."""


class ExamResultHeld(Protocol):
    """The exam result an application has recorded (EXAM-2)."""

    @property
    def total_score(self) -> Decimal:
        """The candidate's total standardized score."""

    @property
    def pass_mark(self) -> Decimal:
        """The cycle's pass mark the result was judged against."""


class OfficeHeld(Protocol):
    """The office city a launch round gave the candidate (LAUNCH-1)."""

    @property
    def province(self) -> str:
        """The office's province."""

    @property
    def city(self) -> str:
        """The office's city."""


class DocumentHeld(Protocol):
    """A document the applicant handed in (ART11-1, VET-2)."""

    @property
    def kind(self) -> str:
        """`OCCUPATION_ENDED` or `VETERAN_CERTIFICATE`."""


class DecisionRecord(Protocol):
    """An entry of the application's history; only its stage is read."""

    @property
    def stage(self) -> str:
        """The step it records (`interview`, `qualification`, `security`, ...)."""


class ClaimHeld(Protocol):
    """Who holds the waiting decision, since when and until when."""

    @property
    def actor(self) -> str:
        """The id of the reviewer holding the claim."""

    @property
    def stage(self) -> Stage:
        """The stage the claim was taken at; a claim of an earlier stage holds nothing."""

    @property
    def at(self) -> datetime:
        """When the claim was taken (or last renewed)."""

    @property
    def expires_at(self) -> datetime:
        """When the claim lapses."""


class ApplicationLike(Protocol):
    """One application's state as the transitions read it (`ApplicationState` satisfies it)."""

    @property
    def application_id(self) -> str:
        """The application's id: an applicant acts under it."""

    @property
    def stage(self) -> Stage:
        """Where the application stands."""

    @property
    def form(self) -> RegistrationForm:
        """The registration as accepted."""

    @property
    def flags(self) -> Collection[str]:
        """Rule ids found at registration that need a later step (e.g. ART11-1)."""

    @property
    def veteran(self) -> bool:
        """Whether the applicant registered under the veteran quota (VET-2)."""

    @property
    def payment(self) -> PaymentHeld | None:
        """The fee, once paid."""

    @property
    def exam_result(self) -> ExamResultHeld | None:
        """The exam result, once published."""

    @property
    def decisions(self) -> Sequence[DecisionRecord]:
        """Every accepted decision and step, oldest first."""

    @property
    def office(self) -> OfficeHeld | None:
        """The office city, once a launch round placed the candidate."""

    @property
    def documents(self) -> Sequence[DocumentHeld]:
        """The documents handed in."""

    @property
    def licence_number(self) -> str | None:
        """The licence's number, once issued."""

    @property
    def claim(self) -> ClaimHeld | None:
        """The latest claim on a waiting decision (it may have lapsed)."""

    @property
    def claims(self) -> int:
        """Claims recorded at the current stage."""


class CycleTermsLike(Protocol):
    """The cycle's terms the registration steps depend on (`CycleTerms` satisfies it)."""

    @property
    def fee_rials(self) -> int:
        """The registration fee (REG-2)."""

    @property
    def registration_closes_at(self) -> datetime:
        """The end of the registration window (REG-1)."""


class PaymentMessage(Protocol):
    """The gateway's confirmation of the fee (REG-2)."""

    @property
    def reference(self) -> str:
        """The gateway's reference of the payment."""

    @property
    def amount_rials(self) -> int:
        """The amount paid, in rials."""


class ExamResultMessage(Protocol):
    """One candidate's published exam result (EXAM-2)."""

    @property
    def total_score(self) -> Decimal:
        """The candidate's total standardized score."""

    @property
    def pass_mark(self) -> Decimal:
        """The cycle's pass mark."""


class DecisionMessage(Protocol):
    """A reviewer's pass or fail (INT-1, QUAL-1, SEC-1)."""

    @property
    def stage(self) -> DecisionStage:
        """The stage decided."""

    @property
    def outcome(self) -> Outcome:
        """Pass or fail."""

    @property
    def score(self) -> Decimal | None:
        """The interview's score (INT-1); none for other stages."""

    @property
    def reason(self) -> str | None:
        """Why, required for a failure."""

    @property
    def checks(self) -> dict[str, bool] | None:
        """The QUAL-1 checklist; none for other stages."""


class OfficeMessage(Protocol):
    """The office city a launch round placed the candidate in (LAUNCH-1)."""

    @property
    def province(self) -> str:
        """The office's province."""

    @property
    def city(self) -> str:
        """The office's city."""


class DocumentMessage(Protocol):
    """A document the applicant hands in (ART11-1, VET-2)."""

    @property
    def kind(self) -> str:
        """`OCCUPATION_ENDED` or `VETERAN_CERTIFICATE`."""


class DisqualifyMessage(Protocol):
    """An admin's disqualification or revocation (FRAUD-1)."""

    @property
    def reason(self) -> str:
        """Why; it must not be blank."""


# --- shared checks -------------------------------------------------------------------------


def _role(actor: Actor, role: Role, rule: str) -> Refusal | None:
    if role not in actor.roles:
        return refusal(RefusalKind.forbidden, rule, f"Only the {role.value} role may do this.")
    return None


def _own(state: ApplicationLike, actor: Actor, rule: str) -> Refusal | None:
    """The applicant acts on their own application only."""
    wrong_role = _role(actor, Role.applicant, rule)
    if wrong_role is not None:
        return wrong_role
    if actor.id != state.application_id:
        return refusal(RefusalKind.forbidden, rule,
                       "An applicant may act on their own application only.")
    return None


def _at(state: ApplicationLike, stage: Stage, rule: str) -> Refusal | None:
    if state.stage != stage:
        return refusal(RefusalKind.wrong_stage, rule,
                       f"The application is at {state.stage.value}, not {stage.value}.")
    return None


def _open(state: ApplicationLike, rule: str) -> Refusal | None:
    if state.stage in TERMINAL_STAGES:
        return refusal(RefusalKind.wrong_stage, rule,
                       f"The application is closed ({state.stage.value}).")
    return None


def _claimed_by_another(
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


def _window_open(terms: CycleTermsLike, now: datetime) -> Refusal | None:
    # REG-1: payment and photo complete a registration, so they end with its window.
    if now >= terms.registration_closes_at:
        return refusal(RefusalKind.wrong_stage, "REG-1", "The registration window has closed.")
    return None


# --- one transition per update of ApplicantWorkflow -------------------------------------------


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
    wrong = _role(actor, Role.payment_gateway, "REG-2")
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
    wrong = _at(state, Stage.awaiting_payment, "REG-2") or _window_open(terms, now)
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
    return (_own(state, actor, "REG-4") or _at(state, Stage.awaiting_payment, "REG-4")
            or _window_open(terms, now))


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
    wrong = _role(actor, Role.exam_officer, "EXAM-2")
    if wrong is not None:
        return wrong
    known = state.exam_result
    if known is not None:
        if (known.total_score, known.pass_mark) == (message.total_score, message.pass_mark):
            return refusal(RefusalKind.already_applied, "EXAM-2",
                           "This result is already recorded.")
        return refusal(RefusalKind.duplicate, "EXAM-2",
                       "This candidate's exam result is already recorded.")
    return _at(state, Stage.awaiting_exam, "EXAM-2")


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
    if any(d.stage == message.stage.value for d in state.decisions):
        return refusal(RefusalKind.duplicate, rule,
                       f"The {message.stage.value} stage is already decided.")
    wrong = _at(state, at, rule) or _claimed_by_another(state, actor, rule, now)
    if wrong is not None:
        return wrong
    violations = decision_violations(
        message.stage, message.outcome, score=message.score, reason=message.reason,
        checks=message.checks, male=state.form.gender == Gender.MALE)
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
    wrong = _role(actor, role, rule) or _claimed_by_another(state, actor, rule, now)
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


def office(
    state: ApplicationLike, actor: Actor, message: OfficeMessage, now: datetime
) -> Refusal | None:
    """LAUNCH-1: the office city a launch round placed the candidate in, once.

    Args:
        state: The application.
        actor: The verified sender; must hold the licensing_officer role.
        message: The office's province and city.
        now: When the message is checked (not read).

    Returns:
        None when the office may be recorded; else the refusal. The same office again is
        `already_applied` (a round's fan-out retried), another one `duplicate`.
    """
    wrong = _role(actor, Role.licensing_officer, "LAUNCH-1")
    if wrong is not None:
        return wrong
    known = state.office
    if known is not None:
        if (known.province, known.city) == (message.province, message.city):
            return refusal(RefusalKind.already_applied, "LAUNCH-1",
                           "This office is already assigned.")
        return refusal(RefusalKind.duplicate, "LAUNCH-1", "The candidate already has an office.")
    return _at(state, Stage.awaiting_launch, "LAUNCH-1")


def document(
    state: ApplicationLike, actor: Actor, message: DocumentMessage, now: datetime
) -> Refusal | None:
    """ART11-1 proof or the VET-2 certificate, handed in by the applicant before the licence.

    Args:
        state: The application.
        actor: The verified sender; must be the applicant of this application.
        message: The document's kind.
        now: When the message is checked (not read).

    Returns:
        None when the document may be recorded; else the refusal, under ART11-1 for the proof
        that an occupation ended and VET-2 for the veteran certificate. A document the
        application does not need is `invalid` on `kind`.
    """
    rule = "ART11-1" if message.kind == OCCUPATION_ENDED else "VET-2"
    wrong = _own(state, actor, rule) or _open(state, rule)
    if wrong is not None:
        return wrong
    if state.stage == Stage.licensed:
        return refusal(RefusalKind.wrong_stage, rule, "The licence is already issued.")
    if rule == "ART11-1" and "ART11-1" not in state.flags:
        return refusal(RefusalKind.invalid, rule,
                       "No ART11-1 occupation was declared; no proof is needed.", "kind")
    if rule == "VET-2" and not state.veteran:
        return refusal(RefusalKind.invalid, rule,
                       "Only veteran-quota applicants hand in this certificate.", "kind")
    return None


def licence(state: ApplicationLike, actor: Actor, message: object, now: datetime) -> Refusal | None:
    """LIC-1: the licence, once, when every document the applicant owes is in.

    Args:
        state: The application.
        actor: The verified sender; must hold the licensing_officer role.
        message: The licence; it carries nothing but its sender.
        now: When the message is checked (not read).

    Returns:
        None when the licence may be issued; else the refusal. Missing documents are
        `not_ready`, naming ART11-1 and/or VET-2 on the field `documents`.
    """
    wrong = _role(actor, Role.licensing_officer, "LIC-1")
    if wrong is not None:
        return wrong
    if state.licence_number is not None:
        return refusal(RefusalKind.duplicate, "LIC-1", "The licence is already issued.")
    wrong = _at(state, Stage.awaiting_licence, "LIC-1")
    if wrong is not None:
        return wrong
    kinds = {str(d.kind) for d in state.documents}
    missing: list[tuple[str, str]] = []
    if "ART11-1" in state.flags and OCCUPATION_ENDED not in kinds:
        missing.append(("ART11-1", "Proof that the declared occupation has ended is missing."))
    if state.veteran and VETERAN_CERTIFICATE not in kinds:
        missing.append(("VET-2", "The original veteran certificate is missing."))
    if missing:
        return Refusal(kind=RefusalKind.not_ready,
                       message="The licence cannot be issued yet (LIC-1).",
                       violations=tuple(Violation(rule=r, field="documents", message=m)
                                        for r, m in missing))
    return None


def withdraw(
    state: ApplicationLike, actor: Actor, message: object, now: datetime
) -> Refusal | None:
    """WD-1: the applicant withdraws, at any open stage before the licence.

    Args:
        state: The application.
        actor: The verified sender; must be the applicant of this application.
        message: The withdrawal; its optional reason is not checked.
        now: When the message is checked (not read).

    Returns:
        None when the withdrawal may be recorded; else the refusal.
    """
    wrong = _own(state, actor, "WD-1") or _open(state, "WD-1")
    if wrong is not None:
        return wrong
    if state.stage == Stage.licensed:
        return refusal(RefusalKind.wrong_stage, "WD-1",
                       "Withdrawal is possible only before the licence.")
    return None


def disqualify(
    state: ApplicationLike, actor: Actor, message: DisqualifyMessage, now: datetime
) -> Refusal | None:
    """FRAUD-1: an admin removes the applicant at any open stage, or revokes the licence.

    Args:
        state: The application.
        actor: The verified sender; must hold the admin role.
        message: The disqualification; its reason must not be blank.
        now: When the message is checked (not read).

    Returns:
        None when the disqualification may be recorded; else the refusal.
    """
    wrong = _role(actor, Role.admin, "FRAUD-1") or _open(state, "FRAUD-1")
    if wrong is not None:
        return wrong
    if not message.reason.strip():
        return refusal(RefusalKind.invalid, "FRAUD-1",
                       "A disqualification must state its reason.", "reason")
    return None


# --- the cycle's updates (ExamCycleWorkflow) -------------------------------------------------


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
