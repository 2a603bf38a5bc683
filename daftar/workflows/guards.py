"""The checks behind ApplicantWorkflow's update validators.

Each method returns quietly when the message may be applied, and refuses it (never entering
the history) otherwise, in a fixed order: role (403), then duplicate or wrong stage (409), then
content (422). Validators read state only; they never change it.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from daftar.contracts.applicant import (
        ClaimIn,
        CycleTerms,
        DecisionIn,
        DisqualifyIn,
        DocumentIn,
        DocumentKind,
        ExamResultIn,
        LicenceIn,
        OfficeIn,
        PaymentIn,
        PhotoIn,
        ReleaseIn,
        WithdrawIn,
    )
    from daftar.contracts.state import ApplicationState
    from daftar.domain.actors import Actor
    from daftar.domain.decisions import decision_violations
    from daftar.domain.registration import Gender
    from daftar.domain.stages import DECISION_AT, DECISION_FLOW, TERMINAL_STAGES, Role, Stage
    from daftar.domain.violations import Violation
    from daftar.workflows.refusals import (
        ALREADY_APPLIED,
        CLAIMED,
        DUPLICATE,
        FORBIDDEN,
        INVALID,
        NOT_READY,
        WRONG_STAGE,
        refuse,
        refuse_rule,
    )


#: Claims one stage's decision may record (each adds a few events to the history).
MAX_CLAIMS = 48


class Guards:
    """Validation of every message against one application's current state."""

    def __init__(self, state: ApplicationState, terms: CycleTerms) -> None:
        self._s = state
        self._terms = terms

    # --- shared checks ---------------------------------------------------------------

    def _role(self, actor: Actor, role: Role, rule: str) -> None:
        if role not in actor.roles:
            refuse_rule(FORBIDDEN, rule, f"Only the {role.value} role may do this.")

    def _own(self, actor: Actor, rule: str) -> None:
        """The applicant acts on their own application only."""
        self._role(actor, Role.applicant, rule)
        if actor.id != self._s.application_id:
            refuse_rule(FORBIDDEN, rule, "An applicant may act on their own application only.")

    def _at(self, stage: Stage, rule: str) -> None:
        if self._s.stage != stage:
            refuse_rule(WRONG_STAGE, rule,
                        f"The application is at {self._s.stage.value}, not {stage.value}.")

    def _open(self, rule: str) -> None:
        if self._s.stage in TERMINAL_STAGES:
            refuse_rule(WRONG_STAGE, rule,
                        f"The application is closed ({self._s.stage.value}).")

    def _claimed_by_another(self, actor: Actor, rule: str) -> None:
        """A waiting decision claimed by another reviewer is theirs until the claim expires."""
        claim = self._s.claim
        if (claim is not None and claim.actor != actor.id
                and claim.stage == self._s.stage and workflow.now() < claim.expires_at):
            refuse_rule(CLAIMED, rule,
                        f"{claim.actor} has claimed this decision until "
                        f"{claim.expires_at.isoformat()}; it cannot be taken meanwhile.")

    def _decision_at(self, actor: Actor) -> tuple[Role, str]:
        """The role and rule of the decision the application waits for; refuses when it
        waits for none (409, under the rule of the sender's own decision stage)."""
        if self._s.stage in DECISION_AT:
            return DECISION_AT[self._s.stage]
        own = [rule for _, role, _, rule in DECISION_FLOW.values() if role in actor.roles]
        message = f"The application is at {self._s.stage.value}: no decision waits to be claimed."
        if own:
            refuse_rule(WRONG_STAGE, own[0], message)
        refuse(FORBIDDEN, message, [])

    def _window_open(self) -> None:
        if workflow.now() >= self._terms.registration_closes_at:
            refuse_rule(WRONG_STAGE, "REG-1", "The registration window has closed.")

    # --- one method per update -------------------------------------------------------------

    def payment(self, msg: PaymentIn) -> None:
        self._role(msg.actor, Role.payment_gateway, "REG-2")
        paid = self._s.payment
        if paid is not None:
            if paid.reference == msg.reference and paid.amount_rials == msg.amount_rials:
                # The gateway retried: refused outside the history (an auditor sees one
                # payment); the API answers the retry with the current state.
                refuse_rule(ALREADY_APPLIED, "REG-2",
                            f"This payment (reference {paid.reference}) is already recorded.")
            refuse_rule(DUPLICATE, "REG-2",
                        f"The fee is already paid (reference {paid.reference}).")
        self._at(Stage.awaiting_payment, "REG-2")
        self._window_open()
        if msg.amount_rials != self._terms.fee_rials:
            refuse_rule(INVALID, "REG-2",
                        f"The fee is {self._terms.fee_rials} rials, not {msg.amount_rials}.",
                        "amount_rials")

    def photo(self, msg: PhotoIn) -> None:
        self._own(msg.actor, "REG-4")
        self._at(Stage.awaiting_payment, "REG-4")
        self._window_open()

    def exam_result(self, msg: ExamResultIn) -> None:
        self._role(msg.actor, Role.exam_officer, "EXAM-2")
        known = self._s.exam_result
        if known is not None:
            if (known.total_score, known.pass_mark) == (msg.total_score, msg.pass_mark):
                refuse_rule(ALREADY_APPLIED, "EXAM-2", "This result is already recorded.")
            refuse_rule(DUPLICATE, "EXAM-2", "This candidate's exam result is already recorded.")
        self._at(Stage.awaiting_exam, "EXAM-2")

    def decision(self, msg: DecisionIn) -> None:
        at, role, _, rule = DECISION_FLOW[msg.stage]
        self._role(msg.actor, role, rule)
        if any(d.stage == msg.stage.value for d in self._s.decisions):
            refuse_rule(DUPLICATE, rule, f"The {msg.stage.value} stage is already decided.")
        self._at(at, rule)
        self._claimed_by_another(msg.actor, rule)
        violations = decision_violations(
            msg.stage, msg.outcome, score=msg.score, reason=msg.reason, checks=msg.checks,
            male=self._s.form.gender == Gender.MALE)
        if violations:
            refuse(INVALID, f"The {msg.stage.value} decision is malformed.", violations)

    def claim(self, msg: ClaimIn) -> None:
        """The stage's reviewer claims the waiting decision; claiming it again renews it.

        The history an applicant's workflow can grow to is bounded: a renewal while more than
        half the claim period is left changes nothing and is not recorded (the API answers it
        with the current state), and one stage records at most MAX_CLAIMS claims."""
        role, rule = self._decision_at(msg.actor)
        self._role(msg.actor, role, rule)
        self._claimed_by_another(msg.actor, rule)
        claim = self._s.claim
        now = workflow.now()
        if (claim is not None and claim.actor == msg.actor.id and claim.stage == self._s.stage
                and claim.expires_at - now > (claim.expires_at - claim.at) / 2):
            refuse_rule(ALREADY_APPLIED, rule,
                        f"You hold this claim until {claim.expires_at.isoformat()}; it can be "
                        "renewed once half of it has passed.")
        if self._s.claims >= MAX_CLAIMS:
            refuse_rule(NOT_READY, rule,
                        f"This stage's decision has been claimed {MAX_CLAIMS} times without a "
                        "decision; decide it now, or ask an admin to take it over.")

    def release(self, msg: ReleaseIn) -> None:
        """The claimant, or an admin, releases a claim; none to release is a no-op."""
        claim = self._s.claim
        if claim is None or claim.stage != self._s.stage or workflow.now() >= claim.expires_at:
            refuse(ALREADY_APPLIED, "No claim holds this application.", [])
        if claim.actor != msg.actor.id and Role.admin not in msg.actor.roles:
            _, rule = DECISION_AT[claim.stage]
            refuse_rule(FORBIDDEN, rule,
                        f"Only {claim.actor}, who holds the claim, or an admin may release it.")

    def office(self, msg: OfficeIn) -> None:
        self._role(msg.actor, Role.licensing_officer, "LAUNCH-1")
        known = self._s.office
        if known is not None:
            if (known.province, known.city) == (msg.province, msg.city):
                refuse_rule(ALREADY_APPLIED, "LAUNCH-1", "This office is already assigned.")
            refuse_rule(DUPLICATE, "LAUNCH-1", "The candidate already has an office.")
        self._at(Stage.awaiting_launch, "LAUNCH-1")

    def document(self, msg: DocumentIn) -> None:
        rule = "ART11-1" if msg.kind is DocumentKind.occupation_ended else "VET-2"
        self._own(msg.actor, rule)
        self._open(rule)
        if self._s.stage == Stage.licensed:
            refuse_rule(WRONG_STAGE, rule, "The licence is already issued.")
        if rule == "ART11-1" and "ART11-1" not in self._s.flags:
            refuse_rule(INVALID, rule, "No ART11-1 occupation was declared; no proof is needed.",
                        "kind")
        if rule == "VET-2" and not self._s.veteran:
            refuse_rule(INVALID, rule, "Only veteran-quota applicants hand in this certificate.",
                        "kind")

    def licence(self, msg: LicenceIn) -> None:
        self._role(msg.actor, Role.licensing_officer, "LIC-1")
        if self._s.licence_number is not None:
            refuse_rule(DUPLICATE, "LIC-1", "The licence is already issued.")
        self._at(Stage.awaiting_licence, "LIC-1")
        kinds = {d.kind for d in self._s.documents}
        missing = []
        if "ART11-1" in self._s.flags and DocumentKind.occupation_ended not in kinds:
            missing.append(("ART11-1", "Proof that the declared occupation has ended is missing."))
        if self._s.veteran and DocumentKind.veteran_certificate not in kinds:
            missing.append(("VET-2", "The original veteran certificate is missing."))
        if missing:
            refuse(NOT_READY, "The licence cannot be issued yet (LIC-1).",
                   [Violation(rule=r, field="documents", message=m) for r, m in missing])

    def withdraw(self, msg: WithdrawIn) -> None:
        self._own(msg.actor, "WD-1")
        self._open("WD-1")
        if self._s.stage == Stage.licensed:
            refuse_rule(WRONG_STAGE, "WD-1", "Withdrawal is possible only before the licence.")

    def disqualify(self, msg: DisqualifyIn) -> None:
        self._role(msg.actor, Role.admin, "FRAUD-1")
        self._open("FRAUD-1")
        if not msg.reason.strip():
            refuse_rule(INVALID, "FRAUD-1", "A disqualification must state its reason.", "reason")
