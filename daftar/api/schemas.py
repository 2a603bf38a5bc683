"""Request and response models of the JSON API alone (docs/api.md).

The ones the console shares are `daftar.services.schemas`'s. Routes map them onto service calls.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from daftar.contracts.applicant import DocumentKind
from daftar.domain.stages import DecisionStage
from daftar.services.schemas import ApplicationView, Strict, Text

#: A cycle's Jalali year in a path or a filter. Bounded so that no number a client sends
#: overflows the database's integers (a 500); any year in range that has no cycle is a 404.
YEAR_BOUNDS: dict[str, int] = {"ge": 1, "le": 9999}
Year = Annotated[int, Path(**YEAR_BOUNDS, description="the cycle's Jalali year")]
YearFilter = Annotated[int | None, Query(**YEAR_BOUNDS, description="a cycle's Jalali year")]
#: A text filter of a list (Text, bounded).
TextFilter = Annotated[Text | None, Query(max_length=200)]


class ExamResultBody(Strict):
    """One candidate's exam result (the per-candidate form of publication).

    Judged against the pass mark of the cycle's loaded results (EXAM-2), never one the caller sends.
    """

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
    """A document the applicant hands in (ART11-1, VET-2)."""

    kind: DocumentKind
    reference: Text = Field(min_length=1, max_length=200)


class WithdrawBody(Strict):
    """The applicant's withdrawal (WD-1), with an optional reason."""

    reason: Text | None = Field(default=None, max_length=2000)


class DisqualifyBody(Strict):
    """An admin's disqualification (FRAUD-1) and why."""

    reason: Text = Field(min_length=1, max_length=4000)


class LicenceView(BaseModel):
    """The issued licence's number, and the application."""

    licence_number: str
    application: ApplicationView


class LaunchRoundBody(Strict):
    """A launch round's options (docs/api.md `POST /v1/cycles/{year}/launch-rounds`)."""

    relocate: bool = True


class ReopenBody(Strict):
    """COR-1: the stage of the latest reviewer decision to reopen, and why."""

    stage: DecisionStage
    reason: Text = Field(min_length=1, max_length=4000)


class ReinstateBody(Strict):
    """COR-2: why the rejection or disqualification is found wrong."""

    reason: Text = Field(min_length=1, max_length=4000)


class AssignBody(Strict):
    """COR-3: the reviewer (their sign-in name) the waiting decision is assigned to."""

    reviewer: Text = Field(min_length=1, max_length=100, pattern=r"^\S+$")


class PublishBody(Strict):
    """EXAM-6: how many candidates without a result the exam officer confirms as absent."""

    confirm_absent: int | None = Field(default=None, ge=0, le=1_000_000)
