"""Persian text normalised and control characters refused at registration (REG-2)."""

import pytest

from daftar.domain.eligibility import (
    check_registration,
    listed_place,
    normalise_form,
    text_violations,
)
from daftar.domain.registration import RegistrationRules
from daftar.domain.text import control_characters, is_control, normalise_number, normalise_text
from tests.factories import registration

ZWNJ = "\u200c"
RULES = RegistrationRules.model_validate({"registration_start": "1401/08/30",
                                          "registration_end": "1401/09/06",
                                          "cities": [("Tehran", "Tehran")]})


def test_arabic_yeh_and_kaf_become_persian() -> None:
    assert normalise_text("علي كاظمي") == "علی کاظمی"
    assert normalise_text("موسى") == "موسی"  # alef maksura, typed for a final yeh


def test_spaces_are_collapsed_and_trimmed_and_zwnj_is_kept() -> None:
    assert normalise_text("  مهدی\u00a0\u00a0 رضا\t ") == "مهدی رضا"
    assert normalise_text(f"می{ZWNJ}خواهم") == f"می{ZWNJ}خواهم"


def test_digits_are_left_to_number_fields() -> None:
    assert normalise_text("کوچه ۱۲") == "کوچه ۱۲"
    assert normalise_number(" ۰۹۱۲٣٤٥ ") == "0912345"


@pytest.mark.parametrize("ch", ["\x00", "\x1b", "\x7f", "\x85", "\x9f", "\u202a", "\u202e",
                                "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_controls_are_found(ch: str) -> None:
    assert is_control(ch)
    assert control_characters(f"a{ch}b{ch}") == [ch]


@pytest.mark.parametrize("ch", ["a", " ", ZWNJ, "\u200d", "ی", "۱", "\u00a0", "é"])
def test_ordinary_characters_are_not_controls(ch: str) -> None:
    assert not is_control(ch)


def test_a_field_with_a_control_is_named() -> None:
    form = registration(last_name="\u202eiezeR", degree={
        "level": "bachelor", "field": "law", "graduation_date": "1395/04/01\x00"})
    violations = text_violations(form)
    assert [(v.rule, v.field) for v in violations] == [
        ("REG-2", "last_name"), ("REG-2", "degree.graduation_date")]
    assert "U+202E" in violations[0].message and "U+0000" in violations[1].message


def test_a_clean_form_has_no_text_violation() -> None:
    assert text_violations(registration(first_name=f"می{ZWNJ}نا")) == []


def test_the_form_is_normalised_field_by_field() -> None:
    form = normalise_form(registration(
        national_id="۰۰۱۳۵۴۲۴۱۹", first_name="علي", last_name=" كاظمي  زاده",
        father_name=f"مهدی{ZWNJ}رضا", birth_date="۱۳۷۰/۰۱/۰۱", mobile="+98 912 123 4567",
        degree={"level": "bachelor", "field": "law", "graduation_date": "١٣٩٥/٠٤/٠١"},
        quota={"kind": "veteran", "category": "combatant",
               "organisation_code": "۱۲۳۴۵۶۷۸۹۰۱۲"}))
    assert (form.first_name, form.last_name, form.father_name) == (
        "علی", "کاظمی زاده", f"مهدی{ZWNJ}رضا")
    assert (form.national_id, form.birth_date, form.degree.graduation_date) == (
        "0013542419", "1370/01/01", "1395/04/01")
    assert form.mobile == "09121234567"
    assert form.quota.organisation_code == "123456789012"


def test_normalising_keeps_every_rule_broken_or_kept() -> None:
    good = registration(mobile="۰۹۱۲۱۲۳۴۵۶۷", first_name="علي")
    assert check_registration(normalise_form(good), RULES).violations == []
    bad = registration(mobile="۰۸۱۲", national_id="۱۲۳")
    before = {v.rule for v in check_registration(bad, RULES).violations}
    after = {v.rule for v in check_registration(normalise_form(bad), RULES).violations}
    assert before == after == {"REG-2", "REG-5"}


def test_a_listed_place_is_found_in_the_cycles_spelling() -> None:
    cities = [("كرمان", "كرمان"), ("Tehran", "Tehran")]
    assert listed_place("کرمان", " کرمان ", cities) == ("كرمان", "كرمان")
    assert listed_place("Tehran", "Tehran", cities) == ("Tehran", "Tehran")
    assert listed_place("Fars", "Shiraz", cities) is None
