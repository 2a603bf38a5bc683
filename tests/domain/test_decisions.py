"""Well-formed reviewer decisions (INT-1, QUAL-1, SEC-1) and the rules a failure rejects under."""

from __future__ import annotations

from decimal import Decimal

import pytest

from daftar.domain.decisions import (
    QUALIFICATION_CHECKLIST,
    Outcome,
    checklist_notes,
    decision_violations,
    failed_rules,
    qualification_checklist,
)
from daftar.domain.stages import DecisionStage

INT, Q, S = DecisionStage.interview, DecisionStage.qualification, DecisionStage.security
PASS, FAIL = Outcome.passed, Outcome.failed
ALL_MALE = dict.fromkeys(QUALIFICATION_CHECKLIST, True)


def found(stage: DecisionStage, outcome: Outcome = PASS, *, score: Decimal | None = None,
          reason: str | None = None, checks: dict[str, bool] | None = None,
          male: bool = True, veteran: bool = False) -> list[tuple[str, str | None]]:
    """The (rule, field) of each violation of one decision."""
    return [(v.rule, v.field) for v in decision_violations(
        stage, outcome, score=score, reason=reason, checks=checks, male=male, veteran=veteran)]


# --- qualification_checklist --------------------------------------------------------------


def test_a_mans_checklist_is_the_whole_qualification_checklist() -> None:
    assert qualification_checklist(male=True, veteran=False) == QUALIFICATION_CHECKLIST
    assert "GEN-3" in QUALIFICATION_CHECKLIST


def test_a_womans_checklist_leaves_out_military_service_only() -> None:
    assert qualification_checklist(male=False, veteran=False) == tuple(
        r for r in QUALIFICATION_CHECKLIST if r != "GEN-3")
    assert len(qualification_checklist(male=False, veteran=False)) == len(
        QUALIFICATION_CHECKLIST) - 1


def test_a_veterans_checklist_has_no_age_item() -> None:
    # AGE-1: veteran-quota applicants are exempt, so QUAL-1 does not ask for it.
    assert qualification_checklist(male=True, veteran=True) == tuple(
        r for r in QUALIFICATION_CHECKLIST if r != "AGE-1")
    assert qualification_checklist(male=False, veteran=True) == tuple(
        r for r in QUALIFICATION_CHECKLIST if r not in ("AGE-1", "GEN-3"))


def test_a_veterans_pass_needs_no_age_item_and_takes_none() -> None:
    veteran = {r: True for r in QUALIFICATION_CHECKLIST if r != "AGE-1"}
    assert found(Q, checks=veteran, veteran=True) == []
    # The same checks for a free-quota applicant miss AGE-1.
    [missing] = decision_violations(Q, PASS, score=None, reason=None, checks=veteran,
                                    male=True, veteran=False)
    assert missing.message == "Checklist items not marked: AGE-1."
    # AGE-1 is not an item of a veteran's checklist: marking it (even failed) is refused, so
    # no veteran is rejected under a rule they are exempt from.
    extra, nothing_failed = decision_violations(
        Q, FAIL, score=None, reason="too old", checks={**veteran, "AGE-1": False}, male=True,
        veteran=True)
    assert (extra.rule, extra.field) == ("QUAL-1", "checks")
    assert extra.message == ("Not items of this applicant's checklist: AGE-1 (a veteran-quota "
                             "applicant is exempt from AGE-1).")
    assert nothing_failed.message == "A failure must mark the failed items of the checklist."


def test_a_related_field_flag_gives_the_gen_2_item_a_note() -> None:
    notes = checklist_notes(["GEN-2", "VET-2"])
    assert list(notes) == ["GEN-2"]
    assert "other" in notes["GEN-2"] and "مدارک" in notes["GEN-2"]
    assert checklist_notes(["ART11-1", "VET-2"]) == {}
    assert checklist_notes([]) == {}


# --- well-formed decisions ------------------------------------------------------------------


@pytest.mark.parametrize(("stage", "outcome", "score", "reason", "checks"), [
    (INT, PASS, Decimal(0), None, None),
    (INT, PASS, Decimal(100), None, None),
    (INT, FAIL, Decimal(40), "weak answers", None),
    (S, PASS, None, None, None),
    (S, FAIL, None, "record found", None),
    (Q, PASS, None, None, ALL_MALE),
    (Q, FAIL, None, "no certificate", {**ALL_MALE, "GEN-5": False}),
])
def test_well_formed_decisions_have_no_violation(
        stage: DecisionStage, outcome: Outcome, score: Decimal | None, reason: str | None,
        checks: dict[str, bool] | None) -> None:
    assert found(stage, outcome, score=score, reason=reason, checks=checks) == []


# --- the reason of a failure ----------------------------------------------------------------


@pytest.mark.parametrize(("stage", "rule"), [(INT, "INT-1"), (Q, "QUAL-1"), (S, "SEC-1")])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_failure_states_its_reason(stage: DecisionStage, rule: str, reason: str | None) -> None:
    score = Decimal(10) if stage is INT else None
    checks = {**ALL_MALE, "AGE-1": False} if stage is Q else None
    assert found(stage, FAIL, score=score, reason=reason, checks=checks) == [(rule, "reason")]


# --- INT-1: the interview's score -----------------------------------------------------------


@pytest.mark.parametrize("score", [None, Decimal("-0.01"), Decimal("100.5")])
def test_an_interview_needs_a_score_from_0_to_100(score: Decimal | None) -> None:
    assert found(INT, score=score) == [("INT-1", "score")]


def test_an_out_of_range_score_is_named_in_the_message() -> None:
    [violation] = decision_violations(INT, PASS, score=Decimal(101), reason=None, checks=None,
                                      male=True, veteran=False)
    assert violation.message == "Interview score 101 is outside 0..100."


@pytest.mark.parametrize(("stage", "rule"), [(Q, "QUAL-1"), (S, "SEC-1")])
def test_only_the_interview_carries_a_score(stage: DecisionStage, rule: str) -> None:
    checks = ALL_MALE if stage is Q else None
    assert found(stage, score=Decimal(50), checks=checks) == [(rule, "score")]


@pytest.mark.parametrize(("stage", "rule"), [(INT, "INT-1"), (S, "SEC-1")])
def test_only_the_qualification_carries_a_checklist(stage: DecisionStage, rule: str) -> None:
    score = Decimal(50) if stage is INT else None
    assert found(stage, score=score, checks={"GEN-1": True}) == [(rule, "checks")]


# --- QUAL-1: the checklist ------------------------------------------------------------------


def test_every_item_of_the_checklist_is_marked() -> None:
    checks = {r: True for r in QUALIFICATION_CHECKLIST if r != "EXP-1"}
    [violation] = decision_violations(Q, PASS, score=None, reason=None, checks=checks,
                                      male=True, veteran=False)
    assert (violation.rule, violation.field) == ("QUAL-1", "checks")
    assert "EXP-1" in violation.message


@pytest.mark.parametrize("checks", [None, {}])
def test_a_qualification_without_a_checklist_misses_every_item(
        checks: dict[str, bool] | None) -> None:
    assert found(Q, checks=checks) == [("QUAL-1", "checks")]


def test_a_womans_checklist_carries_no_military_service_item() -> None:
    assert found(Q, checks=ALL_MALE, male=False) == [("QUAL-1", "checks")]
    woman = dict.fromkeys(qualification_checklist(male=False, veteran=False), True)
    assert found(Q, checks=woman, male=False) == []


def test_a_pass_needs_every_item_verified() -> None:
    [violation] = decision_violations(Q, PASS, score=None, reason=None,
                                      checks={**ALL_MALE, "GEN-2": False}, male=True,
                                      veteran=False)
    assert (violation.rule, violation.field) == ("QUAL-1", "checks")
    assert violation.message.endswith("failed: GEN-2.")


def test_a_failure_marks_the_failed_items() -> None:
    assert found(Q, FAIL, reason="no", checks=ALL_MALE) == [("QUAL-1", "checks")]


def test_a_failure_with_missing_items_is_told_about_those_only() -> None:
    violations = decision_violations(Q, FAIL, score=None, reason="no", checks={"GEN-1": True},
                                     male=True, veteran=False)
    assert len(violations) == 1 and violations[0].message.startswith("Checklist items not marked")


def test_every_violation_is_reported_at_once() -> None:
    assert found(Q, FAIL, score=Decimal(1), checks={"X-1": True}) == [
        ("QUAL-1", "reason"), ("QUAL-1", "score"), ("QUAL-1", "checks"), ("QUAL-1", "checks")]


# --- failed_rules ---------------------------------------------------------------------------


def test_a_failed_qualification_rejects_under_qual_1_and_each_failed_item() -> None:
    checks = {**ALL_MALE, "AGE-1": False, "GEN-6": False}
    # In the checklist's order, which the decision's checks keep.
    assert failed_rules(Q, checks) == ["QUAL-1", "GEN-6", "AGE-1"]


@pytest.mark.parametrize(("stage", "checks", "rules"), [
    (Q, None, ["QUAL-1"]),
    (Q, {}, ["QUAL-1"]),
    (INT, None, ["INT-1"]),
    (S, None, ["SEC-1"]),
    (INT, {"GEN-1": False}, ["INT-1"]),
])
def test_other_failures_reject_under_the_stages_rule(
        stage: DecisionStage, checks: dict[str, bool] | None, rules: list[str]) -> None:
    assert failed_rules(stage, checks) == rules
