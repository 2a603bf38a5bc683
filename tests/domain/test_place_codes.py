"""Provinces stored as their code: labels, filter spellings and place keys (REG-7, LAUNCH-1)."""

from __future__ import annotations

import pytest

from daftar.domain.cycles import cycle_violations
from daftar.domain.eligibility import check_registration, listed_place
from daftar.domain.places import (
    PROVINCES,
    place_key,
    province_code,
    province_key,
    province_label,
    province_spellings,
)
from daftar.domain.registration import RegistrationRules
from tests.factories import registration

RULES = RegistrationRules.model_validate({
    "registration_start": "1403/01/15", "registration_end": "1403/01/25", "cities": []})


# --- province_code and province_label -------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("23", "23"), ("۲۳", "23"), ("تهران", "23"), ("Tehran", "23"), ("tehran", "23"),
    ("Teheran", "23"), ("استان تهران", "23"), ("Tehran Province", "23"),
    ("Isfahan", "10"), ("Esfahan", "10"), ("اصفهان", "10"), ("Fars", "07"), ("فارس", "07"),
    ("Qom", "25"), ("قم", "25"), ("كرمان", "08"),
    ("آذربايجان شرقي", "03"), ("Khorasan Razavi", "09"),
])
def test_the_code_of_a_name_or_a_code(text: str, code: str) -> None:
    assert province_code(text) == code


@pytest.mark.parametrize("text", ["Khorasan", "Atlantis", "", "31", "Tehran City"])
def test_a_value_naming_no_province_has_no_code(text: str) -> None:
    assert province_code(text) is None


def test_the_label_is_the_official_persian_name() -> None:
    for p in PROVINCES:
        assert province_label(p.code) == p.name_fa
        assert province_label(p.name_en) == p.name_fa
        assert province_label(p.name_fa) == p.name_fa
    assert province_label("23") == "تهران"
    assert province_label("Esfahan") == "اصفهان"
    assert province_label("كهگيلويه و بويراحمد") == "کهگیلویه و بویراحمد"


@pytest.mark.parametrize("text", ["Atlantis", "Khorasan", "ولایت قدیم", ""])
def test_a_label_leaves_free_text_as_it_is(text: str) -> None:
    assert province_label(text) == text


# --- province_spellings: what a filter matches ----------------------------------------------------


@pytest.mark.parametrize("given", ["23", "تهران", "Tehran"])
def test_the_spellings_of_a_province_are_its_code_and_names(given: str) -> None:
    assert province_spellings(given) == ("23", "تهران", "Tehran")


def test_the_spellings_keep_the_value_as_given() -> None:
    assert province_spellings("tehran") == ("23", "تهران", "Tehran", "tehran")
    assert province_spellings("Esfahan") == ("10", "اصفهان", "Isfahan", "Esfahan")
    assert province_spellings("۲۳") == ("23", "تهران", "Tehran", "۲۳")


def test_an_unknown_value_is_its_only_spelling() -> None:
    assert province_spellings("Atlantis") == ("Atlantis",)


# --- keys -----------------------------------------------------------------------------------------


def test_a_province_key_is_its_code_when_known() -> None:
    assert province_key("تهران") == province_key("Tehran") == province_key("23") == "23"
    assert province_key("Atlantis") == province_key("ATLANTIS ") == "atlantis"


def test_a_place_key_folds_the_city_name() -> None:
    assert place_key("تهران", "ري") == place_key("23", "ری") == ("23", "ری")
    assert place_key("Tehran", "Rey") == place_key("23", "rey ")
    assert place_key("Tehran", "Rey") != place_key("Qom", "Rey")


# --- listed_place and REG-7 -----------------------------------------------------------------------


def test_a_name_finds_a_city_stored_with_its_code() -> None:
    cities = [("23", "تهران"), ("10", "اصفهان")]
    assert listed_place("تهران", "تهران", cities) == ("23", "تهران")
    assert listed_place("Tehran", "تهران", cities) == ("23", "تهران")
    assert listed_place("23", "تهران", cities) == ("23", "تهران")
    assert listed_place("Esfahan", "اصفهان", cities) == ("10", "اصفهان")
    assert listed_place("Tehran", "اصفهان", cities) is None


def test_a_code_or_another_name_finds_a_city_stored_with_a_name() -> None:
    """Cycles stored before provinces were codes hold the name the admin typed."""
    cities = [("Tehran", "Tehran"), ("فارس", "شیراز")]
    assert listed_place("23", "Tehran", cities) == ("Tehran", "Tehran")
    assert listed_place("تهران", "tehran", cities) == ("Tehran", "Tehran")
    assert listed_place("Fars", "شيراز", cities) == ("فارس", "شیراز")


def test_cities_compare_by_their_folded_name_and_return_the_cycles_spelling() -> None:
    cities = [("23", "ری"), ("23", "Shahr-e Rey")]
    assert listed_place("Tehran", "ري", cities) == ("23", "ری")
    assert listed_place("Tehran", "shahr e rey", cities) == ("23", "Shahr-e Rey")
    assert listed_place("Tehran", "Varamin", cities) is None


def test_an_unknown_province_compares_by_its_text() -> None:
    cities = [("Atlantis", "Poseidonia")]
    assert listed_place("atlantis", "poseidonia", cities) == ("Atlantis", "Poseidonia")
    assert listed_place("Tehran", "Poseidonia", cities) is None


def test_reg7_matches_a_province_by_its_code() -> None:
    rules = RULES.model_copy(update={"cities": [("23", "تهران"), ("07", "شیراز")]})
    assert check_registration(registration(province="تهران", city="تهران"),
                              rules).violations == []
    assert check_registration(registration(province="Fars", city="شيراز"),
                              rules).violations == []
    refused = check_registration(registration(province="Tehran", city="شیراز"), rules)
    assert [(v.rule, v.field) for v in refused.violations] == [("REG-7", "city")]


# --- LAUNCH-1: cycle_violations compares by key ---------------------------------------------------


def _launch(cities: list[tuple[str, str, list[tuple[str, str]]]]) -> list[str]:
    return [v.message for v in cycle_violations(
        registration_start="1403/01/15", registration_end="1403/01/25", exam_date=None,
        subject_codes=[], group_weights={}, cities=cities) if v.rule == "LAUNCH-1"]


def test_a_neighbour_named_by_another_spelling_is_the_listed_city() -> None:
    assert _launch([("23", "Tehran", [("Qom", "Qom")]), ("25", "Qom", [])]) == []
    assert _launch([("Tehran", "Tehran", [("قم", "qom")]), ("25", "Qom", [])]) == []


def test_a_neighbour_in_the_same_province_by_another_name_is_refused() -> None:
    messages = _launch([("Tehran", "Tehran", [("تهران", "Rey")]), ("23", "Rey", [])])
    assert len(messages) == 1 and "same province" in messages[0]


def test_one_city_twice_under_two_spellings_is_refused() -> None:
    messages = _launch([("23", "Tehran", []), ("تهران", "tehran", [])])
    assert len(messages) == 1 and "listed twice" in messages[0]
