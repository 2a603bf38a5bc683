"""What the transitions read: protocols the contract models satisfy structurally.

Read-only properties, so a pydantic model's plain (mutable) fields satisfy them under mypy;
the domain imports nothing of daftar's outside itself.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from daftar.domain.decisions import Outcome
from daftar.domain.registration import RegistrationForm
from daftar.domain.stages import (
    DecisionStage,
    Stage,
)

#: Claims one stage's decision may record: each adds a few events to the applicant's history,
#: which must stay bounded however often a reviewer renews.
MAX_CLAIMS = 48

#: The document kinds an applicant hands in (the values of the contracts' `DocumentKind`).
OCCUPATION_ENDED = "occupation_ended"  # ART11-1
VETERAN_CERTIFICATE = "veteran_certificate"  # VET-2




class PaymentHeld(Protocol):
    """The fee an application has recorded (REG-2)."""

    @property
    def reference(self) -> str:
        """The gateway's reference of the payment."""

    @property
    def amount_rials(self) -> int:
        """The amount paid, in rials."""


class ExamResultHeld(Protocol):
    """The exam result an application has recorded (EXAM-2)."""

    @property
    def total_score(self) -> Decimal:
        """The candidate's total standardized score."""

    @property
    def pass_mark(self) -> Decimal:
        """The cycle's pass mark the result was judged against."""


class OfficeHeld(Protocol):
    """The office city a launch round gave the candidate (LAUNCH-1)."""

    @property
    def province(self) -> str:
        """The office's province."""

    @property
    def city(self) -> str:
        """The office's city."""


class DocumentHeld(Protocol):
    """A document the applicant handed in (ART11-1, VET-2)."""

    @property
    def kind(self) -> str:
        """`OCCUPATION_ENDED` or `VETERAN_CERTIFICATE`."""


class DecisionRecord(Protocol):
    """An entry of the application's history; only its stage is read."""

    @property
    def stage(self) -> str:
        """The step it records (`interview`, `qualification`, `security`, ...)."""


class ClaimHeld(Protocol):
    """Who holds the waiting decision, since when and until when."""

    @property
    def actor(self) -> str:
        """The id of the reviewer holding the claim."""

    @property
    def stage(self) -> Stage:
        """The stage the claim was taken at; a claim of an earlier stage holds nothing."""

    @property
    def at(self) -> datetime:
        """When the claim was taken (or last renewed)."""

    @property
    def expires_at(self) -> datetime:
        """When the claim lapses."""


class ApplicationLike(Protocol):
    """One application's state as the transitions read it (`ApplicationState` satisfies it)."""

    @property
    def application_id(self) -> str:
        """The application's id: an applicant acts under it."""

    @property
    def stage(self) -> Stage:
        """Where the application stands."""

    @property
    def form(self) -> RegistrationForm:
        """The registration as accepted."""

    @property
    def flags(self) -> Collection[str]:
        """Rule ids found at registration that need a later step (e.g. ART11-1)."""

    @property
    def veteran(self) -> bool:
        """Whether the applicant registered under the veteran quota (VET-2)."""

    @property
    def photo(self) -> object | None:
        """The accepted photo (REG-4), if any; only its presence is read."""

    @property
    def payment(self) -> PaymentHeld | None:
        """The fee, once paid."""

    @property
    def exam_result(self) -> ExamResultHeld | None:
        """The exam result, once published."""

    @property
    def decisions(self) -> Sequence[DecisionRecord]:
        """Every accepted decision and step, oldest first."""

    @property
    def office(self) -> OfficeHeld | None:
        """The office city, once a launch round placed the candidate."""

    @property
    def documents(self) -> Sequence[DocumentHeld]:
        """The documents handed in."""

    @property
    def licence_number(self) -> str | None:
        """The licence's number, once issued."""

    @property
    def claim(self) -> ClaimHeld | None:
        """The latest claim on a waiting decision (it may have lapsed)."""

    @property
    def claims(self) -> int:
        """Claims recorded at the current stage."""


class CycleTermsLike(Protocol):
    """The cycle's terms the registration steps depend on (`CycleTerms` satisfies it)."""

    @property
    def fee_rials(self) -> int:
        """The registration fee (REG-2)."""

    @property
    def registration_closes_at(self) -> datetime:
        """The end of the registration window (REG-1)."""


class PaymentMessage(Protocol):
    """The gateway's confirmation of the fee (REG-2)."""

    @property
    def reference(self) -> str:
        """The gateway's reference of the payment."""

    @property
    def amount_rials(self) -> int:
        """The amount paid, in rials."""


class ExamResultMessage(Protocol):
    """One candidate's published exam result (EXAM-2)."""

    @property
    def total_score(self) -> Decimal:
        """The candidate's total standardized score."""

    @property
    def pass_mark(self) -> Decimal:
        """The cycle's pass mark."""


class DecisionMessage(Protocol):
    """A reviewer's pass or fail (INT-1, QUAL-1, SEC-1)."""

    @property
    def stage(self) -> DecisionStage:
        """The stage decided."""

    @property
    def outcome(self) -> Outcome:
        """Pass or fail."""

    @property
    def score(self) -> Decimal | None:
        """The interview's score (INT-1); none for other stages."""

    @property
    def reason(self) -> str | None:
        """Why, required for a failure."""

    @property
    def checks(self) -> dict[str, bool] | None:
        """The QUAL-1 checklist; none for other stages."""


class OfficeMessage(Protocol):
    """The office city a launch round placed the candidate in (LAUNCH-1)."""

    @property
    def province(self) -> str:
        """The office's province."""

    @property
    def city(self) -> str:
        """The office's city."""


class DocumentMessage(Protocol):
    """A document the applicant hands in (ART11-1, VET-2)."""

    @property
    def kind(self) -> str:
        """`OCCUPATION_ENDED` or `VETERAN_CERTIFICATE`."""


class DisqualifyMessage(Protocol):
    """An admin's disqualification or revocation (FRAUD-1)."""

    @property
    def reason(self) -> str:
        """Why; it must not be blank."""


