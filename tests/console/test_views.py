"""The console's pure helpers: digits, instants, scores, the histogram and the CSRF field."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from daftar.console import labels
from daftar.console.render import fa, temporal_url, when
from daftar.console.session import csrf_token
from daftar.console.views import parse_score
from daftar.core.settings import Settings
from daftar.domain.rules import RULE_TEXTS
from daftar.domain.stages import Role, Stage
from daftar.services.dashboard import histogram


def test_numbers_and_instants_are_persian() -> None:
    assert fa(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert fa(Decimal("5612.50")) == "۵٬۶۱۲٫۵"
    assert fa("1409/09/02") == "۱۴۰۹/۰۹/۰۲"
    html = str(when(datetime(2026, 11, 23, 19, 0, tzinfo=UTC)))
    assert 'datetime="2026-11-23T19:00:00+00:00"' in html
    assert "۱۴۰۵/۰۹/۰۲ ۲۲:۳۰" in html  # Tehran is UTC+03:30


@pytest.mark.parametrize(("typed", "value"), [("۸۵", Decimal(85)), ("٧٢٫٥", Decimal("72.5")),
                                              (" 90 ", Decimal(90)), ("", None)])
def test_scores_typed_in_any_digits(typed: str, value: Decimal | None) -> None:
    assert parse_score(typed) == value


@pytest.mark.parametrize("typed", ["abc", "NaN", "Infinity", "12-3"])
def test_a_score_that_is_no_number_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_score(typed)


def test_histogram_spans_the_scores_and_the_pass_mark() -> None:
    scores = [(Decimal(t), t >= 6000) for t in (4000, 4100, 5000, 6000, 7000)]
    chart = histogram(scores, Decimal(8000), bins=4)
    assert (chart.lowest, chart.highest) == (Decimal(4000), Decimal(8000))
    assert [n for _, _, n in chart.bins] == [2, 1, 1, 1]
    assert (chart.count, chart.passed, chart.tallest) == (5, 2, 2)
    assert chart.x(Decimal(8000), 600) == 600
    assert histogram([], None).bins == []


def test_csrf_field_is_bound_to_the_session_and_the_secret() -> None:
    one = csrf_token("secret", "token-a")
    assert one == csrf_token("secret", "token-a")
    assert one != csrf_token("secret", "token-b")
    assert one != csrf_token("another", "token-a")


def test_temporal_link_names_the_workflow() -> None:
    settings = Settings(temporal_ui_url="http://ui.example:8080/", temporal_namespace="daftar")
    assert temporal_url(settings, "abc") == (
        "http://ui.example:8080/namespaces/daftar/workflows/application-abc")


def test_every_stage_role_and_checked_rule_has_a_persian_label() -> None:
    assert set(Stage) <= set(labels.STAGES)
    assert set(Role) <= set(labels.ROLES)
    from daftar.domain.decisions import QUALIFICATION_CHECKLIST

    assert set(QUALIFICATION_CHECKLIST) <= set(RULE_TEXTS)
