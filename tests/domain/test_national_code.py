"""REG-5: Iranian national code.

Hand-checked codes (s = Σ d_i·(10−i) over the first nine digits, r = s mod 11,
check = r if r < 2 else 11 − r):
- 0013542419: 0·10+0·9+1·8+3·7+5·6+4·5+2·4+4·3+1·2 = 8+21+30+20+8+12+2 = 101,
  101 mod 11 = 2 → check 11−2 = 9. Valid.
- 0123456789: 0+9+16+21+24+25+24+21+16 = 156, 156 mod 11 = 2 → check 9. Valid.
- 1000000001: 1·10 = 10, r = 10 → check 1. Valid.
- 1000000011: 1·10 + 1·2 = 12, r = 1 (< 2) → check 1. Valid.
- 2000000010: 2·10 + 1·2 = 22, r = 0 (< 2) → check 0. Valid.
"""

import pytest

from daftar.domain.national_code import (
    is_valid_national_code,
    national_code_violations,
    normalize_national_code,
)


@pytest.mark.parametrize(
    "code", ["0013542419", "0123456789", "1000000001", "1000000011", "2000000010"]
)
def test_hand_checked_codes_are_valid(code: str) -> None:
    assert is_valid_national_code(code)
    assert national_code_violations(code) == []


@pytest.mark.parametrize("code", ["0013542418", "0123456788", "1000000002", "2000000011"])
def test_wrong_check_digit_is_refused(code: str) -> None:
    (violation,) = national_code_violations(code)
    assert violation.rule == "REG-5"
    assert violation.field == "national_id"
    assert "check digit" in violation.message
    assert not is_valid_national_code(code)


def test_eight_digits_are_padded_with_two_zeros() -> None:
    assert normalize_national_code("13542419") == "0013542419"
    assert is_valid_national_code("13542419")


def test_nine_digits_are_padded_with_one_zero() -> None:
    assert normalize_national_code("123456789") == "0123456789"
    assert is_valid_national_code("123456789")


def test_seven_digits_are_not_padded() -> None:
    assert normalize_national_code("3542419") == "3542419"
    (violation,) = national_code_violations("3542419")
    assert "10 digits" in violation.message


@pytest.mark.parametrize("digit", "0123456789")
def test_ten_equal_digits_are_refused(digit: str) -> None:
    code = digit * 10
    (violation,) = national_code_violations(code)
    assert "equal" in violation.message
    assert not is_valid_national_code(code)


def test_persian_and_arabic_digits_spaces_and_dashes() -> None:
    assert normalize_national_code("۰۰۱-۳۵۴۲۴۱-۹") == "0013542419"
    assert normalize_national_code("٠١٢٣ ٤٥٦ ٧٨٩") == "0123456789"
    assert is_valid_national_code("۱۳۵۴۲۴۱۹")  # 8 Persian digits, padded


def test_non_digits_are_refused_with_their_own_message() -> None:
    (violation,) = national_code_violations("00135424a9")
    assert "digits only" in violation.message


def test_too_long_and_empty() -> None:
    assert "10 digits" in national_code_violations("00135424190")[0].message
    assert national_code_violations("  ")[0].rule == "REG-5"


def test_custom_field_name_is_used() -> None:
    (violation,) = national_code_violations("1111111111", field="spouse.national_id")
    assert violation.field == "spouse.national_id"
