"""Messages that cross into Temporal: one model per workflow input, update, query and activity.

The API maps its request models onto these; read-model tables never cross into Temporal.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from daftar.domain.decisions import Outcome
from daftar.domain.registration import RegistrationForm
from daftar.domain.stages import DecisionStage, Role, Stage

TASK_QUEUE = "daftar"


def applicant_workflow_id(application_id: str) -> str:
    """The one place an application's workflow id is made (no personal data in it)."""
    return f"application-{application_id}"


class Actor(BaseModel):
    """Who sends a message: the JWT subject and roles the API verified."""

    id: str
    roles: list[Role]


class CycleTerms(BaseModel):
    """The part of a cycle's configuration one applicant's path depends on."""

    year: int
    fee_rials: int
    registration_closes_at: datetime
    sla_days: dict[str, int]
    #: How long a reviewer's claim on a waiting decision holds (API.md: default 2 hours).
    claim_hours: int = 2


class ApplicantInput(BaseModel):
    application_id: str
    tracking_code: str
    cycle: CycleTerms
    form: RegistrationForm
    national_id: str
    flags: list[str] = Field(default_factory=list)
    veteran: bool = False


class PaymentIn(BaseModel):
    actor: Actor
    reference: str
    amount_rials: int


class PhotoIn(BaseModel):
    actor: Actor
    sha256: str
    width: int
    height: int
    size: int


class DecisionIn(BaseModel):
    actor: Actor
    stage: DecisionStage
    outcome: Outcome
    score: Decimal | None = None
    reason: str | None = None
    checks: dict[str, bool] | None = None


class ClaimIn(BaseModel):
    """A reviewer takes the waiting decision, so no one else decides it meanwhile."""

    actor: Actor


class ReleaseIn(BaseModel):
    """The claimant (or an admin) gives the waiting decision back."""

    actor: Actor


class ExamResultIn(BaseModel):
    actor: Actor
    total_score: Decimal
    pass_mark: Decimal
    subjects: dict[str, Decimal] = Field(default_factory=dict)


class OfficeIn(BaseModel):
    actor: Actor
    province: str
    city: str
    round: int = 1


class DocumentKind(StrEnum):
    occupation_ended = "occupation_ended"  # ART11-1
    veteran_certificate = "veteran_certificate"  # VET-2


class DocumentIn(BaseModel):
    actor: Actor
    kind: DocumentKind
    reference: str


class LicenceIn(BaseModel):
    actor: Actor


class WithdrawIn(BaseModel):
    actor: Actor
    reason: str | None = None


class DisqualifyIn(BaseModel):
    actor: Actor
    reason: str


class DecisionRecord(BaseModel):
    """One accepted decision or event that changed the stage, as the history keeps it."""

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


class PaymentRecord(BaseModel):
    reference: str
    amount_rials: int
    at: datetime


class PhotoRecord(BaseModel):
    sha256: str
    width: int
    height: int
    size: int
    at: datetime


class ExamResult(BaseModel):
    total_score: Decimal
    pass_mark: Decimal
    passed: bool
    subjects: dict[str, Decimal] = Field(default_factory=dict)
    at: datetime


class Office(BaseModel):
    province: str
    city: str
    round: int
    at: datetime


class DocumentRecord(BaseModel):
    kind: DocumentKind
    reference: str
    at: datetime


class ClaimRecord(BaseModel):
    """Who holds the waiting decision, and until when (`workflow.now()` based)."""

    actor: str
    role: Role
    stage: Stage
    at: datetime
    expires_at: datetime


class EscalationRecord(BaseModel):
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
    payment: PaymentRecord | None = None
    photo: PhotoRecord | None = None
    exam_result: ExamResult | None = None
    decisions: list[DecisionRecord] = Field(default_factory=list)
    office: Office | None = None
    documents: list[DocumentRecord] = Field(default_factory=list)
    licence_number: str | None = None
    escalations: list[EscalationRecord] = Field(default_factory=list)
    claim: ClaimRecord | None = None
    #: Claims recorded at the current stage (renewals included); bounded by MAX_CLAIMS.
    claims: int = 0
    version: int = 0


class ApplicationRow(BaseModel):
    """What the read model keeps of one application: no national id, no security reasons."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: Stage
    province: str
    city: str
    quota: str
    registered_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    due_at: datetime | None
    escalated: bool = False
    rejected_stage: Stage | None
    rules: list[str]
    licence_number: str | None
    office_province: str | None
    office_city: str | None
    exam_total: Decimal | None
    interview_score: Decimal | None
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    version: int
    #: The history length of the workflow task that made this row: it orders the writes.
    history_length: int = 0
    #: How many of `decisions` the read model holds from committed writes (not a column).
    recorded_decisions: int = 0
    decisions: list[DecisionRecord]


class EscalationIn(BaseModel):
    application_id: str
    tracking_code: str
    cycle: int
    stage: Stage
    due_at: datetime
    escalated_at: datetime


# --- the cohort: one ExamCycleWorkflow per cycle ---------------------------------------


def cycle_workflow_id(year: int) -> str:
    """The one place a cycle's workflow id is made."""
    return f"cycle-{year}"


class CycleWorkflowIn(BaseModel):
    year: int


class PublishIn(BaseModel):
    actor: Actor


class RoundIn(BaseModel):
    actor: Actor
    relocate: bool = True


class PublishJob(BaseModel):
    """Publish the cycle's loaded exam results to every candidate's workflow."""

    cycle: int
    actor: Actor


class RoundJob(BaseModel):
    """Allocate, then send, launch round `number` of a cycle."""

    cycle: int
    number: int
    relocate: bool
    actor: Actor


class RoundSummary(BaseModel):
    number: int
    placed: int
    waiting: int


class FanOutResult(BaseModel):
    """How many candidates a fan-out reached, and how many it could not apply to."""

    sent: int
    skipped: int


class CycleProgress(BaseModel):
    """The `progress` query of ExamCycleWorkflow."""

    year: int
    publication: str  # none, publishing, published
    rounds: list[RoundSummary] = Field(default_factory=list)
    sending_round: int | None = None
