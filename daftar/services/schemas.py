"""Request and response models both the JSON API and the console use (docs/api.md).

The API keeps its own in `daftar.api.schemas`. Services map them onto workflow messages.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from daftar.contracts.state import HistoryEntry
from daftar.core.errors import ErrorDetail
from daftar.domain.decisions import Outcome
from daftar.domain.stages import DecisionStage, Stage


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


#: Text a client sends that may reach the read model: PostgreSQL's text cannot hold U+0000,
#: so it is refused here (422) rather than failing the insert (a 500, or a read-model
#: activity retried forever).
Text = Annotated[str, AfterValidator(_no_nul)]


class Strict(BaseModel):
    """A request model that refuses fields it does not know."""

    model_config = ConfigDict(extra="forbid")


class Instant(BaseModel):
    """An instant as ISO UTC and as Jalali in Asia/Tehran time."""

    at: datetime
    at_jalali: str


class Registered(BaseModel):
    """A registration's answer: the ids and the applicant's own token (REG-3)."""

    application_id: str
    tracking_code: str
    stage: Stage
    applicant_token: str


class PaymentBody(Strict):
    """The payment gateway's confirmation of one fee (REG-2)."""

    reference: Text = Field(min_length=1, max_length=100)
    amount_rials: int = Field(gt=0)


class PaymentStage(StrEnum):
    """Where an application stands, as far as the payment gateway needs to know."""

    awaiting_payment = "awaiting_payment"  # the fee or the photo is still missing
    awaiting_exam = "awaiting_exam"  # fee and photo are in: the registration is complete
    other = "other"  # any later or closed stage: which one is not the gateway's business


class PaymentAnswer(BaseModel):
    """The payment gateway's answer (docs/api.md "Integrity and access").

    Nothing of the applicant, of earlier payments or of any stage's outcome.
    """

    application_id: str
    stage: PaymentStage

    @classmethod
    def of(cls, application_id: str, stage: Stage) -> PaymentAnswer:
        """The answer for an application now at `stage`."""
        shown = {Stage.awaiting_payment: PaymentStage.awaiting_payment,
                 Stage.awaiting_exam: PaymentStage.awaiting_exam}
        return cls(application_id=application_id, stage=shown.get(stage, PaymentStage.other))


class DecisionBody(Strict):
    """A reviewer's decision (INT-1, QUAL-1, SEC-1), from the API or the console's form."""

    stage: DecisionStage
    outcome: Outcome
    score: Decimal | None = None
    reason: Text | None = Field(default=None, max_length=4000)
    checks: dict[str, bool] | None = None


class DecisionView(HistoryEntry):
    """A decision as the history keeps it, with its instant in Jalali too."""

    at_jalali: str


class ApplicationView(BaseModel):
    """An application as docs/api.md describes it, redacted for the caller's role."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: Stage
    status: str
    rejected_stage: Stage | None = None
    rules: list[str]
    registration: dict[str, Any]
    flags: list[str]
    registered_at: Instant
    stage_entered_at: Instant
    due_at: Instant | None = None
    payment: dict[str, Any] | None = None
    photo: dict[str, Any] | None = None
    exam_result: dict[str, Any] | None = None
    #: The venue and seat at the exam (EXAM-5): `venue_name`, `address`, `province`, `city`,
    #: `seat`, `exam_date`, `start_time`, `card_date`.
    seat: dict[str, Any] | None = None
    decisions: list[DecisionView]
    office: dict[str, Any] | None = None
    documents: list[dict[str, Any]]
    #: The latest upload of each kind (DOC-1), by kind: `sha256`, `size`, `content_type`, `at`.
    uploads: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: The open request for a document (DOC-2): `kind`, `reason`, `actor`, `role`, `stage`,
    #: `at`, `due_at`.
    request: dict[str, Any] | None = None
    licence_number: str | None = None
    escalations: list[dict[str, Any]]
    #: The reviewer holding the waiting decision (`actor`, `stage`, `at`, `expires_at`).
    claim: dict[str, Any] | None = None


class ApplicationItem(BaseModel):
    """One application in a list or an inbox, from the read model."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: str
    province: str
    city: str
    quota: str
    updated_at: datetime
    due_at: datetime | None
    overdue: bool = False
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None


class Page(BaseModel):
    """One page of a list of applications, and how many match in all."""

    items: list[ApplicationItem]
    total: int
    page: int
    size: int


class BatchItem(Strict):
    """One decision of a batch: the stage is the batch's."""

    application_id: str = Field(min_length=1, max_length=32)
    outcome: Outcome
    score: Decimal | None = None
    reason: Text | None = Field(default=None, max_length=4000)
    checks: dict[str, bool] | None = None


class BatchBody(Strict):
    """Up to 500 decisions of one stage (docs/api.md `POST /v1/decisions/batch`)."""

    stage: DecisionStage
    items: list[BatchItem] = Field(min_length=1, max_length=500)


class BatchItemResult(BaseModel):
    """What became of one decision of a batch."""

    application_id: str
    status: Literal["applied", "refused"]
    #: The stage after the decision, when applied.
    stage: Stage | None = None
    #: The refusal, in the API's error shape, when refused.
    error: ErrorDetail | None = None


class BatchResult(BaseModel):
    """Each decision's result in the batch's order, and the counts."""

    results: list[BatchItemResult]
    applied: int
    refused: int
