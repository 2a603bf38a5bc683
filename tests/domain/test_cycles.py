"""A cycle's configuration (REG-1, EXAM-1, EXAM-4, LAUNCH-1) and its registration window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from daftar.domain.cycles import (
    cycle_violations,
    parse_dates,
    registration_window,
    window_violation,
)
from daftar.domain.jalali import JalaliDate
from daftar.domain.violations import Violation

City = tuple[str, str, Sequence[tuple[str, str]]]
TEHRAN: City = ("Tehran", "Tehran", [("Alborz", "Karaj")])
KARAJ: City = ("Alborz", "Karaj", [("Tehran", "Tehran")])
# 1401/09/01 is 2022-11-22; Tehran is UTC+03:30 (no daylight saving in November).
OPENS = datetime(2022, 11, 21, 20, 30, tzinfo=UTC)
CLOSES = datetime(2022, 11, 27, 20, 30, tzinfo=UTC)  # 00:00 Tehran, the day after 1401/09/06


def found(**overrides: Any) -> list[tuple[str, str | None]]:
    """The (rule, field) of each violation of a consistent cycle changed by `overrides`."""
    config: dict[str, Any] = {
        "registration_start": "1401/09/01", "registration_end": "1401/09/06",
        "exam_date": "1401/10/15", "subject_codes": ["LAW", "IT"],
        "group_weights": {"general": Decimal(1), "specialised": Decimal(2)},
        "cities": [TEHRAN, KARAJ],
    }
    config.update(overrides)
    return [(v.rule, v.field) for v in cycle_violations(**config)]


def test_a_consistent_cycle_has_no_violation() -> None:
    assert found() == []
    assert found(exam_date=None, group_weights={}, cities=[], subject_codes=[]) == []


# --- REG-1: the window ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["registration_start", "registration_end", "exam_date"])
def test_each_date_that_is_not_a_jalali_date_is_named(field: str) -> None:
    assert found(**{field: "1401/13/01"}) == [("REG-1", field)]


def test_the_window_ends_on_or_after_its_start() -> None:
    assert found(registration_end="1401/08/30") == [("REG-1", "registration_end")]
    assert found(registration_end="1401/09/01") == []


def test_the_exam_comes_after_the_window() -> None:
    assert found(exam_date="1401/09/06") == [("REG-1", "exam_date")]
    assert found(exam_date="1401/09/07") == []


def test_an_unreadable_end_hides_no_other_violation_and_invents_none() -> None:
    assert found(registration_end="x", exam_date="1401/08/01") == [("REG-1", "registration_end")]


# --- EXAM-1, EXAM-4 ---------------------------------------------------------------------------


def test_subject_codes_are_unique() -> None:
    violations = cycle_violations(
        registration_start="1401/09/01", registration_end="1401/09/06", exam_date=None,
        subject_codes=["LAW", "IT", "LAW", "IT", "EN"], group_weights={}, cities=[])
    assert [(v.rule, v.field) for v in violations] == [("EXAM-1", "subjects")]
    assert violations[0].message == "Subject codes repeat: IT, LAW."


@pytest.mark.parametrize("weights", [
    {"general": Decimal(0)},
    {"specialised": Decimal(-1)},
    {"other": Decimal(1)},
])
def test_group_weights_are_positive_for_the_two_groups(weights: dict[str, Decimal]) -> None:
    [group] = weights
    assert found(group_weights=weights) == [("EXAM-4", f"group_weights.{group}")]


# --- LAUNCH-1: cities -------------------------------------------------------------------------


def test_a_city_is_listed_once() -> None:
    assert found(cities=[TEHRAN, KARAJ, ("Tehran", "Tehran", [])]) == [("LAUNCH-1", "cities")]


def test_a_neighbour_is_a_city_of_the_cycle() -> None:
    assert found(cities=[TEHRAN]) == [("LAUNCH-1", "cities")]


def test_a_neighbour_is_in_another_province() -> None:
    rey: City = ("Tehran", "Rey", [])
    violations = cycle_violations(
        registration_start="1401/09/01", registration_end="1401/09/06", exam_date=None,
        subject_codes=[], group_weights={}, cities=[("Tehran", "Tehran", [("Tehran", "Rey")]),
                                                    rey])
    assert [(v.rule, v.field) for v in violations] == [("LAUNCH-1", "cities")]
    assert "same province" in violations[0].message


# --- parse_dates, registration_window, window_violation ----------------------------------------


def test_parse_dates_reads_the_dates_given_and_names_the_rest() -> None:
    out: list[Violation] = []
    dates = parse_dates({"a": "1401/09/01", "b": None, "c": "1401/02/32"}, out)
    assert dates == {"a": JalaliDate(1401, 9, 1)}
    assert [(v.rule, v.field) for v in out] == [("REG-1", "c")]


def test_the_window_runs_from_the_first_days_start_to_the_last_days_end_in_tehran() -> None:
    assert registration_window("1401/09/01", "1401/09/06") == (OPENS, CLOSES)


@pytest.mark.parametrize(("now", "inside"), [
    (OPENS - timedelta(seconds=1), False),
    (OPENS, True),
    (CLOSES - timedelta(seconds=1), True),
    (CLOSES, False),
])
def test_a_registration_counts_inside_the_window_only(now: datetime, inside: bool) -> None:
    violation = window_violation(now, "1401/09/01", "1401/09/06")
    if inside:
        assert violation is None
    else:
        assert violation is not None and (violation.rule, violation.field) == ("REG-1", None)
        assert violation.message == ("Registration is open from 1401/09/01 to 1401/09/06 "
                                     "(Tehran time).")
