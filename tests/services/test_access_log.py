"""The auditors' access-log filter: Jalali days or ISO instants, checked before any read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from daftar.core.errors import ServiceError
from daftar.domain.jalali import day_end_utc, day_start_utc, parse_jalali
from daftar.services.access_log import access_filter


def test_empty_values_are_no_filter() -> None:
    flt = access_filter(application_id=" ", actor="", since=None, until="  ")
    assert (flt.application_id, flt.actor, flt.since, flt.until) == (None, None, None, None)


def test_jalali_days_cover_whole_days_in_tehran() -> None:
    flt = access_filter(since="1404/09/01", until="1404/09/02")
    assert flt.since == day_start_utc(parse_jalali("1404/09/01"))
    assert flt.until == day_end_utc(parse_jalali("1404/09/02"))


def test_an_iso_until_includes_its_instant() -> None:
    flt = access_filter(since="2026-12-06T10:00:00Z", until="2026-12-06T11:00:00+00:00")
    assert flt.since == datetime(2026, 12, 6, 10, tzinfo=UTC)
    assert flt.until == datetime(2026, 12, 6, 11, tzinfo=UTC) + timedelta(microseconds=1)


@pytest.mark.parametrize(("since", "until"), [
    ("2026-12-06T10:00:00", None),  # no zone
    ("2026-12-06", None),  # a Gregorian date
    ("1404/09/05", "1404/09/01"),  # since after until
    ("not a day", None),
])
def test_a_malformed_bound_is_422(since: str, until: str | None) -> None:
    with pytest.raises(ServiceError) as err:
        access_filter(since=since, until=until)
    assert err.value.status == 422
    assert err.value.rules[0].rule == "REQUEST"
