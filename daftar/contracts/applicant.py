"""ApplicantWorkflow's input and the messages of its updates, one model each.

The API maps its request models onto these. Field names are part of recorded histories:
renaming one breaks the replay of running applicants.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from daftar.domain.actors import Actor
from daftar.domain.decisions import Outcome
from daftar.domain.documents import DocKind
from daftar.domain.registration import RegistrationForm
from daftar.domain.stages import DecisionStage

__all__ = [
    "AbsenceIn", "Actor", "ApplicantInput", "AssignIn", "ClaimIn", "CloseIn", "CycleTerms",
    "DecisionIn", "DisqualifyIn", "DocumentIn", "DocumentKind", "ExamResultIn", "LicenceIn",
    "OfficeIn", "PaymentIn", "PhotoIn", "ReinstateIn", "ReleaseIn", "ReopenIn", "SeatIn",
    "TermsIn", "WithdrawIn",
]


class CycleTerms(BaseModel):
    """The part of a cycle's configuration one applicant's path depends on."""

    year: int
    fee_rials: int
    registration_closes_at: datetime
    sla_days: dict[str, int]
    #: How long a reviewer's claim on a waiting decision holds (default 2 hours).
    claim_hours: int = 2
    #: How many of the cycle's amendments (CYC-1) these terms already include.
    amendments: int = 0


#: The revision of ApplicantWorkflow that new applications start on (ApplicantInput.revision).
#: From revision 1 an application takes each change that came behind a `workflow.patched` id
#: before it (daftar.workflows.application.REVISION_1) as given, without a patch marker and a
#: `TemporalChangeVersion` upsert each, and its search attributes are set at the start and then
#: only its stage kept current (the others never change). Applications started before (the
#: field absent, 0) run on as their histories say. Workers must run code that knows a revision
#: before the API starts applications on it.
APPLICANT_REVISION = 1


class ApplicantInput(BaseModel):
    """The start input of one applicant's workflow: the registration as accepted (REG-3)."""

    application_id: str
    tracking_code: str
    cycle: CycleTerms
    form: RegistrationForm
    national_id: str
    flags: list[str] = Field(default_factory=list)
    veteran: bool = False
    revision: int = 0


class PaymentIn(BaseModel):
    """The payment gateway confirms the registration fee (REG-2)."""

    actor: Actor
    reference: str
    amount_rials: int


class PhotoIn(BaseModel):
    """An uploaded photo that passed the REG-4 checks, by its hash and measures."""

    actor: Actor
    sha256: str
    width: int
    height: int
    size: int


class DecisionIn(BaseModel):
    """A reviewer's pass or fail at the interview, qualification or security stage."""

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
    """One candidate's published exam result (EXAM-2)."""

    actor: Actor
    total_score: Decimal
    pass_mark: Decimal
    subjects: dict[str, Decimal] = Field(default_factory=dict)


class OfficeIn(BaseModel):
    """The office city a launch round placed the candidate in (LAUNCH-1)."""

    actor: Actor
    province: str
    city: str
    round: int = 1


class DocumentKind(StrEnum):
    """The documents an applicant hands in before the licence."""

    occupation_ended = "occupation_ended"  # ART11-1
    veteran_certificate = "veteran_certificate"  # VET-2


class DocumentIn(BaseModel):
    """The applicant hands in the ART11-1 proof or the VET-2 certificate."""

    actor: Actor
    kind: DocumentKind
    reference: str


class UploadIn(BaseModel):
    """The applicant uploaded a document their case needs (DOC-1).

    Its kind and its bytes' SHA-256, size and type; the bytes are in the object store under
    that hash.
    """

    actor: Actor
    kind: DocKind
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(gt=0)
    content_type: str


class DocumentRequestIn(BaseModel):
    """A reviewer asks the applicant for a missing or unreadable document (DOC-2)."""

    actor: Actor
    kind: DocKind
    reason: str = Field(min_length=1, max_length=2000)
    #: Days the applicant has to upload it.
    days: int = Field(default=10, ge=1, le=60)


class LicenceIn(BaseModel):
    """The licensing officer issues the licence (LIC-1)."""

    actor: Actor


class WithdrawIn(BaseModel):
    """The applicant withdraws before the licence (WD-1)."""

    actor: Actor
    reason: str | None = None


class DisqualifyIn(BaseModel):
    """An admin removes the applicant, or revokes the licence (FRAUD-1)."""

    actor: Actor
    reason: str


class TermsIn(BaseModel):
    """A cycle amendment reaching one open application (CYC-1): its terms after it, whole.

    `number` is the amendment's number in its cycle; an application whose terms already
    include it ignores it, so a repeated fan-out changes nothing, and since the terms are
    whole, two amendments may arrive in either order.
    """

    actor: Actor
    number: int
    registration_closes_at: datetime
    sla_days: dict[str, int]
    claim_hours: int


class SeatIn(BaseModel):
    """The candidate's venue and seat at the exam (EXAM-5), from the exam session `version`.

    A later version (the session set again before the card date) replaces the seat; the same
    version again changes nothing.
    """

    actor: Actor
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


class ReopenIn(BaseModel):
    """An admin reopens the latest reviewer decision, with a reason (COR-1)."""

    actor: Actor
    stage: DecisionStage
    reason: str


class ReinstateIn(BaseModel):
    """One admin proposes, a second confirms, undoing a wrong rejection or removal (COR-2)."""

    actor: Actor
    reason: str


class AssignIn(BaseModel):
    """An admin assigns the waiting decision to a named reviewer (COR-3)."""

    actor: Actor
    reviewer: str


class CloseIn(BaseModel):
    """The cycle's close ends an ended application's record (no correction reaches it after)."""

    actor: Actor


class AbsenceIn(BaseModel):
    """The published results have none for the candidate: they did not sit the exam (EXAM-6)."""

    actor: Actor
