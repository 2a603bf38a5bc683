"""Request and response models of the HTTP API (API.md); routes map them onto messages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from daftar.domain.decisions import Outcome
from daftar.domain.stages import DecisionStage, Stage, checked_sla_days
from daftar.workflows.messages import DecisionRecord, DocumentKind


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Subject(Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=1, max_length=200)
    questions: int = Field(gt=0, le=1000)
    coefficient: Decimal = Field(default=Decimal(1), gt=0, le=100)
    group: str = Field(default="specialised", pattern=r"^(general|specialised)$")


class CityRef(Strict):
    province: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=100)


class City(CityRef):
    capacity: int = Field(ge=0, le=100_000)
    priority: int = Field(ge=0)
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
    sla_days: dict[str, int] = Field(default_factory=dict)

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
    reference: str = Field(min_length=1, max_length=100)
    amount_rials: int = Field(gt=0)


class DecisionBody(Strict):
    stage: DecisionStage
    outcome: Outcome
    score: Decimal | None = None
    reason: str | None = Field(default=None, max_length=4000)
    checks: dict[str, bool] | None = None


class ExamResultBody(Strict):
    """One candidate's exam result (the per-candidate form of publication)."""

    total_score: Decimal
    pass_mark: Decimal
    subjects: dict[str, Decimal] = Field(default_factory=dict)


class OfficeBody(Strict):
    """One candidate's office (the per-candidate form of a launch round)."""

    province: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=100)
    round: int = Field(default=1, ge=1)


class DocumentBody(Strict):
    kind: DocumentKind
    reference: str = Field(min_length=1, max_length=200)


class WithdrawBody(Strict):
    reason: str | None = Field(default=None, max_length=2000)


class DisqualifyBody(Strict):
    reason: str = Field(min_length=1, max_length=4000)


class DecisionView(DecisionRecord):
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


class Page(BaseModel):
    items: list[ApplicationItem]
    total: int
    page: int
    size: int


class LicenceView(BaseModel):
    licence_number: str
    application: ApplicationView
