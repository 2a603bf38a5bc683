"""Launch, documents and licence (LAUNCH-1, ART11-1, VET-2, LIC-1); leaving (WD-1, FRAUD-1)."""

from __future__ import annotations

from datetime import datetime

from daftar.domain.actors import Actor
from daftar.domain.documents import case_needs
from daftar.domain.refusals import Refusal, RefusalKind, refusal
from daftar.domain.stages import (
    Role,
    Stage,
)
from daftar.domain.transitions.checks import (
    at_stage,
    claimed_by_another,
    needs_role,
    own_application,
    still_open,
)
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




def _not_needed(state: ApplicationLike, kind: str, rule: str) -> Refusal | None:
    """DOC-1: `kind` is a document this case needs, else `invalid` on `kind` under `rule`."""
    needs = case_needs(state.form, state.flags, state.veteran)
    if kind in {n.kind.value for n in needs}:
        return None
    return refusal(RefusalKind.invalid, rule, (
        f"This case does not need a {kind} document; it needs: "
        + ", ".join(n.kind.value for n in needs) + "."), "kind")


def upload(state: ApplicationLike, actor: Actor, kind: str, now: datetime) -> Refusal | None:
    """DOC-1: the applicant uploads one of the documents their case needs.

    Args:
        state: The application.
        actor: The verified sender; must be the applicant of this application.
        kind: The document's kind (`daftar.domain.documents.DocKind`).
        now: When the message is checked (not read).

    Returns:
        None when the upload may be recorded; else the refusal under DOC-1: another's
        application, a closed one or a licence issued (`wrong_stage`), or a document this case
        does not need (`invalid` on `kind`).
    """
    wrong = own_application(state, actor, "DOC-1") or still_open(state, "DOC-1")
    if wrong is not None:
        return wrong
    if state.stage == Stage.licensed:
        return refusal(RefusalKind.wrong_stage, "DOC-1",
                       "The licence is issued: the case's documents are closed.")
    return _not_needed(state, kind, "DOC-1")


#: DOC-2: the stage each reviewer asks for documents at.
REQUESTED_AT = {Role.qualification_officer: Stage.awaiting_qualification,
                Role.licensing_officer: Stage.awaiting_licence}


def request_document(state: ApplicationLike, actor: Actor, kind: str, reason: str,
                     now: datetime) -> Refusal | None:
    """DOC-2: a reviewer asks the applicant for a missing or unreadable document.

    Args:
        state: The application.
        actor: The verified sender: the qualification officer while the case waits for the
            qualification check, or the licensing officer while it waits for the licence.
        kind: The document asked for; one the case needs (DOC-1).
        reason: Why, for the applicant; not blank.
        now: When the message is checked; a claim by another reviewer holds until it lapses.

    Returns:
        None when the request may be recorded; else the refusal under DOC-2.
    """
    roles = [r for r in REQUESTED_AT if r in actor.roles]
    if not roles:
        return refusal(RefusalKind.forbidden, "DOC-2", (
            "Only the qualification officer or the licensing officer asks for documents."))
    if state.stage not in {REQUESTED_AT[r] for r in roles}:
        return refusal(RefusalKind.wrong_stage, "DOC-2", (
            f"The application is at {state.stage.value}: documents are asked for while it "
            "waits for the qualification check or the licence."))
    held = claimed_by_another(state, actor, "DOC-2", now)
    if held is not None:
        return held
    wrong = _not_needed(state, kind, "DOC-2")
    if wrong is not None:
        return wrong
    if not reason.strip():
        return refusal(RefusalKind.invalid, "DOC-2",
                       "Say why the document is asked for: the applicant reads it.", "reason")
    return None
