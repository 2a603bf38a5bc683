"""Digit normalisation (used by REG-5, REG-6, REG-2 and the Calendar parser)."""

import pytest
from pydantic import ValidationError

from daftar.domain.digits import ascii_to_persian_digits, is_ascii_digits, normalize_digits
from daftar.domain.violations import Violation


def test_persian_and_arabic_indic_digits_become_ascii() -> None:
    assert normalize_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_other_characters_are_left_alone() -> None:
    assert normalize_digits("کد ۱۲-ab 3") == "کد 12-ab 3"


def test_ascii_to_persian_round_trip() -> None:
    assert ascii_to_persian_digits("1401/09/06") == "۱۴۰۱/۰۹/۰۶"
    assert normalize_digits(ascii_to_persian_digits("0123456789")) == "0123456789"


def test_is_ascii_digits_refuses_other_digit_forms() -> None:
    assert is_ascii_digits("0123")
    assert not is_ascii_digits("")
    assert not is_ascii_digits("۱۲")  # Persian digits must be normalised first
    assert not is_ascii_digits("²3")  # str.isdigit would accept this superscript


def test_violation_is_frozen_and_field_defaults_to_none() -> None:
    v = Violation(rule="AGE-1", message="too old")
    assert v.field is None
    with pytest.raises(ValidationError):
        v.rule = "X"  # type: ignore[misc]
    assert v == Violation(rule="AGE-1", field=None, message="too old")
