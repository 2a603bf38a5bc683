"""Jalali calendar and Asia/Tehran business days (REG-1, AGE-1).

The only module that imports ``jdatetime``. Instants are aware ``datetime`` values
(stored as UTC); the business day is the Asia/Tehran calendar day, taken from zone
data because Tehran's offset changed (+04:30 in summer until 2022, +03:30 since).
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import jdatetime

from daftar.domain.digits import ascii_to_persian_digits, normalize_digits

TEHRAN = ZoneInfo("Asia/Tehran")

_DATE_RE = re.compile(r"([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})")
# jdatetime's supported range; outside it conversion fails.
_MIN_YEAR, _MAX_YEAR = 1, 9377


class JalaliDate(NamedTuple):
    """A Jalali (solar hijri) calendar day; tuples compare chronologically (AGE-1)."""

    year: int
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.year:04d}/{self.month:02d}/{self.day:02d}"


def is_leap(year: int) -> bool:
    """True when Jalali ``year`` has 30 Esfand (e.g. 1399, 1403) (Calendar)."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def days_in_month(year: int, month: int) -> int:
    """Months 1-6 have 31 days, 7-11 have 30, Esfand 29 or 30 in a leap year (Calendar)."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


def parse_jalali(text: str) -> JalaliDate:
    """Parse ``YYYY/MM/DD`` (or ``-``; 1-2 digit month and day; any digits) (Calendar).

    Raises ``ValueError`` with a message an applicant understands for anything that is
    not a real Jalali day, e.g. ``1401/12/30`` (1401 is not leap) or ``1401/07/31``.
    """
    cleaned = normalize_digits(text).strip()
    match = _DATE_RE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"{text!r} is not a Jalali date; write it as YYYY/MM/DD, e.g. 1401/09/06.")
    year, month, day = (int(part) for part in match.groups())
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"{text!r}: year {year} is out of range.")
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: month {month} does not exist; months run from 1 to 12.")
    last = days_in_month(year, month)
    if not 1 <= day <= last:
        extra = " (30 Esfand exists only in leap years)" if month == 12 and day == 30 else ""
        raise ValueError(
            f"{text!r}: day {day} does not exist; month {month} of {year} has {last} days{extra}."
        )
    return JalaliDate(year, month, day)


def to_gregorian(d: JalaliDate) -> date:
    """The Gregorian date of Jalali day ``d``."""
    result: date = jdatetime.date(d.year, d.month, d.day).togregorian()
    return result


def from_gregorian(d: date) -> JalaliDate:
    """The Jalali day of Gregorian date ``d``."""
    j = jdatetime.date.fromgregorian(date=d)
    return JalaliDate(j.year, j.month, j.day)


def day_start_utc(d: JalaliDate) -> datetime:
    """The UTC instant of 00:00 Asia/Tehran on ``d`` (REG-1 window opening).

    If midnight fell in a DST gap (old spring-forward), fold=0 maps it to the first
    instant of that day, which is what a window opening means.
    """
    local = datetime.combine(to_gregorian(d), time(0), tzinfo=TEHRAN)
    return local.astimezone(UTC)


def next_day(d: JalaliDate) -> JalaliDate:
    """The Jalali day after ``d`` (via Gregorian, so month and year ends are right)."""
    return from_gregorian(to_gregorian(d) + timedelta(days=1))


def day_end_utc(d: JalaliDate) -> datetime:
    """The UTC instant a window including day ``d`` closes: 00:00 Tehran of the next day (REG-1).

    Use it as an exclusive bound: ``start <= instant < day_end_utc(last_day)``.
    """
    return day_start_utc(next_day(d))


def _require_aware(instant: datetime) -> None:
    # A naive datetime would be read in the machine's zone, which is exactly the
    # "local date" mistake the Calendar section forbids.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware (store instants in UTC)")


def business_day(instant: datetime) -> JalaliDate:
    """The Asia/Tehran calendar day (Jalali) of an aware ``instant`` (Calendar)."""
    _require_aware(instant)
    return from_gregorian(instant.astimezone(TEHRAN).date())


def format_instant(instant: datetime) -> str:
    """Show an aware ``instant`` as ``1401/09/06 14:30`` in Asia/Tehran time (Calendar)."""
    _require_aware(instant)
    local = instant.astimezone(TEHRAN)
    return f"{business_day(instant)} {local.hour:02d}:{local.minute:02d}"


def to_persian_digits(text: str) -> str:
    """``text`` with ASCII digits shown as Persian digits, for display (Calendar)."""
    return ascii_to_persian_digits(text)
