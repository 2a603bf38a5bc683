"""ApplicantWorkflow: one applicant's whole path, moved by people through validated updates.

The run loop owns time and side effects: it records every state change in the read model
(an idempotent activity), keeps the search attributes current, closes registration when the
window ends (REG-2) and escalates a stage whose SLA has passed. Update handlers only check and
change state; their validators refuse a wrong message before it reaches the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy

with workflow.unsafe.imports_passed_through():
    from daftar.contracts import activities, search
    from daftar.contracts.applicant import (
        AbsenceIn,
        ApplicantInput,
        ClaimIn,
        CycleTerms,
        DecisionIn,
        DisqualifyIn,
        DocumentIn,
        DocumentKind,
        DocumentRequestIn,
        ExamResultIn,
        LicenceIn,
        OfficeIn,
        PaymentIn,
        PhotoIn,
        ReleaseIn,
        SeatIn,
        TermsIn,
        UploadIn,
        WithdrawIn,
    )
    from daftar.contracts.records import (
        ApplicationSnapshot,
        EscalationIn,
        SeatWanted,
        application_snapshot,
    )
    from daftar.contracts.state import (
        ApplicationState,
        Claim,
        DocumentRequest,
        Escalation,
        ExamResult,
        HandedDocument,
        HistoryEntry,
        Office,
        Payment,
        Photo,
        Upload,
    )
    from daftar.domain import transitions
    from daftar.domain.actors import Actor
    from daftar.domain.decisions import Outcome, failed_rules
    from daftar.domain.documents import HANDED_IN, NEEDS
    from daftar.domain.jalali import format_instant
    from daftar.domain.notices import NoticeEvent
    from daftar.domain.scoring import passes
    from daftar.domain.stages import (
        DECISION_AT,
        DECISION_FLOW,
        SLA_KEYS,
        TERMINAL_STAGES,
        Role,
        Stage,
    )
    from daftar.domain.transitions.corrections import REINSTATABLE
    from daftar.domain.transitions.licensing import REQUESTED_AT
    from daftar.workflows.corrections import Corrections
    from daftar.workflows.guards import Guards
    from daftar.workflows.refusals import start_input, unreadable

# Recording must never give up: the read model converges once the database is back.
_RECORD_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1),
                            maximum_interval=timedelta(seconds=30))
_RECORD_TIMEOUT = timedelta(seconds=30)
#: workflow.patched id: an overdue stage is escalated again every SLA period (not just once).
OVERDUE_REMINDERS = "overdue-reminders"
#: workflow.patched id: a rejected, disqualified or revoked application waits for a correction
#: (COR-1, COR-2) until its cycle is closed, instead of ending at once.
WAITS_FOR_CORRECTIONS = "waits-for-corrections"
#: workflow.patched id: a candidate who comes to wait for the exam once a session is set takes
#: the next free seat of their province (EXAM-5). Before it, seats came only from the setting.
SEATS_ON_ENTRY = "seats-on-entry"


@workflow.defn
class ApplicantWorkflow(Corrections):
    """registration → exam → interview → qualification → security → launch → licence.

    The corrections' handlers (COR-1..3, the cycle's close) are `Corrections`'; the changes of
    state every handler makes are `Application`'s (daftar.workflows.application).
    """

    @workflow.init
    def __init__(self, raw: Any) -> None:
        # The input is typed loosely: a start that daftar did not send may carry anything,
        # and it must reach the seal check (daftar.core.seal), which ends it, rather than fail
        # every workflow task on decoding.
        self._synced = -1
        self._indexed: Stage | None = None
        # Whether the candidate asked for a seat since they last came to wait for the exam.
        self._seat_sought = False
        self._init_notices()
        inp = start_input(ApplicantInput, raw)
        self._readable = inp is not None
        self._revision = 0 if inp is None else inp.revision
        if inp is None:
            return
        if inp.revision >= 1:  # the start set the search attributes (daftar.contracts.search)
            self._indexed = Stage.awaiting_payment
        now = workflow.now()
        self._state = ApplicationState(
            application_id=inp.application_id,
            tracking_code=inp.tracking_code,
            cycle=inp.cycle.year,
            stage=Stage.awaiting_payment,
            form=inp.form,
            national_id=inp.national_id,
            flags=inp.flags,
            veteran=inp.veteran,
            registered_at=now,
            stage_entered_at=now,
            due_at=inp.cycle.registration_closes_at,
        )
        self._terms = inp.cycle
        self._guards = Guards(self._state, inp.cycle)
        self._closed = False
        # The number of decisions the read model holds from a committed write: those were
        # written by a workflow task that Temporal kept, the rest may need rewriting.
        self._recorded = 0

    @workflow.run
    async def run(self, raw: Any) -> ApplicationState:
        """Drive the application until it reaches a terminal stage; return its final state.

        Each change is indexed and recorded in the read model; between changes the run waits
        for the next one or the stage's deadline (REG-2's payment window, a stage's SLA).
        """
        if not self._readable:  # sealed by daftar, yet not an ApplicantInput: a defect
            raise RuntimeError(f"the start input is not an ApplicantInput: {unreadable(raw)}")
        if self._notices_on():
            self._notify(NoticeEvent.registered, cycle=str(self._terms.year),
                         deadline=format_instant(self._terms.registration_closes_at))
        while True:
            if self._synced != self._state.version:
                await self._sync()
                continue
            self._dispatch_notices()
            if self._wants_seat():
                await self._take_seat()
                continue
            if self._state.stage in TERMINAL_STAGES:
                # A rejection, disqualification or revocation may be corrected (COR-1,
                # COR-2): the record waits for it until the cycle closes. Applications that
                # ended before this change ended at once, as their histories say.
                if (self._closed or self._state.stage not in REINSTATABLE
                        or not self._since(WAITS_FOR_CORRECTIONS)):
                    break
                await workflow.wait_condition(
                    lambda: self._closed or self._synced != self._state.version)
                continue
            # NOTE-1's reminders and the card's opening wait beside the stage's deadline.
            moment = self._next_moment()
            if moment is not None and moment.at <= workflow.now():
                self._tell(moment)
                continue
            timeout = self._until_deadline()
            if timeout is not None and timeout <= timedelta(0):
                await self._deadline_passed()
                continue
            first = moment is not None and (timeout is None
                                            or moment.at - workflow.now() < timeout)
            if moment is not None and first:
                timeout = moment.at - workflow.now()
            try:
                await workflow.wait_condition(
                    lambda: self._synced != self._state.version, timeout=timeout)
            except TimeoutError:
                if not first:
                    await self._deadline_passed()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._notices_sent()
        return self._state

    @workflow.query
    def state(self) -> ApplicationState:
        """The full state of the application."""
        return self._state

    @workflow.signal(dynamic=True)
    def refuse_signal(self, name: str, args: Sequence[RawValue]) -> None:
        """Refuse any signal: daftar sends none, so whatever arrives is logged and ignored."""
        workflow.logger.warning("signal %r refused: daftar sends no signals", name,
                                extra={"refused": "signal"})

    # --- registration (REG-2) -------------------------------------------------------------

    @workflow.update
    def confirm_payment(self, msg: PaymentIn) -> ApplicationState:
        """The payment gateway confirms the fee (REG-2).

        The validator refuses a retry of the same reference; one accepted before it did so is
        a no-op here.
        """
        if self._state.payment is None:
            self._state.payment = Payment(
                reference=msg.reference, amount_rials=msg.amount_rials, at=workflow.now())
            self._event("payment", msg.actor, Role.payment_gateway)
            self._complete_registration()
        return self._state

    @confirm_payment.validator
    def _check_payment(self, msg: PaymentIn) -> None:
        self._guards.payment(msg)

    @workflow.update
    def submit_photo(self, msg: PhotoIn) -> ApplicationState:
        """The applicant's photo passed the upload checks (REG-4); a new one replaces it."""
        self._state.photo = Photo(sha256=msg.sha256, width=msg.width, height=msg.height,
                                        size=msg.size, at=workflow.now())
        self._event("photo", msg.actor, Role.applicant)
        self._complete_registration()
        return self._state

    @submit_photo.validator
    def _check_photo(self, msg: PhotoIn) -> None:
        self._guards.photo(msg)

    # --- cycle amendments (CYC-1) ---------------------------------------------------------

    @workflow.update
    def amend_terms(self, msg: TermsIn) -> ApplicationState:
        """CYC-1: the cycle's amendment reaches this open application.

        A moved registration end moves an unpaid application's REG-2 deadline; new SLA days
        move the current stage's deadline (counted from when the stage was entered); new claim
        hours hold for claims made from now on. AGE-1 and AGE-2 were judged at registration
        on the reference day first announced, and are not touched.
        """
        s, before = self._state, self._terms
        self._terms = before.model_copy(update={
            "amendments": msg.number, "registration_closes_at": msg.registration_closes_at,
            "sla_days": msg.sla_days, "claim_hours": msg.claim_hours})
        self._guards.terms = self._terms
        if s.stage == Stage.awaiting_payment:
            s.due_at = msg.registration_closes_at
        elif (key := SLA_KEYS.get(s.stage)) is not None and key in msg.sla_days:
            s.due_at = s.stage_entered_at + timedelta(days=msg.sla_days[key])
        self._record(HistoryEntry(seq=0, stage="amendment", outcome="done", actor=msg.actor.id,
                                  role=Role.admin, at=workflow.now(), rules=["CYC-1"],
                                  reason=_amended(msg, before)))
        self._bump()
        return self._state

    @amend_terms.validator
    def _check_terms(self, msg: TermsIn) -> None:
        self._guards.amendment(msg)

    # --- exam (EXAM-5, EXAM-2) -----------------------------------------------------------

    @workflow.update
    def assign_seat(self, msg: SeatIn) -> ApplicationState:
        """EXAM-5: the candidate's venue and seat; a later session version replaces it."""
        self._give_seat(msg)
        return self._state

    @assign_seat.validator
    def _check_seat(self, msg: SeatIn) -> None:
        self._guards.seat(msg)

    # --- exam result ------------------------------------------------------------------

    @workflow.update
    def record_exam_result(self, msg: ExamResultIn) -> ApplicationState:
        """The candidate's exam result, once: the validator refuses a repeat (EXAM-2)."""
        passed = passes(msg.total_score, msg.pass_mark)
        self._state.exam_result = ExamResult(total_score=msg.total_score,
                                             pass_mark=msg.pass_mark, passed=passed,
                                             subjects=msg.subjects, at=workflow.now())
        self._record(HistoryEntry(
            seq=0, stage="exam", outcome=(Outcome.passed if passed else Outcome.failed).value,
            actor=msg.actor.id, role=Role.exam_officer, at=workflow.now(),
            score=msg.total_score, rules=[] if passed else ["EXAM-2"]))
        if passed:
            self._move(Stage.awaiting_interview)
        else:
            self._reject(["EXAM-2"])
        self._notify(NoticeEvent.exam_result, outcome="pass" if passed else "fail",
                     score=f"{msg.total_score:g}")
        return self._state

    @record_exam_result.validator
    def _check_exam_result(self, msg: ExamResultIn) -> None:
        self._guards.exam_result(msg)

    @workflow.update
    def record_absence(self, msg: AbsenceIn) -> ApplicationState:
        """EXAM-6: no result when the results were published: the candidate did not sit."""
        self._record(HistoryEntry(
            seq=0, stage="exam", outcome="absent", actor=msg.actor.id, role=Role.exam_officer,
            at=workflow.now(), rules=["EXAM-6"]))
        self._state.rules = ["EXAM-6"]
        self._move(Stage.absent)
        self._notify(NoticeEvent.absent)
        return self._state

    @record_absence.validator
    def _check_absence(self, msg: AbsenceIn) -> None:
        self._guards.absence(msg)

    # --- reviewer decisions (INT-1, QUAL-1, SEC-1) ----------------------------------------

    @workflow.update
    def decide(self, msg: DecisionIn) -> ApplicationState:
        """A reviewer's pass or fail at the interview, qualification or security stage."""
        _, role, next_stage, _ = DECISION_FLOW[msg.stage]
        rules = [] if msg.outcome is Outcome.passed else failed_rules(msg.stage, msg.checks)
        self._record(HistoryEntry(
            seq=0, stage=msg.stage.value, outcome=msg.outcome.value, actor=msg.actor.id,
            role=role, at=workflow.now(), score=msg.score, reason=msg.reason,
            checks=msg.checks, rules=rules))
        if msg.outcome is Outcome.passed:
            self._move(next_stage)
            self._notify(NoticeEvent.stage_passed, stage=msg.stage.value,
                         score=None if msg.score is None else f"{msg.score:g}")
        else:
            self._reject(rules)
            self._notify(NoticeEvent.stage_failed, stage=msg.stage.value)
        return self._state

    @decide.validator
    def _check_decision(self, msg: DecisionIn) -> None:
        self._guards.decision(msg)

    @workflow.update
    def claim(self, msg: ClaimIn) -> ApplicationState:
        """The stage's reviewer takes the waiting decision for the cycle's claim period.

        No other reviewer decides it meanwhile; the history records who and when.
        """
        role, _ = DECISION_AT[self._state.stage]
        now = workflow.now()
        self._state.claim = Claim(
            actor=msg.actor.id, role=role, stage=self._state.stage, at=now,
            expires_at=now + timedelta(hours=self._terms.claim_hours))
        self._state.claims += 1
        self._bump()
        return self._state

    @claim.validator
    def _check_claim(self, msg: ClaimIn) -> None:
        self._guards.claim(msg)

    @workflow.update
    def release_claim(self, msg: ReleaseIn) -> ApplicationState:
        """The claimant, or an admin, gives the waiting decision back."""
        self._state.claim = None
        self._bump()
        return self._state

    @release_claim.validator
    def _check_release(self, msg: ReleaseIn) -> None:
        self._guards.release(msg)

    # --- launch and licence (LAUNCH-1, ART11-1, VET-2, LIC-1) -----------------------------

    @workflow.update
    def assign_office(self, msg: OfficeIn) -> ApplicationState:
        """A launch round placed the candidate in an office's city (LAUNCH-1)."""
        self._state.office = Office(province=msg.province, city=msg.city, round=msg.round,
                                    at=workflow.now())
        self._event("launch", msg.actor, Role.licensing_officer)
        self._move(Stage.awaiting_licence)
        self._notify(NoticeEvent.office, province=msg.province, city=msg.city)
        return self._state

    @assign_office.validator
    def _check_office(self, msg: OfficeIn) -> None:
        self._guards.office(msg)

    @workflow.update
    def submit_document(self, msg: DocumentIn) -> ApplicationState:
        """The applicant hands in ART11-1 proof or the VET-2 certificate; the latest counts."""
        docs = [d for d in self._state.documents if d.kind != msg.kind]
        docs.append(HandedDocument(kind=msg.kind, reference=msg.reference, at=workflow.now()))
        self._state.documents = docs
        self._bump()
        return self._state

    @submit_document.validator
    def _check_document(self, msg: DocumentIn) -> None:
        self._guards.document(msg)

    @workflow.update
    def upload_document(self, msg: UploadIn) -> ApplicationState:
        """DOC-1: a document the case needs, uploaded; the latest of a kind counts.

        The history records its kind, hash, size and type (the bytes are in the object
        store). The ART11-1 proof and the veteran certificate uploaded count as handed in for
        LIC-1, as the superseded `submit_document` did.
        """
        s, now = self._state, workflow.now()
        s.uploads[msg.kind.value] = Upload(kind=msg.kind, sha256=msg.sha256, size=msg.size,
                                           content_type=msg.content_type, at=now)
        self._record(HistoryEntry(
            seq=0, stage="document", outcome="uploaded", actor=msg.actor.id,
            role=Role.applicant, at=now, rules=["DOC-1", *NEEDS[msg.kind].rules],
            reason=f"{msg.kind.value}: sha256 {msg.sha256}, {msg.size} bytes, "
                   f"{msg.content_type}"))
        if msg.kind.value in HANDED_IN:
            kind = DocumentKind(msg.kind.value)
            s.documents = [d for d in s.documents if d.kind != kind] + [
                HandedDocument(kind=kind, reference=f"sha256:{msg.sha256}", at=now)]
        self._bump()
        if (s.stage == Stage.awaiting_applicant and s.request is not None
                and s.request.kind == msg.kind):
            self._answered(s.request, msg.actor)
        return s

    @upload_document.validator
    def _check_upload(self, msg: UploadIn) -> None:
        self._guards.upload(msg)

    @workflow.update
    def request_document(self, msg: DocumentRequestIn) -> ApplicationState:
        """DOC-2: the reviewer asks for a document; the case waits for the applicant.

        Its own deadline replaces the stage's SLA, whose clock pauses: back at the stage, its
        entry and its deadline have moved on by the time the request took.
        """
        s, now = self._state, workflow.now()
        role = next(r for r, at in REQUESTED_AT.items() if at == s.stage and r in msg.actor.roles)
        request = DocumentRequest(
            kind=msg.kind, reason=msg.reason, actor=msg.actor.id, role=role, stage=s.stage,
            at=now, due_at=now + timedelta(days=msg.days),
            stage_entered_at=s.stage_entered_at, stage_due_at=s.due_at)
        self._record(HistoryEntry(
            seq=0, stage="document_request", outcome="requested", actor=msg.actor.id,
            role=role, at=now, reason=f"{msg.kind.value}: {msg.reason}",
            rules=["DOC-2", *NEEDS[msg.kind].rules]))
        self._move(Stage.awaiting_applicant)
        s.request, s.due_at = request, request.due_at
        self._notify(NoticeEvent.document_requested, document=NEEDS[msg.kind].name_fa,
                     deadline=format_instant(request.due_at))
        return s

    @request_document.validator
    def _check_request(self, msg: DocumentRequestIn) -> None:
        self._guards.request_document(msg)

    def _answered(self, request: DocumentRequest, by: Actor) -> None:
        """DOC-2: the document is in: back to the stage that asked, claimed for the asker."""
        s, now = self._state, workflow.now()
        self._record(HistoryEntry(seq=0, stage="document_request", outcome="answered",
                                  actor=by.id, role=Role.applicant, at=now,
                                  reason=request.kind.value, rules=["DOC-2"]))
        self._move(request.stage)
        s.request = None
        paused = now - request.at  # the SLA clock stood still while the applicant was asked
        s.stage_entered_at = request.stage_entered_at + paused
        s.due_at = request.stage_due_at + paused if request.stage_due_at else None
        if request.stage in DECISION_AT:  # a decision's claim, held for the reviewer who asked
            s.claim = Claim(actor=request.actor, role=request.role, stage=request.stage,
                            at=now, expires_at=now + timedelta(hours=self._terms.claim_hours))

    @workflow.update
    def issue_licence(self, msg: LicenceIn) -> ApplicationState:
        """LIC-1: the licence, once every condition is met; its number is stable."""
        self._state.licence_number = f"{self._terms.year}-{self._state.tracking_code}"
        self._event("licence", msg.actor, Role.licensing_officer)
        self._move(Stage.licensed)
        self._notify(NoticeEvent.licence, licence_number=self._state.licence_number)
        return self._state

    @issue_licence.validator
    def _check_licence(self, msg: LicenceIn) -> None:
        self._guards.licence(msg)

    # --- leaving the path (WD-1, FRAUD-1) -------------------------------------------------

    @workflow.update
    def withdraw(self, msg: WithdrawIn) -> ApplicationState:
        """WD-1: the applicant withdraws before the licence; the fee stays paid."""
        self._record(HistoryEntry(seq=0, stage="withdrawal", outcome="withdrawn",
                                    actor=msg.actor.id, role=Role.applicant,
                                    at=workflow.now(), reason=msg.reason, rules=["WD-1"]))
        self._state.rules = ["WD-1"]
        self._move(Stage.withdrawn)
        self._notify(NoticeEvent.withdrawn)
        return self._state

    @withdraw.validator
    def _check_withdraw(self, msg: WithdrawIn) -> None:
        self._guards.withdraw(msg)

    @workflow.update
    def disqualify(self, msg: DisqualifyIn) -> ApplicationState:
        """FRAUD-1: removed from the candidates at any stage; an issued licence is revoked."""
        revoking = self._state.stage == Stage.licensed
        self._record(HistoryEntry(
            seq=0, stage="disqualification", outcome="revoked" if revoking else "disqualified",
            actor=msg.actor.id, role=Role.admin, at=workflow.now(), reason=msg.reason,
            rules=["FRAUD-1"]))
        self._state.rejected_stage = self._state.stage
        self._state.rules = ["FRAUD-1"]
        self._move(Stage.revoked if revoking else Stage.disqualified)
        self._notify(NoticeEvent.revoked if revoking else NoticeEvent.disqualified)
        return self._state

    @disqualify.validator
    def _check_disqualify(self, msg: DisqualifyIn) -> None:
        self._guards.disqualify(msg)

    # --- the exam seat on arrival (EXAM-5) -----------------------------------------------

    def _wants_seat(self) -> bool:
        s = self._state
        return (s.stage == Stage.awaiting_exam and s.seat is None and not self._seat_sought
                and self._since(SEATS_ON_ENTRY))

    async def _take_seat(self) -> None:
        """EXAM-5: once a session is set, the next free seat of the candidate's province.

        Asked once each time the candidate comes to wait for the exam; with no session set,
        or the province's venues full, the answer is none, and the setting (or its extension
        by the officer) gives the seat later.
        """
        s = self._state
        self._seat_sought = True
        offer = await workflow.execute_local_activity(
            activities.take_seat,
            SeatWanted(application_id=s.application_id, tracking_code=s.tracking_code,
                       cycle=s.cycle, province=s.form.province),
            start_to_close_timeout=_RECORD_TIMEOUT, retry_policy=_RECORD_RETRY)
        # The setting's own delivery may have come meanwhile, or the candidate left.
        if (offer is not None and s.stage == Stage.awaiting_exam
                and (s.seat is None or s.seat.version < offer.version)):
            self._give_seat(offer)

    def _complete_registration(self) -> None:
        """REG-2: fee and photo both in make the registration complete."""
        if transitions.registration_complete(self._state):
            self._move(Stage.awaiting_exam)

    # --- deadlines -----------------------------------------------------------------------

    def _until_deadline(self) -> timedelta | None:
        s = self._state
        if s.due_at is None:
            return None
        done = [e for e in s.escalations if e.stage == s.stage]
        if s.stage == Stage.awaiting_payment or not done:
            return s.due_at - workflow.now()
        # Still overdue: remind again every SLA period until someone decides. Applicants
        # escalated before this change wait without reminders, as their histories say.
        if not self._since(OVERDUE_REMINDERS):
            return None
        return done[-1].at + (s.due_at - s.stage_entered_at) - workflow.now()

    async def _deadline_passed(self) -> None:
        s = self._state
        if s.stage == Stage.awaiting_applicant and s.request is not None:
            # DOC-2: the document never came: rejected under DOC-2 and the rules it proves,
            # as at the stage that asked (a reinstatement returns the case there).
            lapsed, s.request = s.request, None
            s.rules = ["DOC-2", *NEEDS[lapsed.kind].rules]
            s.rejected_stage = lapsed.stage
            self._move(Stage.rejected)
            self._notify(NoticeEvent.document_lapsed, document=NEEDS[lapsed.kind].name_fa,
                         stage=SLA_KEYS.get(lapsed.stage))
            return
        closed = transitions.window_closed_outcome(s)
        if closed is not None:
            stage, s.rules = closed
            s.rejected_stage = s.stage
            self._move(stage)
            self._notify(NoticeEvent.incomplete)
            return
        assert s.due_at is not None
        escalation = Escalation(stage=s.stage, due_at=s.due_at, at=workflow.now())
        await workflow.execute_activity(
            activities.record_escalation,
            EscalationIn(application_id=s.application_id, tracking_code=s.tracking_code,
                         cycle=s.cycle, stage=s.stage, due_at=s.due_at,
                         escalated_at=escalation.at),
            start_to_close_timeout=_RECORD_TIMEOUT, retry_policy=_RECORD_RETRY)
        s.escalations.append(escalation)
        self._bump()

    # --- read model and search attributes --------------------------------------------

    async def _sync(self) -> None:
        version = self._state.version
        if self._indexed != self._state.stage:
            stage_only = [search.STAGE.value_set(self._state.stage.value)]
            workflow.upsert_search_attributes(
                search.updates(self._state) if self._revision < 1 else stage_only)
            self._indexed = self._state.stage
        # A local activity: the write runs in the worker inside the workflow task that made
        # the change, with no activity task through the server (the hot path of every
        # transition). Retries still never give up; long backoffs become durable timers.
        row = self._row()
        await workflow.execute_local_activity(
            activities.record_application, row,
            start_to_close_timeout=_RECORD_TIMEOUT, retry_policy=_RECORD_RETRY)
        self._synced = version
        self._recorded = len(row.decisions)

    def _row(self) -> ApplicationSnapshot:
        # The history length orders the writes: a later workflow task has a longer history,
        # and an attempt Temporal discarded is followed by one at least as long, so its row
        # is overwritten (daftar.store.writes).
        return application_snapshot(
            self._state, workflow.now(),
            history_length=workflow.info().get_current_history_length(),
            recorded_decisions=self._recorded)


def _amended(msg: TermsIn, before: CycleTerms) -> str:
    """What an amendment changed in the application's terms, for its history."""
    parts = [f"amendment {msg.number}"]
    if msg.registration_closes_at != before.registration_closes_at:
        parts.append(f"registration closes at {msg.registration_closes_at.isoformat()}")
    if msg.sla_days != before.sla_days:
        parts.append("SLA days " + ", ".join(f"{k} {v}" for k, v in sorted(msg.sla_days.items())))
    if msg.claim_hours != before.claim_hours:
        parts.append(f"claims hold {msg.claim_hours} h")
    return "; ".join(parts)
