"""The state of one application, as ApplicantWorkflow's `state` query answers it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field, computed_field

from daftar.contracts.applicant import DocumentKind
from daftar.domain.documents import DocKind
from daftar.domain.registration import RegistrationForm
from daftar.domain.stages import DecisionStage, Role, Stage


class EntryKind(StrEnum):
    """What a history entry records."""

    #: The published exam result (EXAM-2): pass or fail with the total score.
    exam_result = "exam_result"
    #: A reviewer's pass or fail (INT-1, QUAL-1, SEC-1).
    decision = "decision"
    #: A step done, with no outcome to judge: payment, photo, launch, licence.
    step = "step"
    #: The applicant withdrew (WD-1).
    withdrawal = "withdrawal"
    #: An admin disqualified the applicant or revoked the licence (FRAUD-1).
    disqualification = "disqualification"
    #: An amendment of the cycle changed the application's terms (CYC-1).
    amendment = "amendment"
    #: The candidate was given a venue and a seat at the exam (EXAM-5).
    seat = "seat"
    #: A correction: a decision reopened (COR-1), a reinstatement proposed or confirmed
    #: (COR-2), a waiting decision assigned (COR-3). Its outcome names what was done.
    correction = "correction"


_DECISION_STAGES = {s.value for s in DecisionStage}
#: The history's entries of corrections: reopening (COR-1), reinstatement (COR-2), assignment
#: (COR-3).
CORRECTIONS = frozenset({"reopening", "reinstatement", "assignment"})


def entry_kind(stage: str) -> EntryKind:
    """The kind of an entry recorded under `stage`."""
    if stage in _DECISION_STAGES:
        return EntryKind.decision
    if stage == "exam":
        return EntryKind.exam_result
    if stage == "withdrawal":
        return EntryKind.withdrawal
    if stage == "disqualification":
        return EntryKind.disqualification
    if stage == "amendment":
        return EntryKind.amendment
    if stage == "seat":
        return EntryKind.seat
    if stage in CORRECTIONS:
        return EntryKind.correction
    return EntryKind.step


class HistoryEntry(BaseModel):
    """One accepted decision or step that moved the application, as the history keeps it.

    `stage` names the step (`payment`, `exam`, `interview`, ..., `licence`), `outcome` its
    result (`pass`/`fail` for judgements, `done` for steps, `withdrawn`, `disqualified`,
    `revoked`), `kind` which of those it is.
    """

    seq: int
    stage: str
    outcome: str
    actor: str
    role: str
    at: datetime
    score: Decimal | None = None
    reason: str | None = None
    checks: dict[str, bool] | None = None
    rules: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind(self) -> EntryKind:
        """Which kind of entry this is, read from its stage (never stored apart from it)."""
        return entry_kind(self.stage)


class Payment(BaseModel):
    """The fee as the payment gateway confirmed it (REG-2)."""

    reference: str
    amount_rials: int
    at: datetime


class Photo(BaseModel):
    """The accepted photo's hash and measures (REG-4); its bytes are stored outside Temporal."""

    sha256: str
    width: int
    height: int
    size: int
    at: datetime


class ExamSeat(BaseModel):
    """The candidate's venue and seat at the exam, as the admission card prints it (EXAM-5)."""

    version: int
    venue_id: str
    venue_name: str
    address: str
    province: str
    city: str
    seat: int
    exam_date: str
    start_time: str
    card_date: str
    at: datetime


class ExamResult(BaseModel):
    """The candidate's exam result and whether it reaches the pass mark (EXAM-2)."""

    total_score: Decimal
    pass_mark: Decimal
    passed: bool
    subjects: dict[str, Decimal] = Field(default_factory=dict)
    at: datetime


class Office(BaseModel):
    """The office city a launch round gave the candidate (LAUNCH-1)."""

    province: str
    city: str
    round: int
    at: datetime


class HandedDocument(BaseModel):
    """A document the applicant handed in (ART11-1, VET-2); the latest of a kind counts."""

    kind: DocumentKind
    reference: str
    at: datetime


class Upload(BaseModel):
    """A document the applicant uploaded (DOC-1); the latest of a kind counts."""

    kind: DocKind
    sha256: str
    size: int
    content_type: str
    at: datetime


class DocumentRequest(BaseModel):
    """A reviewer's request for a document (DOC-2), open while the case waits for it."""

    kind: DocKind
    reason: str
    actor: str
    role: Role
    #: The stage the case returns to when the document is uploaded.
    stage: Stage
    at: datetime
    due_at: datetime
    #: When the case had entered that stage, and its SLA deadline then: the SLA clock
    #: pauses while the applicant is asked, so both move on by the time the request took.
    stage_entered_at: datetime
    stage_due_at: datetime | None = None


class Claim(BaseModel):
    """Who holds the waiting decision, and until when (`workflow.now()` based)."""

    actor: str
    role: Role
    stage: Stage
    at: datetime
    expires_at: datetime
    #: The admin who assigned it to this reviewer (COR-3); None when the reviewer claimed it.
    assigned_by: str | None = None


class Reinstatement(BaseModel):
    """A reinstatement proposed by one admin, waiting for a second to confirm it (COR-2)."""

    actor: str
    reason: str
    at: datetime


class Escalation(BaseModel):
    """A stage that passed its SLA without a decision."""

    stage: Stage
    due_at: datetime
    at: datetime


class ApplicationState(BaseModel):
    """The full state of one application: the answer of the `state` query."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: Stage
    closed: bool = False
    rejected_stage: Stage | None = None
    rules: list[str] = Field(default_factory=list)
    form: RegistrationForm
    national_id: str
    flags: list[str] = Field(default_factory=list)
    veteran: bool = False
    registered_at: datetime
    stage_entered_at: datetime
    due_at: datetime | None = None
    payment: Payment | None = None
    photo: Photo | None = None
    exam_result: ExamResult | None = None
    #: The venue and seat at the exam (EXAM-5), once the exam officer has set the session.
    seat: ExamSeat | None = None
    #: A reinstatement proposed and waiting for a second admin (COR-2).
    reinstatement: Reinstatement | None = None
    decisions: list[HistoryEntry] = Field(default_factory=list)
    office: Office | None = None
    documents: list[HandedDocument] = Field(default_factory=list)
    #: The latest upload of each kind (DOC-1), by kind; the history keeps every upload.
    uploads: dict[str, Upload] = Field(default_factory=dict)
    #: The open request for a document (DOC-2), while the case waits at awaiting_applicant.
    request: DocumentRequest | None = None
    licence_number: str | None = None
    escalations: list[Escalation] = Field(default_factory=list)
    claim: Claim | None = None
    #: Claims recorded at the current stage (renewals included); bounded per stage.
    claims: int = 0
    version: int = 0
