"""The registration form (docs/api.md "Registration fields") and a cycle's registration rules.

Dates stay strings here: a bad date is reported by ``check_registration`` as a
violation of the rule that needs it (AGE-1, AGE-2), next to every other broken rule,
instead of a bare validation error that hides the rest.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from daftar.domain.jalali import JalaliDate, parse_jalali

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
# Short free text that rule checks parse (dates, codes, phone numbers): bounded, may be bad.
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]


class Gender(StrEnum):
    """Gender; GEN-3 applies to ``male`` only."""

    MALE = "male"
    FEMALE = "female"


class DegreeLevel(StrEnum):
    """Degree level (GEN-2, EXP-1): university degrees or seminary levels 2-4."""

    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"
    SEMINARY_2 = "seminary_2"
    SEMINARY_3 = "seminary_3"
    SEMINARY_4 = "seminary_4"


class DegreeField(StrEnum):
    """Field of a university degree (GEN-2).

    ``other`` is a related field: accepted at registration, flagged ``GEN-2`` and judged by
    the qualification officer on the documents (QUAL-1).
    """

    LAW = "law"
    ISLAMIC_JURISPRUDENCE = "islamic_jurisprudence"
    JUDICIAL_SCIENCES = "judicial_sciences"
    OTHER = "other"


class MilitaryService(StrEnum):
    """Military service status of men (GEN-3)."""

    COMPLETED = "completed"
    PERMANENT_EXEMPTION = "permanent_exemption"
    NONE = "none"


class Occupation(StrEnum):
    """Current occupation; anything but ``none`` gates the licence (ART11-1)."""

    NONE = "none"
    GOVERNMENT_EMPLOYEE = "government_employee"
    MERCHANT = "merchant"
    ATTORNEY = "attorney"
    JUDICIAL_EXPERT = "judicial_expert"


class QuotaKind(StrEnum):
    """Quota chosen at registration, never changed later (REG-6)."""

    FREE = "free"
    VETERAN = "veteran"


class VeteranCategory(StrEnum):
    """Veteran quota categories (VET-1)."""

    MARTYR_FAMILY = "martyr_family"
    DISABLED_VETERAN = "disabled_veteran"
    FREED_PRISONER = "freed_prisoner"
    COMBATANT = "combatant"
    DISABLED_VETERAN_FAMILY = "disabled_veteran_family"
    COMBATANT_CHILD = "combatant_child"


class _Strict(BaseModel):
    # Unknown fields are refused so a typo never silently drops a declaration.
    model_config = ConfigDict(extra="forbid")


class Degree(_Strict):
    """Highest degree (GEN-2); ``graduation_date`` is a Jalali date string (AGE-2)."""

    level: DegreeLevel
    field: DegreeField | None = None
    graduation_date: ShortText


class Quota(_Strict):
    """Quota (REG-6, VET-1); ``organisation_code`` is the 12-digit combatants' code."""

    kind: QuotaKind
    category: VeteranCategory | None = None
    organisation_code: ShortText | None = None


class RegistrationForm(_Strict):
    """The application form (REG-2), field names as docs/api.md "Registration fields"."""

    national_id: ShortText
    first_name: Name
    last_name: Name
    father_name: Name
    birth_date: ShortText
    gender: Gender
    citizenship: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = "IR"
    degree: Degree
    military_service: MilitaryService | None = None
    military_service_end_date: ShortText | None = None
    computer_certificate: bool
    experience_years: Annotated[Decimal, Field(ge=0, le=60)]
    occupation: Occupation = Occupation.NONE
    quota: Quota
    province: Name
    city: Name
    mobile: ShortText


class RegistrationRules(_Strict):
    """A cycle's registration settings (REG-1, AGE-1, AGE-2, REG-7).

    ``registration_start`` and ``registration_end`` are stored as ``JalaliDate`` (they
    also accept ``"YYYY/MM/DD"`` strings, any digits, and ``[y, m, d]`` lists); the
    window is inclusive and ``registration_end`` is the reference day of AGE-1 and AGE-2.
    ``cities`` lists the allowed (province, city) pairs; empty means REG-7 is not checked.
    """

    registration_start: JalaliDate
    registration_end: JalaliDate
    cities: list[tuple[str, str]] = Field(default_factory=list)

    @field_validator("registration_start", "registration_end", mode="before")
    @classmethod
    def _parse_day(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_jalali(value)
        return value

    @field_validator("registration_start", "registration_end")
    @classmethod
    def _real_day(cls, value: JalaliDate) -> JalaliDate:
        # A tuple such as (1401, 12, 30) would bypass the parser; re-check it.
        return parse_jalali(str(value))

    @model_validator(mode="after")
    def _ordered(self) -> "RegistrationRules":
        if self.registration_end < self.registration_start:
            raise ValueError("registration_end is before registration_start")
        return self


def quota_label(quota: Quota) -> str:
    """`free`, or `veteran:<category>` (VET-1): the quota as lists and filters show it."""
    return quota.kind.value if quota.category is None else f"veteran:{quota.category.value}"
