"""Calendar: Jalali dates, Tehran business days and REG-1 window bounds."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from daftar.domain.jalali import (
    TEHRAN,
    JalaliDate,
    business_day,
    day_end_utc,
    day_start_utc,
    format_instant,
    from_gregorian,
    is_leap,
    parse_jalali,
    to_gregorian,
    to_persian_digits,
)


def test_str_is_zero_padded() -> None:
    assert str(JalaliDate(1401, 9, 6)) == "1401/09/06"


@pytest.mark.parametrize(
    "text",
    ["1401/09/06", "1401-09-06", "1401/9/6", "۱۴۰۱/۰۹/۰۶", "١٤٠١/٠٩/٠٦", " 1401/09/06 "],
)
def test_parse_accepts_separators_and_digit_forms(text: str) -> None:
    assert parse_jalali(text) == JalaliDate(1401, 9, 6)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("1401/12/30", "leap"),  # 1401 is not leap
        ("1400/12/30", "leap"),
        ("1401/13/01", "month 13"),
        ("1401/01/32", "day 32"),
        ("1401/07/31", "30 days"),  # months 7-11 have 30 days
        ("1401/00/10", "month 0"),
        ("1401/09/00", "day 0"),
        ("06/09/1401", "YYYY/MM/DD"),
        ("tomorrow", "YYYY/MM/DD"),
        ("", "YYYY/MM/DD"),
        ("1401/09/06 12:00", "YYYY/MM/DD"),
    ],
)
def test_parse_refuses_non_dates_clearly(text: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        parse_jalali(text)


def test_thirty_esfand_of_leap_years() -> None:
    assert is_leap(1399) and is_leap(1403)
    assert not is_leap(1400) and not is_leap(1401)
    assert parse_jalali("1399/12/30") == JalaliDate(1399, 12, 30)
    assert parse_jalali("۱۴۰۳/۱۲/۳۰") == JalaliDate(1403, 12, 30)
    assert to_gregorian(JalaliDate(1399, 12, 30)) == date(2021, 3, 20)
    assert to_gregorian(JalaliDate(1403, 12, 30)) == date(2025, 3, 20)


def test_month_six_has_31_days() -> None:
    assert parse_jalali("1401/06/31") == JalaliDate(1401, 6, 31)


def test_gregorian_round_trip() -> None:
    assert to_gregorian(JalaliDate(1401, 9, 6)) == date(2022, 11, 27)
    assert from_gregorian(date(2022, 11, 27)) == JalaliDate(1401, 9, 6)
    assert from_gregorian(date(2022, 3, 21)) == JalaliDate(1401, 1, 1)


def test_day_start_after_2022_is_plus_0330() -> None:
    start = day_start_utc(JalaliDate(1401, 9, 6))
    assert start == datetime(2022, 11, 26, 20, 30, tzinfo=UTC)
    assert start.utcoffset() == timedelta(0)


def test_day_start_in_summer_before_2022_is_plus_0430() -> None:
    # 1400/05/01 = 2021-07-23, Tehran then on daylight time (+04:30).
    assert day_start_utc(JalaliDate(1400, 5, 1)) == datetime(2021, 7, 22, 19, 30, tzinfo=UTC)


def test_day_start_on_old_spring_forward_day_is_first_instant() -> None:
    # 2021-03-22 (1400/01/02): clocks jumped from 00:00 to 01:00, so the day began at 20:30Z.
    assert day_start_utc(JalaliDate(1400, 1, 2)) == datetime(2021, 3, 21, 20, 30, tzinfo=UTC)
    assert business_day(datetime(2021, 3, 21, 20, 30, tzinfo=UTC)) == JalaliDate(1400, 1, 2)


def test_day_end_is_next_day_start() -> None:
    assert day_end_utc(JalaliDate(1401, 9, 6)) == datetime(2022, 11, 27, 20, 30, tzinfo=UTC)
    # Across the month and year ends.
    assert day_end_utc(JalaliDate(1401, 6, 31)) == day_start_utc(JalaliDate(1401, 7, 1))
    assert day_end_utc(JalaliDate(1403, 12, 30)) == day_start_utc(JalaliDate(1404, 1, 1))


def test_business_day_follows_tehran_not_utc() -> None:
    assert business_day(datetime(2022, 11, 26, 20, 29, tzinfo=UTC)) == JalaliDate(1401, 9, 5)
    assert business_day(datetime(2022, 11, 26, 20, 30, tzinfo=UTC)) == JalaliDate(1401, 9, 6)
    # The same instant given in another zone gives the same business day.
    plus5 = datetime(2022, 11, 27, 1, 30, tzinfo=timezone(timedelta(hours=5)))
    assert business_day(plus5) == JalaliDate(1401, 9, 6)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        business_day(datetime(2022, 11, 27, 12, 0))
    with pytest.raises(ValueError, match="aware"):
        format_instant(datetime(2022, 11, 27, 12, 0))


def test_format_instant_in_tehran() -> None:
    assert format_instant(datetime(2022, 11, 27, 11, 0, tzinfo=UTC)) == "1401/09/06 14:30"
    assert format_instant(datetime(2021, 7, 23, 10, 0, tzinfo=UTC)) == "1400/05/01 14:30"
    local = datetime(2022, 11, 27, 9, 5, tzinfo=TEHRAN)
    assert format_instant(local) == "1401/09/06 09:05"


def test_to_persian_digits() -> None:
    assert to_persian_digits("1401/09/06 14:30") == "۱۴۰۱/۰۹/۰۶ ۱۴:۳۰"
