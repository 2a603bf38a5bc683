"""Which reviewer decisions are well formed (INT-1, QUAL-1, SEC-1) and what a failure rejects."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from enum import StrEnum

from daftar.domain.stages import DecisionStage
from daftar.domain.violations import Violation


class Outcome(StrEnum):
    """The outcome of a stage's decision or result: pass or fail."""

    passed = "pass"
    failed = "fail"


#: QUAL-1: every general and specific condition the qualification officer verifies on documents.
#: GEN-8..GEN-10 belong to the security stage (SEC-1); the photo's human check is REG-4.
QUALIFICATION_CHECKLIST: tuple[str, ...] = (
    "REG-4", "GEN-1", "GEN-2", "GEN-3", "GEN-4", "GEN-5", "GEN-6", "GEN-7",
    "AGE-1", "AGE-2", "EXP-1",
)


#: QUAL-1: what the qualification officer is told next to a checklist item, by the
#: registration flag that asks for it (Persian: the console shows it).
CHECKLIST_NOTES: dict[str, str] = {
    # GEN-2: the degree's field was declared `other` (a related field): whether it is related
    # is judged on the degree's documents.
    "GEN-2": "رشتهٔ تحصیلی «سایر» (other) اعلام شده است: مرتبط بودن رشته را با مدارک "
             "تحصیلی بسنجید.",
}


def qualification_checklist(*, male: bool, veteran: bool) -> tuple[str, ...]:
    """QUAL-1 checklist for one applicant, in the order of `QUALIFICATION_CHECKLIST`.

    Military service (GEN-3) concerns men only; veteran-quota applicants are exempt from
    AGE-1, so their checklist has no AGE-1 item.
    """
    left_out = {rule for rule, out in (("GEN-3", not male), ("AGE-1", veteran)) if out}
    return tuple(r for r in QUALIFICATION_CHECKLIST if r not in left_out)


def checklist_notes(flags: Collection[str]) -> dict[str, str]:
    """QUAL-1: the note each checklist item carries for one applicant, by rule id.

    A ``GEN-2`` flag (a degree in a related field, ``other``) asks the qualification officer
    to judge the field on the documents.
    """
    return {rule: note for rule, note in CHECKLIST_NOTES.items() if rule in flags}


def decision_violations(
    stage: DecisionStage,
    outcome: Outcome,
    *,
    score: Decimal | None,
    reason: str | None,
    checks: dict[str, bool] | None,
    male: bool,
    veteran: bool,
) -> list[Violation]:
    """Every way a decision is malformed, naming the stage's rule.

    INT-1: the interview carries a score from 0 to 100. QUAL-1: the applicant's checklist
    (`qualification_checklist`: no GEN-3 for women, no AGE-1 for veterans) is complete and
    has no other item, a pass has every item verified and a failure at least one failed.
    SEC-1: no score. A failure always states its reason, so the applicant and an auditor can
    see why.
    """
    out: list[Violation] = []
    if outcome is Outcome.failed and not (reason and reason.strip()):
        out.append(Violation(rule=_rule(stage), field="reason",
                             message="A failing decision must state its reason."))
    if stage is DecisionStage.interview:
        if score is None:
            out.append(Violation(rule="INT-1", field="score",
                                 message="The interview decision needs a score from 0 to 100."))
        elif not Decimal(0) <= score <= Decimal(100):
            out.append(Violation(rule="INT-1", field="score",
                                 message=f"Interview score {score} is outside 0..100."))
    elif score is not None:
        out.append(Violation(rule=_rule(stage), field="score",
                             message=f"A {stage.value} decision carries no score."))
    if stage is DecisionStage.qualification:
        out.extend(_checklist_violations(outcome, checks or {}, male=male, veteran=veteran))
    elif checks:
        out.append(Violation(rule=_rule(stage), field="checks",
                             message=f"A {stage.value} decision carries no checklist."))
    return out


def failed_rules(stage: DecisionStage, checks: dict[str, bool] | None) -> list[str]:
    """The rule ids a failing decision rejects under: the failed checklist items for QUAL-1."""
    if stage is DecisionStage.qualification and checks:
        failed = [rule for rule, ok in checks.items() if not ok]
        return ["QUAL-1", *failed]
    return [_rule(stage)]


def _rule(stage: DecisionStage) -> str:
    return {DecisionStage.interview: "INT-1", DecisionStage.qualification: "QUAL-1",
            DecisionStage.security: "SEC-1"}[stage]


def _checklist_violations(
    outcome: Outcome, checks: dict[str, bool], *, male: bool, veteran: bool
) -> list[Violation]:
    expected = qualification_checklist(male=male, veteran=veteran)
    out: list[Violation] = []
    missing = [r for r in expected if r not in checks]
    unknown = sorted(set(checks) - set(expected))
    if missing:
        out.append(Violation(rule="QUAL-1", field="checks",
                             message=f"Checklist items not marked: {', '.join(missing)}."))
    if unknown:
        why = " (a veteran-quota applicant is exempt from AGE-1)" if (
            veteran and "AGE-1" in unknown) else ""
        out.append(Violation(rule="QUAL-1", field="checks",
                             message=f"Not items of this applicant's checklist: "
                                     f"{', '.join(unknown)}{why}."))
    failed = [r for r in expected if checks.get(r) is False]
    if outcome is Outcome.passed and failed:
        out.append(Violation(rule="QUAL-1", field="checks",
                             message=f"A pass needs every item verified; failed: "
                                     f"{', '.join(failed)}."))
    if outcome is Outcome.failed and not failed and not missing:
        out.append(Violation(rule="QUAL-1", field="checks",
                             message="A failure must mark the failed items of the checklist."))
    return out
