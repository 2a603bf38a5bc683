"""check_registration: every registration-time rule, all reported at once."""

from decimal import Decimal

import pytest

from daftar.domain.eligibility import (
    age_on,
    age_within_bounds,
    check_registration,
)
from daftar.domain.jalali import JalaliDate
from daftar.domain.registration import RegistrationForm, RegistrationRules
from tests.factories import NATIONAL_ID, VETERAN, registration

RULES = RegistrationRules(registration_start="1401/08/30", registration_end="1401/09/06")
REF = JalaliDate(1401, 9, 6)


def rule_ids(form: RegistrationForm, rules: RegistrationRules = RULES) -> set[str]:
    return {v.rule for v in check_registration(form, rules).violations}


def fields(form: RegistrationForm, rules: RegistrationRules = RULES) -> set[str | None]:
    return {v.field for v in check_registration(form, rules).violations}



def test_valid_form_has_no_violations_or_flags() -> None:
    check = check_registration(registration(national_id=NATIONAL_ID), RULES)
    assert check.violations == []
    assert check.flags == []
    assert check.veteran is False
    assert check.national_id == "0013542419"


def test_national_id_is_normalised_in_result() -> None:
    check = check_registration(registration(national_id="۱۳۵۴۲۴۱۹"), RULES)
    assert check.national_id == "0013542419"
    assert check.violations == []


def test_bad_national_code_is_reg5() -> None:
    assert rule_ids(registration(national_id="0013542418")) == {"REG-5"}


# AGE-1 boundaries, reference day 1401/09/06 (the last day of registration).
@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        ("1377/09/06", True),  # exactly 24 on the last day
        ("1377/09/07", False),  # 24 tomorrow: one day short
        ("1351/09/06", True),  # exactly 50
        ("1351/09/05", False),  # 50 years and one day
        ("1360/01/01", True),
    ],
)
def test_age_bounds(birth: str, ok: bool) -> None:
    ids = rule_ids(registration(birth_date=birth))
    assert ("AGE-1" not in ids) is ok


@pytest.mark.parametrize("birth", ["1380/01/01", "1377/09/07", "1351/09/05", "1340/01/01"])
def test_veterans_are_exempt_from_both_age_bounds(birth: str) -> None:
    check = check_registration(registration(birth_date=birth, quota=VETERAN), RULES)
    assert check.violations == []
    assert check.veteran is True
    assert check.flags == ["VET-2"]


def test_birth_after_last_day_is_refused_even_for_veterans() -> None:
    assert rule_ids(registration(birth_date="1401/09/07", quota=VETERAN)) == {"AGE-1"}


def test_age_on_counts_full_years() -> None:
    assert age_on(JalaliDate(1377, 9, 6), REF) == 24
    assert age_on(JalaliDate(1377, 9, 7), REF) == 23
    assert age_on(JalaliDate(1351, 9, 5), REF) == 50  # still 50 in full years...
    assert not age_within_bounds(JalaliDate(1351, 9, 5), REF)  # ...but outside the range


def test_thirty_esfand_births() -> None:
    # 30 Esfand in a leap year, reference in a common year: no shifted date needed.
    assert age_on(JalaliDate(1399, 12, 30), REF) == 1
    assert age_on(JalaliDate(1403, 12, 30), JalaliDate(1404, 12, 29)) == 0
    assert age_on(JalaliDate(1403, 12, 30), JalaliDate(1405, 1, 1)) == 1
    assert rule_ids(registration(birth_date="1399/12/30")) == {"AGE-1"}  # too young, no crash
    assert rule_ids(registration(birth_date="۱۴۰۳/۱۲/۳۰", quota=VETERAN)) == {"AGE-1"}  # future


def test_thirty_esfand_reference_day() -> None:
    rules = RegistrationRules(registration_start="1403/12/20", registration_end="1403/12/30")
    assert rule_ids(registration(birth_date="1379/12/30"), rules) == set()  # exactly 24
    ref = JalaliDate(1403, 12, 30)
    # Earliest allowed birth is (1353, 12, 30), a day that does not exist (1353 is common):
    # the tuple bound still works, 1354/01/01 is in and 1353/12/29 is out.
    assert age_within_bounds(JalaliDate(1354, 1, 1), ref)
    assert not age_within_bounds(JalaliDate(1353, 12, 29), ref)


def test_non_leap_thirty_esfand_birth_is_not_a_date() -> None:
    check = check_registration(registration(birth_date="1400/12/30"), RULES)
    (violation,) = check.violations
    assert (violation.rule, violation.field) == ("AGE-1", "birth_date")
    assert "leap" in violation.message


def test_graduation_and_service_end_after_last_day_fail_age2() -> None:
    form = registration(
        degree={"level": "master", "field": "law", "graduation_date": "1401/09/07"},
        military_service_end_date="1401/10/01",
    )
    assert fields(form) == {"degree.graduation_date", "military_service_end_date"}
    assert rule_ids(form) == {"AGE-2"}


def test_graduation_on_last_day_counts() -> None:
    form = registration(degree={"level": "master", "field": "law", "graduation_date": "1401/09/06"})
    assert rule_ids(form) == set()


def test_unparseable_graduation_date_is_reported_on_its_field() -> None:
    form = registration(degree={"level": "master", "field": "law", "graduation_date": "soon"})
    (violation,) = check_registration(form, RULES).violations
    assert (violation.rule, violation.field) == ("AGE-2", "degree.graduation_date")


def test_citizenship_must_be_ir() -> None:
    assert rule_ids(registration(citizenship="AF")) == {"GEN-1"}
    assert rule_ids(registration(citizenship="ir")) == set()


@pytest.mark.parametrize(
    ("degree", "ok"),
    [
        ({"level": "bachelor", "field": "other"}, False),
        ({"level": "doctorate"}, False),  # university degree without a field
        ({"level": "master", "field": "judicial_sciences"}, True),
        ({"level": "bachelor", "field": "islamic_jurisprudence"}, True),
        ({"level": "seminary_2"}, True),  # seminary levels need no field
        ({"level": "seminary_3", "field": "other"}, True),
    ],
)
def test_gen2_degree_field(degree: dict[str, str], ok: bool) -> None:
    form = registration(degree={**degree, "graduation_date": "1390/01/01"})
    assert (rule_ids(form) == set()) is ok
    if not ok:
        assert fields(form) == {"degree.field"}


@pytest.mark.parametrize(
    ("gender", "service", "ok"),
    [
        ("male", "completed", True),
        ("male", "permanent_exemption", True),
        ("male", "none", False),
        ("male", None, False),
        ("female", None, True),
        ("female", "none", True),
    ],
)
def test_gen3_military_service(gender: str, service: str | None, ok: bool) -> None:
    assert ("GEN-3" not in rule_ids(registration(gender=gender, military_service=service))) is ok


def test_gen5_computer_certificate() -> None:
    assert rule_ids(registration(computer_certificate=False)) == {"GEN-5"}


@pytest.mark.parametrize(
    ("level", "minimum"),
    [
        ("bachelor", "3"), ("seminary_2", "3"), ("master", "2"),
        ("seminary_3", "2"), ("doctorate", "1"), ("seminary_4", "1"),
    ],
)
def test_exp1_minimum_by_level(level: str, minimum: str) -> None:
    degree = {"level": level, "field": "law", "graduation_date": "1390/01/01"}
    assert rule_ids(registration(degree=degree, experience_years=minimum)) == set()
    short = Decimal(minimum) - Decimal("0.1")
    assert rule_ids(registration(degree=degree, experience_years=short)) == {"EXP-1"}


def test_art11_flag_for_occupation_does_not_refuse() -> None:
    check = check_registration(registration(occupation="attorney"), RULES)
    assert check.violations == []
    assert check.flags == ["ART11-1"]


def test_both_flags_together() -> None:
    form = registration(occupation="merchant", quota=VETERAN)
    assert check_registration(form, RULES).flags == ["ART11-1", "VET-2"]


def test_every_broken_rule_is_reported_at_once() -> None:
    form = registration(
        national_id="1111111111",
        birth_date="1340/01/01",
        citizenship="AF",
        degree={"level": "bachelor", "field": "other", "graduation_date": "1402/01/01"},
        military_service="none",
        computer_certificate=False,
        experience_years="1",
        quota={"kind": "free", "category": "combatant"},
        mobile="12345",
        occupation="government_employee",
    )
    rules = RULES.model_copy(update={"cities": [("Fars", "Shiraz")]})
    check = check_registration(form, rules)
    assert {v.rule for v in check.violations} == {
        "REG-5", "AGE-1", "AGE-2", "GEN-1", "GEN-2", "GEN-3", "GEN-5", "EXP-1", "REG-6",
        "REG-7", "REG-2",
    }
    assert check.flags == ["ART11-1"]
    assert all(v.message for v in check.violations)
