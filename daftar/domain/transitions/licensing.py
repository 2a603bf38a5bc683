"""Launch, documents and licence (LAUNCH-1, ART11-1, VET-2, LIC-1); leaving (WD-1, FRAUD-1)."""

from __future__ import annotations

from datetime import datetime

from daftar.domain.actors import Actor
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import (
    Role,
    Stage,
)
from daftar.domain.transitions.checks import at_stage, needs_role, own_application, still_open
from daftar.domain.transitions.views import (
    OCCUPATION_ENDED,
    VETERAN_CERTIFICATE,
    ApplicationLike,
    DisqualifyMessage,
    DocumentMessage,
    OfficeMessage,
)
from daftar.domain.violations import Violation


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
    wrong = needs_role(actor, Role.licensing_officer, "LAUNCH-1")
    if wrong is not None:
        return wrong
    known = state.office
    if known is not None:
        if (known.province, known.city) == (message.province, message.city):
            return refusal(RefusalKind.already_applied, "LAUNCH-1",
                           "This office is already assigned.")
        return refusal(RefusalKind.duplicate, "LAUNCH-1", "The candidate already has an office.")
    return at_stage(state, Stage.awaiting_launch, "LAUNCH-1")


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
    wrong = own_application(state, actor, rule) or still_open(state, rule)
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
    wrong = needs_role(actor, Role.licensing_officer, "LIC-1")
    if wrong is not None:
        return wrong
    if state.licence_number is not None:
        return refusal(RefusalKind.duplicate, "LIC-1", "The licence is already issued.")
    wrong = at_stage(state, Stage.awaiting_licence, "LIC-1")
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
    wrong = own_application(state, actor, "WD-1") or still_open(state, "WD-1")
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
    wrong = needs_role(actor, Role.admin, "FRAUD-1") or still_open(state, "FRAUD-1")
    if wrong is not None:
        return wrong
    if not message.reason.strip():
        return refusal(RefusalKind.invalid, "FRAUD-1",
                       "A disqualification must state its reason.", "reason")
    return None


