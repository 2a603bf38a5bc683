"""Request and response models of the HTTP API (API.md); routes map them onto messages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from daftar.contracts.applicant import DocumentKind
from daftar.contracts.state import HistoryEntry
from daftar.core.errors import ErrorDetail
from daftar.domain.decisions import Outcome
from daftar.domain.stages import MAX_SLA_DAYS, DecisionStage, Stage, checked_sla_days

#: A cycle's Jalali year in a path or a filter. Bounded so that no number a client sends
#: overflows the database's integers (a 500); any year in range that has no cycle is a 404.
YEAR_BOUNDS: dict[str, int] = {"ge": 1, "le": 9999}
Year = Annotated[int, Path(**YEAR_BOUNDS, description="the cycle's Jalali year")]
YearFilter = Annotated[int | None, Query(**YEAR_BOUNDS, description="a cycle's Jalali year")]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


#: Text a client sends that may reach the read model: PostgreSQL's text cannot hold U+0000,
#: so it is refused here (422) rather than failing the insert (a 500, or a read-model
#: activity retried forever).
Text = Annotated[str, AfterValidator(_no_nul)]
TextFilter = Annotated[Text | None, Query(max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Subject(Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    title: Text = Field(min_length=1, max_length=200)
    questions: int = Field(gt=0, le=1000)
    coefficient: Decimal = Field(default=Decimal(1), gt=0, le=100)
    group: str = Field(default="specialised", pattern=r"^(general|specialised)$")


class CityRef(Strict):
    province: Text = Field(min_length=1, max_length=100)
    city: Text = Field(min_length=1, max_length=100)


class City(CityRef):
    capacity: int = Field(ge=0, le=100_000)
    priority: int = Field(ge=0, le=100_000)  # bounded: the read model stores it
    neighbours: list[CityRef] = Field(default_factory=list)


def _default_subjects() -> list[Subject]:
    """EXAM-1: the 1401 notice's eight subjects, one group, coefficient 1."""
    titles = {
        "civil_law": "Civil law", "civil_procedure": "Civil procedure (except arbitration)",
        "criminal_procedure": "Criminal procedure",
        "criminal_law": "General and special criminal law",
        "commercial_law": "Commercial law (commercial instruments)",
        "public_law_1": "Public law 1 (labour, constitutional, registration law)",
        "public_law_2": "Public law 2 (Administrative Justice Court, offices' bylaw, statute)",
        "literature": "Literature and writing",
    }
    return [Subject(code=c, title=t, questions=40) for c, t in titles.items()]


class CycleCreate(Strict):
    """A licensing cycle (API.md `POST /v1/cycles`); dates are Jalali `YYYY/MM/DD`."""

    year: int = Field(ge=1390, le=1500)
    registration_start: str
    registration_end: str
    exam_date: str | None = None
    fee_rials: int = Field(gt=0)
    veteran_share: Decimal = Field(default=Decimal("0.30"), ge=0, le=1)
    subjects: list[Subject] = Field(default_factory=_default_subjects, min_length=1)
    group_weights: dict[str, Decimal] = Field(
        default_factory=lambda: {"general": Decimal("0.4"), "specialised": Decimal("0.6")})
    taraz_scale: Decimal = Field(default=Decimal(2000), gt=0)
    cities: list[City] = Field(min_length=1)
    #: Days per reviewing stage; stages left out take the operator's default
    #: (`DAFTAR_SLA_DAYS`, else 30/14/30/14 for interview/qualification/security/licence).
    #: 1 to MAX_SLA_DAYS each: the workflow's deadline must stay a date Python can hold.
    sla_days: dict[str, Annotated[int, Field(ge=1, le=MAX_SLA_DAYS)]] = Field(
        default_factory=dict)
    #: How long a reviewer's claim on a waiting decision holds before anyone may take it.
    claim_hours: int = Field(default=2, ge=1, le=72)

    @field_validator("sla_days")
    @classmethod
    def _sla_keys(cls, value: dict[str, int]) -> dict[str, int]:
        return checked_sla_days(value)


class Instant(BaseModel):
    at: datetime
    at_jalali: str


class CycleView(BaseModel):
    year: int
    phase: str
    config: dict[str, Any]
    registration_opens: Instant
    registration_closes: Instant
    counts: dict[str, int]


class Registered(BaseModel):
    application_id: str
    tracking_code: str
    stage: Stage
    applicant_token: str


class PaymentBody(Strict):
    reference: Text = Field(min_length=1, max_length=100)
    amount_rials: int = Field(gt=0)


class PaymentStage(StrEnum):
    """Where an application stands, as far as the payment gateway needs to know."""

    awaiting_payment = "awaiting_payment"  # the fee or the photo is still missing
    awaiting_exam = "awaiting_exam"  # fee and photo are in: the registration is complete
    other = "other"  # any later or closed stage: which one is not the gateway's business


class PaymentAnswer(BaseModel):
    """The payment gateway's answer (API.md "Integrity and access"): nothing of the applicant,
    of earlier payments or of any stage's outcome."""

    application_id: str
    stage: PaymentStage

    @classmethod
    def of(cls, application_id: str, stage: Stage) -> PaymentAnswer:
        shown = {Stage.awaiting_payment: PaymentStage.awaiting_payment,
                 Stage.awaiting_exam: PaymentStage.awaiting_exam}
        return cls(application_id=application_id, stage=shown.get(stage, PaymentStage.other))


class DecisionBody(Strict):
    stage: DecisionStage
    outcome: Outcome
    score: Decimal | None = None
    reason: Text | None = Field(default=None, max_length=4000)
    checks: dict[str, bool] | None = None


class ExamResultBody(Strict):
    """One candidate's exam result (the per-candidate form of publication), judged against
    the pass mark of the cycle's loaded results (EXAM-2), never one the caller sends."""

    total_score: Decimal
    subjects: dict[str, Decimal] = Field(default_factory=dict)
    #: Not part of the contract (absent from the schema): refused with EXAM-2 when sent.
    pass_mark: SkipJsonSchema[Any] = Field(default=None, exclude=True)

    @field_validator("pass_mark", mode="before")
    @classmethod
    def _no_pass_mark(cls, value: Any) -> Any:
        raise ValueError("the pass mark is not sent: a candidate is judged against the pass "
                         "mark of the cycle's loaded exam results (EXAM-2)")


class OfficeBody(Strict):
    """One candidate's office (the per-candidate form of a launch round)."""

    province: Text = Field(min_length=1, max_length=100)
    city: Text = Field(min_length=1, max_length=100)
    round: int = Field(default=1, ge=1)


class DocumentBody(Strict):
    kind: DocumentKind
    reference: Text = Field(min_length=1, max_length=200)


class WithdrawBody(Strict):
    reason: Text | None = Field(default=None, max_length=2000)


class DisqualifyBody(Strict):
    reason: Text = Field(min_length=1, max_length=4000)


class DecisionView(HistoryEntry):
    """A decision as the history keeps it, with its instant in Jalali too."""

    at_jalali: str


class ApplicationView(BaseModel):
    """An application as API.md describes it, redacted for the caller's role."""

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
    decisions: list[DecisionView]
    office: dict[str, Any] | None = None
    documents: list[dict[str, Any]]
    licence_number: str | None = None
    escalations: list[dict[str, Any]]
    #: The reviewer holding the waiting decision (`actor`, `stage`, `at`, `expires_at`).
    claim: dict[str, Any] | None = None


class ApplicationItem(BaseModel):
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
    items: list[ApplicationItem]
    total: int
    page: int
    size: int


class LicenceView(BaseModel):
    licence_number: str
    application: ApplicationView


class BatchItem(Strict):
    """One decision of a batch: the stage is the batch's."""

    application_id: str = Field(min_length=1, max_length=32)
    outcome: Outcome
    score: Decimal | None = None
    reason: Text | None = Field(default=None, max_length=4000)
    checks: dict[str, bool] | None = None


class BatchBody(Strict):
    """Up to 500 decisions of one stage (API.md `POST /v1/decisions/batch`)."""

    stage: DecisionStage
    items: list[BatchItem] = Field(min_length=1, max_length=500)


class BatchItemResult(BaseModel):
    application_id: str
    status: Literal["applied", "refused"]
    #: The stage after the decision, when applied.
    stage: Stage | None = None
    #: The refusal, in the API's error shape, when refused.
    error: ErrorDetail | None = None


class BatchResult(BaseModel):
    results: list[BatchItemResult]
    applied: int
    refused: int
