"""The checks behind ApplicantWorkflow's update validators: thin over `daftar.domain.transitions`.

Each method asks the message's transition, at `workflow.now()`, whether the message may be
applied, and raises its refusal (which never enters the history) as the validator's error. The
rules and their order (role 403, then duplicate or wrong stage 409, then content 422) live in
the transitions; validators read state only, they never change it.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from daftar.contracts.applicant import (
        AbsenceIn,
        AssignIn,
        ClaimIn,
        CloseIn,
        CycleTerms,
        DecisionIn,
        DisqualifyIn,
        DocumentIn,
        DocumentRequestIn,
        ExamResultIn,
        LicenceIn,
        OfficeIn,
        PaymentIn,
        PhotoIn,
        ReinstateIn,
        ReleaseIn,
        ReopenIn,
        SeatIn,
        TermsIn,
        UploadIn,
        WithdrawIn,
    )
    from daftar.contracts.state import ApplicationState
    from daftar.domain import transitions
    from daftar.domain.transitions import corrections
    from daftar.workflows.refusals import raise_refusal


class Guards:
    """Validation of every message against one application's current state.

    Holds the state object the workflow mutates in place, so each check sees the latest.
    """

    def __init__(self, state: ApplicationState, terms: CycleTerms) -> None:
        self._s = state
        self.terms = terms

    def seat(self, msg: SeatIn) -> None:
        """EXAM-5: refuses what `transitions.seat` refuses."""
        held = self._s.seat.version if self._s.seat is not None else None
        raise_refusal(transitions.seat(self._s, msg.actor, msg.version, held))

    def amendment(self, msg: TermsIn) -> None:
        """CYC-1: refuses what `transitions.terms` refuses."""
        raise_refusal(transitions.terms(self._s, msg.actor, msg.number, self.terms.amendments))

    def payment(self, msg: PaymentIn) -> None:
        """REG-2 (and the REG-1 window): refuses what `transitions.payment` refuses."""
        raise_refusal(transitions.payment(self._s, msg.actor, msg, workflow.now(), self.terms))

    def photo(self, msg: PhotoIn) -> None:
        """REG-4 (and the REG-1 window): refuses what `transitions.photo` refuses."""
        raise_refusal(transitions.photo(self._s, msg.actor, msg, workflow.now(), self.terms))

    def exam_result(self, msg: ExamResultIn) -> None:
        """EXAM-2: refuses what `transitions.exam_result` refuses."""
        raise_refusal(transitions.exam_result(self._s, msg.actor, msg, workflow.now()))

    def decision(self, msg: DecisionIn) -> None:
        """INT-1, QUAL-1, SEC-1: refuses what `transitions.decision` refuses."""
        raise_refusal(transitions.decision(self._s, msg.actor, msg, workflow.now()))

    def claim(self, msg: ClaimIn) -> None:
        """Refuses what `transitions.claim` refuses (at most MAX_CLAIMS per stage)."""
        raise_refusal(transitions.claim(self._s, msg.actor, msg, workflow.now()))

    def release(self, msg: ReleaseIn) -> None:
        """Refuses what `transitions.release` refuses."""
        raise_refusal(transitions.release(self._s, msg.actor, msg, workflow.now()))

    def office(self, msg: OfficeIn) -> None:
        """LAUNCH-1: refuses what `transitions.office` refuses."""
        raise_refusal(transitions.office(self._s, msg.actor, msg, workflow.now()))

    def document(self, msg: DocumentIn) -> None:
        """ART11-1, VET-2: refuses what `transitions.document` refuses."""
        raise_refusal(transitions.document(self._s, msg.actor, msg, workflow.now()))

    def upload(self, msg: UploadIn) -> None:
        """DOC-1: refuses what `transitions.upload` refuses."""
        raise_refusal(transitions.upload(self._s, msg.actor, msg.kind.value, workflow.now()))

    def request_document(self, msg: DocumentRequestIn) -> None:
        """DOC-2: refuses what `transitions.request_document` refuses."""
        raise_refusal(transitions.request_document(self._s, msg.actor, msg.kind.value,
                                                   msg.reason, workflow.now()))

    def licence(self, msg: LicenceIn) -> None:
        """LIC-1: refuses what `transitions.licence` refuses."""
        raise_refusal(transitions.licence(self._s, msg.actor, msg, workflow.now()))

    def withdraw(self, msg: WithdrawIn) -> None:
        """WD-1: refuses what `transitions.withdraw` refuses."""
        raise_refusal(transitions.withdraw(self._s, msg.actor, msg, workflow.now()))

    def disqualify(self, msg: DisqualifyIn) -> None:
        """FRAUD-1: refuses what `transitions.disqualify` refuses."""
        raise_refusal(transitions.disqualify(self._s, msg.actor, msg, workflow.now()))

    def reopen(self, msg: ReopenIn) -> None:
        """COR-1: refuses what `corrections.reopen` refuses."""
        raise_refusal(corrections.reopen(self._s, msg.actor, msg.stage))

    def reinstate(self, msg: ReinstateIn) -> None:
        """COR-2: refuses what `corrections.reinstate` refuses."""
        raise_refusal(corrections.reinstate(self._s, msg.actor))

    def assign(self, msg: AssignIn) -> None:
        """COR-3: refuses what `corrections.assign` refuses."""
        raise_refusal(corrections.assign(self._s, msg.actor))

    def close(self, msg: CloseIn) -> None:
        """Refuses what `corrections.close` refuses."""
        raise_refusal(corrections.close(self._s, msg.actor))

    def absence(self, msg: AbsenceIn) -> None:
        """EXAM-6: refuses what `transitions.absence` refuses."""
        raise_refusal(transitions.absence(self._s, msg.actor))
