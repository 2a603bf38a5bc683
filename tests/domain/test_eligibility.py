"""check_registration: every registration-time rule, all reported at once."""

from decimal import Decimal

import pytest

from daftar.domain.eligibility import (
    age_bounds,
    age_on,
    age_within_bounds,
    check_registration,
    related_field,
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


@pytest.mark.parametrize("birth", ["1351/09/05", "1377/09/07", "1340/01/01", "1390/01/01"])
def test_age_refusal_states_the_birth_date_range(birth: str) -> None:
    # AGE-1 as a birth-date range: "at most 50 full years", read literally, would admit
    # 1351/09/05 (50 years and a day on 1401/09/06), which the rule refuses.
    (violation,) = check_registration(registration(birth_date=birth), RULES).violations
    assert (violation.rule, violation.field) == ("AGE-1", "birth_date")
    assert violation.message == (
        "Applicants must be born on or after 1351/09/06 and on or before 1377/09/06 "
        "(1401/09/06, the last day of registration, 50 and 24 years back; veteran-quota "
        f"applicants are exempt). Your birth date {birth} is outside this range.")
    assert "full years" not in violation.message


def test_age_bounds_are_real_days_around_a_thirty_esfand_reference() -> None:
    assert age_bounds(REF) == (JalaliDate(1351, 9, 6), JalaliDate(1377, 9, 6))
    # 1395/12/30 (1395 is leap): 1345 and 1371 are common years, with no 30 Esfand. The tuple
    # rule admits 1346/01/01 as the earliest birth day and 1371/12/29 as the latest.
    ref = JalaliDate(1395, 12, 30)
    earliest, latest = age_bounds(ref)
    assert (earliest, latest) == (JalaliDate(1346, 1, 1), JalaliDate(1371, 12, 29))
    assert age_within_bounds(earliest, ref) and age_within_bounds(latest, ref)
    assert not age_within_bounds(JalaliDate(1345, 12, 29), ref)
    assert not age_within_bounds(JalaliDate(1372, 1, 1), ref)
    # 1403/12/30: 1379 is leap and keeps its 30 Esfand; 1353 is common.
    assert age_bounds(JalaliDate(1403, 12, 30)) == (JalaliDate(1354, 1, 1),
                                                    JalaliDate(1379, 12, 30))


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
        ({"level": "bachelor", "field": "other"}, True),  # a related field: flagged, below
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


@pytest.mark.parametrize("level", ["bachelor", "master", "doctorate"])
def test_gen2_related_field_is_accepted_and_flagged(level: str) -> None:
    # GEN-2 accepts a "related field": `other` passes registration, flagged GEN-2 for the
    # qualification officer to judge on the documents (QUAL-1).
    form = registration(degree={"level": level, "field": "other",
                                "graduation_date": "1390/01/01"})
    check = check_registration(form, RULES)
    assert check.violations == []
    assert check.flags == ["GEN-2"]
    assert related_field(form)


def test_gen2_flag_only_for_a_university_degree_in_another_field() -> None:
    for degree in ({"level": "master", "field": "law"}, {"level": "seminary_3", "field": "other"},
                   {"level": "seminary_2"}):
        form = registration(degree={**degree, "graduation_date": "1390/01/01"})
        assert check_registration(form, RULES).flags == []
        assert not related_field(form)


def test_gen2_flag_comes_with_the_others() -> None:
    form = registration(occupation="merchant", quota=VETERAN,
                        degree={"level": "bachelor", "field": "other",
                                "graduation_date": "1390/01/01"})
    assert check_registration(form, RULES).flags == ["GEN-2", "ART11-1", "VET-2"]


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
        "REG-5", "AGE-1", "AGE-2", "GEN-1", "GEN-3", "GEN-5", "EXP-1", "REG-6",
        "REG-7", "REG-2",
    }
    assert check.flags == ["GEN-2", "ART11-1"]  # `other`: a related field, not a refusal
    no_field = form.model_copy(update={"degree": form.degree.model_copy(update={"field": None})})
    assert "GEN-2" in {v.rule for v in check_registration(no_field, rules).violations}
    assert all(v.message for v in check.violations)
