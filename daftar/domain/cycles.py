"""Consistency of a cycle's configuration (REG-1, EXAM-1, EXAM-4, LAUNCH-1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from daftar.domain.jalali import JalaliDate, day_end_utc, day_start_utc, parse_jalali
from daftar.domain.places import place_key, province_key
from daftar.domain.violations import Violation


def parse_dates(
    fields: dict[str, str | None], out: list[Violation]
) -> dict[str, JalaliDate]:
    """Parse each named Jalali date, adding a REG-1 violation for each one that is not a date."""
    dates: dict[str, JalaliDate] = {}
    for name, text in fields.items():
        if text is None:
            continue
        try:
            dates[name] = parse_jalali(text)
        except ValueError as err:
            out.append(Violation(rule="REG-1", field=name, message=str(err)))
    return dates


def cycle_violations(
    *,
    registration_start: str,
    registration_end: str,
    exam_date: str | None,
    subject_codes: Sequence[str],
    group_weights: dict[str, Decimal],
    cities: Sequence[tuple[str, str, Sequence[tuple[str, str]]]],
) -> list[Violation]:
    """Every inconsistency of a cycle's configuration, all at once.

    REG-1: the window is two Jalali dates, start ≤ end, and the exam (if set) after it.
    EXAM-1: subject codes unique. EXAM-4: group weights for `general`/`specialised`, positive.
    LAUNCH-1: cities unique; each neighbour is a city of this cycle in another province.
    Places are compared by `place_key`: a province by its code when it names one of the 31
    (``"23"``, «تهران» and ``"Tehran"`` are one province), a city by its normalised name.
    """
    out: list[Violation] = []
    d = parse_dates({"registration_start": registration_start,
                     "registration_end": registration_end, "exam_date": exam_date}, out)
    start, end, exam = d.get("registration_start"), d.get("registration_end"), d.get("exam_date")
    if start and end and end < start:
        out.append(Violation(rule="REG-1", field="registration_end",
                             message=f"The window ends ({end}) before it starts ({start})."))
    if end and exam and exam <= end:
        out.append(Violation(rule="REG-1", field="exam_date",
                             message=f"The exam ({exam}) must come after registration ({end})."))
    dupes = sorted({c for c in subject_codes if list(subject_codes).count(c) > 1})
    if dupes:
        out.append(Violation(rule="EXAM-1", field="subjects",
                             message=f"Subject codes repeat: {', '.join(dupes)}."))
    for group, weight in group_weights.items():
        if group not in ("general", "specialised") or weight <= 0:
            out.append(Violation(rule="EXAM-4", field=f"group_weights.{group}",
                                 message="Group weights are positive, for general or "
                                         "specialised."))
    seen: set[tuple[str, str]] = set()
    for province, city, _ in cities:
        key = place_key(province, city)
        if key in seen:
            out.append(Violation(rule="LAUNCH-1", field="cities",
                                 message=f"City {city} ({province}) is listed twice."))
        seen.add(key)
    for province, city, neighbours in cities:
        for n in neighbours:
            if place_key(*n) not in seen:
                out.append(Violation(rule="LAUNCH-1", field="cities",
                                     message=f"{city}'s neighbour {n[1]} ({n[0]}) is not a "
                                             "city of this cycle."))
            elif province_key(n[0]) == province_key(province):
                out.append(Violation(rule="LAUNCH-1", field="cities",
                                     message=f"{city}'s neighbour {n[1]} is in the same "
                                             "province; neighbours are in other provinces."))
    return out


def registration_window(start: str, end: str) -> tuple[datetime, datetime]:
    """REG-1: the registration window as UTC instants, inclusive of both Jalali days.

    From the first day's start to the last day's end, in Asia/Tehran.
    """
    return day_start_utc(parse_jalali(start)), day_end_utc(parse_jalali(end))


def window_violation(now: datetime, start: str, end: str) -> Violation | None:
    """REG-1: a registration at `now` outside the window, or None inside it."""
    opens, closes = registration_window(start, end)
    if opens <= now < closes:
        return None
    return Violation(rule="REG-1", message=f"Registration is open from {start} to {end} "
                                           "(Tehran time).")
