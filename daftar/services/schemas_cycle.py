"""A cycle's models.

The admin's request, the typed configuration a stored cycle is read as, and the view of a cycle.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from daftar.domain.stages import MAX_SLA_DAYS, checked_sla_days
from daftar.services.schemas import Instant, Strict, Text

#: A cycle's claim period when its stored configuration predates `claim_hours`.
DEFAULT_CLAIM_HOURS = 2
#: VET-2's share when the stored configuration names none.
DEFAULT_VETERAN_SHARE = Decimal("0.30")


class Subject(Strict):
    """An exam subject (EXAM-1): its questions, coefficient and group (EXAM-4)."""

    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    title: Text = Field(min_length=1, max_length=200)
    questions: int = Field(gt=0, le=1000)
    coefficient: Decimal = Field(default=Decimal(1), gt=0, le=100)
    group: str = Field(default="specialised", pattern=r"^(general|specialised)$")


class CityRef(Strict):
    """A city by province and name."""

    province: Text = Field(min_length=1, max_length=100)
    city: Text = Field(min_length=1, max_length=100)


class City(CityRef):
    """A city with offices: capacity, launch priority and neighbours (LAUNCH-1)."""

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
    """A licensing cycle (docs/api.md `POST /v1/cycles`); dates are Jalali `YYYY/MM/DD`."""

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


class CityAmend(CityRef):
    """A city's new capacity, priority or neighbours; or a new city, with all three."""

    capacity: int | None = Field(default=None, ge=0, le=100_000)
    priority: int | None = Field(default=None, ge=0, le=100_000)
    neighbours: list[CityRef] | None = None


class CycleAmend(Strict):
    """An amendment of a running cycle (docs/api.md `PATCH /v1/cycles/{year}`, CYC-1).

    Each field left out is unchanged; `sla_days` names only the stages it changes.
    """

    registration_end: str | None = None
    sla_days: dict[str, Annotated[int, Field(ge=1, le=MAX_SLA_DAYS)]] | None = None
    claim_hours: int | None = Field(default=None, ge=1, le=72)
    cities: list[CityAmend] = Field(default_factory=list, max_length=1000)

    @field_validator("sla_days")
    @classmethod
    def _sla_keys(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        return None if value is None else checked_sla_days(value)


class AmendmentView(BaseModel):
    """One recorded amendment (CYC-1): its number, author, time, and the settings it changed."""

    number: int
    actor: str
    at: Instant
    before: dict[str, Any]
    after: dict[str, Any]


class AmendmentList(BaseModel):
    """A cycle's amendments, the oldest first."""

    items: list[AmendmentView]
    total: int


class CycleView(BaseModel):
    """A cycle as stored, its phase and its applications per stage."""

    year: int
    phase: str
    config: dict[str, Any]
    registration_opens: Instant
    registration_closes: Instant
    counts: dict[str, int]
    #: How many amendments the cycle's stored configuration includes (CYC-1).
    amendments: int = 0
    #: AGE-1 and AGE-2's reference day: the registration end first announced.
    reference_day: str


class CycleList(BaseModel):
    """Every cycle, the latest first, as `GET /v1/cycles` pages them."""

    items: list[CycleView]
    total: int
    page: int
    size: int


class _Stored(BaseModel):
    # A stored configuration is read, not validated again: keys a later version adds are
    # ignored rather than refused, so old rows and new code read each other.
    model_config = ConfigDict(extra="ignore", frozen=True)


class SubjectConfig(_Stored):
    """A stored exam subject (EXAM-1, EXAM-4)."""

    code: str
    title: str = ""
    questions: int
    coefficient: Decimal = Decimal(1)
    group: Literal["general", "specialised"] = "specialised"


class NeighbourConfig(_Stored):
    """A stored neighbouring city (LAUNCH-1)."""

    province: str
    city: str


class CityConfig(_Stored):
    """A stored city of the cycle (REG-7, LAUNCH-1)."""

    province: str
    city: str
    capacity: int = 0
    priority: int = 0
    neighbours: list[NeighbourConfig] = Field(default_factory=list)


class CycleConfig(_Stored):
    """A cycle's configuration as `CycleRecord.config` holds it (JSON), typed.

    Read once from the row (`CycleConfig.model_validate(record.config)`) instead of by key where it
    is used.

    Dates are as stored: Jalali days as `str(parse_jalali(...))` writes them, which
    `parse_jalali` reads back.
    """

    year: int
    registration_start: str
    registration_end: str
    exam_date: str | None = None
    fee_rials: int
    veteran_share: Decimal = DEFAULT_VETERAN_SHARE
    subjects: list[SubjectConfig]
    group_weights: dict[str, Decimal]
    taraz_scale: Decimal
    cities: list[CityConfig]
    #: Days per reviewing stage (`interview`, `qualification`, `security`, `licence`).
    sla_days: dict[str, int]
    claim_hours: int = DEFAULT_CLAIM_HOURS
    #: AGE-1 and AGE-2's reference day, the registration end first announced (CYC-1); a
    #: configuration stored before amendments existed has none: its end was never moved.
    reference_day: str | None = None
    #: How many amendments this configuration includes.
    amendments: int = 0

    @property
    def age_reference_day(self) -> str:
        """The day AGE-1 and AGE-2 count on: the registration end first announced."""
        return self.reference_day or self.registration_end

    @property
    def places(self) -> list[tuple[str, str]]:
        """The cycle's cities as (province, city), in the order given (REG-7)."""
        return [(c.province, c.city) for c in self.cities]
