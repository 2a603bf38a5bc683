"""CYC-1 in the domain: the cycle's `amend` transition, an application's `terms`, and the
checks of an amendment against the cycle as stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from daftar.domain import transitions
from daftar.domain.actors import Actor
from daftar.domain.amendments import CityTerms, amended_cities, amendment_refusal
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import Role, Stage

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
ADMIN = Actor(id="admin-1", roles=[Role.admin])
TEHRAN = CityTerms("Tehran", "Tehran", 5, 1)
QOM = CityTerms("Qom", "Qom", 4, 2, neighbours=(("Tehran", "Tehran"),))


def amend(**kw: object) -> RefusalKind | None:
    args: dict[str, object] = {"base": 0, "amendments": 0,
                               "closes_before": NOW + timedelta(days=3),
                               "closes_at": NOW + timedelta(days=8), "now": NOW} | kw
    actor = args.pop("actor", ADMIN)
    refusal = transitions.amend(actor, **args)  # type: ignore[arg-type]
    return refusal.kind if refusal else None


def test_an_admin_extends_an_open_window() -> None:
    assert amend() is None
    assert amend(closes_at=NOW + timedelta(hours=1)) is None  # shortened, still ahead


def test_only_an_admin_amends() -> None:
    assert amend(actor=Actor(id="x", roles=[Role.exam_officer])) is RefusalKind.forbidden


def test_a_stale_view_is_refused() -> None:
    refusal = transitions.amend(ADMIN, base=1, amendments=2, closes_before=NOW,
                                closes_at=None, now=NOW)
    assert refusal is not None and refusal.kind is RefusalKind.conflict
    assert "reload" in refusal.message and refusal.rules == ["CYC-1"]


def test_a_closed_window_stays_closed_and_never_ends_in_the_past() -> None:
    assert amend(closes_before=NOW) is RefusalKind.conflict
    assert amend(closes_before=NOW - timedelta(days=1)) is RefusalKind.conflict
    assert amend(closes_at=NOW) is RefusalKind.conflict
    assert amend(closes_at=NOW - timedelta(minutes=1)) is RefusalKind.conflict
    # A change that leaves the window alone is not held to it.
    assert amend(closes_before=NOW - timedelta(days=1), closes_at=None) is None


def _state(stage: Stage) -> SimpleNamespace:
    return SimpleNamespace(stage=stage)


def test_terms_apply_once_to_open_applications_from_an_admin() -> None:
    assert transitions.terms(_state(Stage.awaiting_payment), ADMIN, 2, 1) is None
    applied = transitions.terms(_state(Stage.awaiting_payment), ADMIN, 1, 1)
    assert applied is not None and applied.kind is RefusalKind.already_applied
    ended = transitions.terms(_state(Stage.incomplete), ADMIN, 2, 1)
    assert ended is not None and ended.kind is RefusalKind.wrong_stage
    forged = transitions.terms(_state(Stage.awaiting_payment),
                               Actor(id="x", roles=[Role.applicant]), 2, 1)
    assert forged is not None and forged.kind is RefusalKind.forbidden


def test_amended_cities_replace_listed_ones_and_add_the_rest() -> None:
    shiraz = CityTerms("Fars", "Shiraz", 3, 5)
    after, added = amended_cities([TEHRAN, QOM], [CityTerms("Qom", "Qom", 9, 2), shiraz])
    assert [c.place for c in after] == [("Tehran", "Tehran"), ("Qom", "Qom"),
                                        ("Fars", "Shiraz")]
    assert after[1].capacity == 9 and added == [("Fars", "Shiraz")]


def refusal_of(**kw: object) -> tuple[RefusalKind, list[str]] | None:
    args: dict[str, object] = {"registration_start": "1405/02/01",
                               "registration_end": "1405/02/20", "new_end": None,
                               "exam_date": "1405/04/01", "cities_after": [TEHRAN, QOM],
                               "seats_given": {}} | kw
    refusal = amendment_refusal(**args)  # type: ignore[arg-type]
    return (refusal.kind, refusal.rules) if refusal else None


def test_a_new_end_keeps_the_window_before_the_exam() -> None:
    assert refusal_of(new_end="1405/03/01") is None
    assert refusal_of(new_end="1405/01/30") == (RefusalKind.invalid, ["REG-1"])  # before start
    assert refusal_of(new_end="1405/04/01") == (RefusalKind.invalid, ["REG-1"])  # the exam day
    assert refusal_of(new_end="1405/13/01") == (RefusalKind.invalid, ["REG-1"])  # no such day


def test_cities_stay_consistent() -> None:
    stray = CityTerms("Qom", "Qom", 4, 2, neighbours=(("Fars", "Shiraz"),))
    assert refusal_of(cities_after=[TEHRAN, stray]) == (RefusalKind.invalid, ["LAUNCH-1"])


def test_no_capacity_below_the_seats_given() -> None:
    low = CityTerms("Tehran", "Tehran", 2, 1)
    assert refusal_of(cities_after=[low, QOM], seats_given={("Tehran", "Tehran"): 3}) == (
        RefusalKind.conflict, ["CYC-1"])
    assert refusal_of(cities_after=[low, QOM], seats_given={("Tehran", "Tehran"): 2}) is None
