"""Registration form models (docs/api.md "Registration fields") and cycle rules (REG-1, REG-7)."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from daftar.domain.jalali import JalaliDate
from daftar.domain.registration import (
    DegreeField,
    DegreeLevel,
    Occupation,
    QuotaKind,
    RegistrationRules,
    VeteranCategory,
)
from tests.factories import registration


def test_valid_form_parses_with_defaults() -> None:
    form = registration()
    assert form.citizenship == "IR"
    assert form.occupation is Occupation.NONE
    assert form.degree.level is DegreeLevel.BACHELOR
    assert form.degree.field is DegreeField.LAW
    assert form.quota.kind is QuotaKind.FREE and form.quota.category is None
    assert form.experience_years == Decimal(5)


def test_enums_use_api_values() -> None:
    assert {c.value for c in VeteranCategory} == {
        "martyr_family", "disabled_veteran", "freed_prisoner", "combatant",
        "disabled_veteran_family", "combatant_child",
    }
    assert {level.value for level in DegreeLevel} == {
        "bachelor", "master", "doctorate", "seminary_2", "seminary_3", "seminary_4",
    }


def test_unknown_fields_are_refused_at_every_level() -> None:
    with pytest.raises(ValidationError, match="extra"):
        registration(nickname="x")
    with pytest.raises(ValidationError, match="extra"):
        registration(quota={"kind": "free", "discount": 1})


@pytest.mark.parametrize("years", ["-1", "60.5", "nan"])
def test_experience_years_bounded(years: str) -> None:
    with pytest.raises(ValidationError):
        registration(experience_years=years)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_name_lengths_bounded(name: str) -> None:
    with pytest.raises(ValidationError):
        registration(first_name=name)


def test_bad_dates_are_kept_for_the_rule_checks() -> None:
    form = registration(birth_date="1401/12/30")
    assert form.birth_date == "1401/12/30"


def test_unknown_enum_value_is_refused() -> None:
    with pytest.raises(ValidationError):
        registration(gender="other")


def test_rules_accept_strings_tuples_and_persian_digits() -> None:
    rules = RegistrationRules(registration_start="۱۴۰۱/۰۸/۳۰", registration_end=(1401, 9, 6))
    assert rules.registration_start == JalaliDate(1401, 8, 30)
    assert isinstance(rules.registration_end, JalaliDate)
    assert rules.cities == []
    assert RegistrationRules.model_validate_json(rules.model_dump_json()) == rules


def test_rules_refuse_impossible_or_reversed_days() -> None:
    with pytest.raises(ValidationError):
        RegistrationRules(registration_start=(1401, 12, 30), registration_end="1402/01/10")
    with pytest.raises(ValidationError, match="before"):
        RegistrationRules(registration_start="1401/09/06", registration_end="1401/08/30")
