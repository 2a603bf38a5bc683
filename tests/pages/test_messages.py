"""Every refusal a page shows speaks Persian: each violation's field and cause.

The schema errors are made for real, by validating bad input against the request models the
console's forms are read into; the domain's and the services' rule and field pairs are read
from their source, so a new one without Persian text fails here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from daftar.console.routes.corrections import _Assign, _Reinstate, _Reopen
from daftar.domain.decisions import Outcome, decision_violations
from daftar.domain.documents import document_violations
from daftar.domain.rules import RULE_TEXTS
from daftar.domain.stages import DecisionStage
from daftar.domain.violations import Violation
from daftar.pages.messages import (
    domain_cause,
    field_label,
    persian_cause,
    schema_cause,
)
from daftar.services.documents import DocumentRequestBody
from daftar.services.errors import invalid_request
from daftar.services.schemas import BatchBody, DecisionBody, PaymentBody
from daftar.services.schemas_cycle import CycleAmend
from daftar.services.schemas_exam import ExamSessionBody

ROOT = Path(__file__).resolve().parents[2] / "daftar"
#: A rule id, the one Latin a Persian cause may carry.
RULE_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")
UNKNOWN_FIELD = field_label("no_such_field_anywhere")


def persian(text: str) -> bool:
    """Whether `text` has Persian letters and no Latin ones but rule ids."""
    return bool(re.search(r"[\u0600-\u06FF]", text)) and not re.search(
        r"[A-Za-z]", RULE_ID.sub("", text))


# --- the schema errors of the console's forms, made for real ---------------------------------

BAD_INPUTS: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (DecisionBody, {}),
    (DecisionBody, {"stage": "exam", "outcome": "maybe", "score": "abc", "reason": "x" * 4001,
                    "checks": ["GEN-1"], "extra": 1}),
    (DecisionBody, {"stage": "interview", "outcome": "pass", "score": "inf",
                    "reason": "a\x00b", "checks": {"GEN-1": "perhaps"}}),
    (DecisionBody, {"stage": "interview", "outcome": "pass", "score": [1], "reason": 5}),
    (BatchBody, {"stage": "security", "items": []}),
    (BatchBody, {"stage": "security", "items": [
        {"application_id": "", "outcome": "fail", "score": "x"}] * 501}),
    (BatchBody, {"stage": "interview", "items": [{"application_id": "a" * 33, "outcome": 1}]}),
    (DocumentRequestBody, {"kind": "passport", "reason": "", "days": 0}),
    (DocumentRequestBody, {"kind": "degree", "reason": "x" * 2001, "days": 61}),
    (DocumentRequestBody, {"kind": "degree", "reason": "x", "days": "ten"}),
    (DocumentRequestBody, {"kind": "degree", "reason": "x", "days": "1.5"}),
    (CycleAmend, {"registration_end": 14020101, "sla_days": {"interview": 0},
                  "claim_hours": 100,
                  "cities": [{"province": "", "city": "x" * 101, "capacity": -1,
                              "priority": "high"}]}),
    (CycleAmend, {"sla_days": {"bogus": 3}, "claim_hours": 0,
                  "cities": [{"province": "23", "city": "قم", "capacity": 100_001,
                              "neighbours": "none"}]}),
    (CycleAmend, {"sla_days": "many", "cities": "all"}),
    (ExamSessionBody, {"exam_date": 1, "start_time": "25:00", "card_date": None, "venues": []}),
    (ExamSessionBody, {"exam_date": "1447/01/01", "start_time": "09:00",
                       "card_date": "1446/12/20",
                       "venues": [{"province": "", "city": "", "name": "", "address": "",
                                   "seats": 0}]}),
    (_Reopen, {"stage": "", "reason": ""}),
    (_Reopen, {"stage": "exam", "reason": "x" * 4001}),
    (_Reinstate, {}),
    (_Assign, {"reviewer": "two words"}),
    (PaymentBody, {"reference": "", "amount_rials": 0}),
]


def schema_errors() -> Iterator[tuple[str, Violation]]:
    for model, data in BAD_INPUTS:
        with pytest.raises(ValidationError) as caught:
            model.model_validate(data)
        for v in invalid_request(caught.value.errors()).rules:
            yield model.__name__, v


SCHEMA_ERRORS = list(schema_errors())


def test_the_bad_inputs_make_every_kind_of_schema_error_the_forms_meet() -> None:
    messages = {v.message for _, v in SCHEMA_ERRORS}
    for start in ("Field required", "Input should be 'pass' or 'fail'",
                  "Input should be a valid decimal", "Input should be greater than or equal to",
                  "Input should be less than or equal to", "String should have at most",
                  "String should have at least", "String should match pattern",
                  "Extra inputs are not permitted", "List should have at least",
                  "List should have at most", "Input should be a valid integer",
                  "Input should be a valid string", "Input should be a valid dictionary",
                  "Input should be a valid list", "Input should be a valid boolean",
                  "Input should be a finite number", "Value error, must not contain the NUL",
                  "Value error, unknown SLA stages", "Input should be greater than",
                  "Value should have at most", "Decimal input should be"):
        assert any(m.startswith(start) for m in messages), start


@pytest.mark.parametrize(("model", "v"), SCHEMA_ERRORS,
                         ids=[f"{m}:{v.field}:{v.message[:40]}" for m, v in SCHEMA_ERRORS])
def test_each_schema_error_is_translated_by_its_pattern(model: str, v: Violation) -> None:
    assert schema_cause(v.message), v.message  # a pattern, not the catalog's fallback
    cause = persian_cause(v, "invalid_request")
    assert cause and persian(cause), (v.message, cause)
    label = field_label(v.field)
    if v.message == "Extra inputs are not permitted":  # a field no form has: said as such
        assert label == UNKNOWN_FIELD
    elif v.field:
        assert label != UNKNOWN_FIELD and persian(label), v.field


def test_values_are_carried_over_in_persian() -> None:
    outcome = Violation(rule="INT-1", field="outcome", message="Input should be 'pass' or 'fail'")
    assert persian_cause(outcome) == "یکی از این‌ها را برگزینید: «قبول» یا «رد»."
    bound = Violation(rule="INT-1", field="score",
                      message="Input should be greater than or equal to 0")
    assert "۰" in persian_cause(bound)
    long = Violation(rule="COR-1", field="reason",
                     message="String should have at most 4000 characters")
    assert "۴٬۰۰۰" in persian_cause(long)
    stages = Violation(rule="REQUEST", field="stage", message=(
        "Input should be 'interview', 'qualification' or 'security'"))
    assert persian_cause(stages) == ("یکی از این‌ها را برگزینید: «مصاحبهٔ علمی»، «بررسی صلاحیت» "
                                     "یا «نظر حفاظت اطلاعات».")
    day = Violation(rule="REG-1", field="registration_end",
                    message="'1403/07/31': day 31 does not exist; month 7 of 1403 has 30 days.")
    assert persian_cause(day) == "روز ۳۱ وجود ندارد؛ ماه ۷ سال ۱۴۰۳ ۳۰ روز دارد."


def test_field_paths_name_their_row() -> None:
    assert field_label("items.3.score") == "نمره (ردیف ۴)"
    assert field_label("score") == "نمره"
    assert field_label("sla_days.interview") == "مهلت رسیدگی (مصاحبهٔ علمی)"
    assert field_label("checks.GEN-3") == "فهرست بررسی صلاحیت (GEN-3)"
    assert field_label("cities.0.capacity") == "ظرفیت (ردیف ۱)"
    assert field_label("degree.graduation_date") == "تاریخ فراغت از تحصیل"
    assert field_label(None) == ""
    assert persian(UNKNOWN_FIELD)


def test_a_missing_query_parameter_names_its_field() -> None:
    # FastAPI's error for a page's address without `?cycle=`, as the console's 422 page shows it.
    err = invalid_request([{"loc": ("query", "cycle"), "msg": "Field required",
                            "type": "missing"}])
    (v,) = err.rules
    assert field_label(v.field) == "دوره"
    assert persian_cause(v, err.code) == "این خانه لازم است و پر نشده است."


def test_a_violation_in_the_apis_shape_reads_the_same() -> None:
    v = Violation(rule="INT-1", field="score", message="Interview score 101 is outside 0..100.")
    assert persian_cause(v.model_dump(), "invalid") == persian_cause(v, "invalid")
    assert "۱۰۱" in persian_cause(v.model_dump())


def test_an_unknown_cause_is_never_english() -> None:
    odd = Violation(rule="NO-SUCH-1", field="x", message="Something nobody translated.")
    assert persian_cause(odd) == ""  # the page shows the rule and the field's label only
    known = Violation(rule="INT-1", message="Something nobody translated.")
    assert persian_cause(known) and persian(persian_cause(known))


# --- the domain's messages, made for real -----------------------------------------------------

def test_a_decisions_violations_are_translated_one_by_one() -> None:
    made = [
        *decision_violations(DecisionStage.interview, Outcome.failed, score=None, reason=None,
                             checks={"GEN-1": True}, male=True, veteran=False),
        *decision_violations(DecisionStage.interview, Outcome.passed, score=Decimal("120.5"),
                             reason=None, checks=None, male=True, veteran=False),
        *decision_violations(DecisionStage.security, Outcome.passed, score=Decimal(3),
                             reason=None, checks=None, male=True, veteran=False),
        *decision_violations(DecisionStage.qualification, Outcome.passed, score=None,
                             reason="x", checks={"GEN-1": False, "AGE-1": True, "ZZZ-9": True},
                             male=True, veteran=True),
        *decision_violations(DecisionStage.qualification, Outcome.failed, score=None,
                             reason="x", checks={"GEN-1": True}, male=False, veteran=False),
    ]
    assert len(made) >= 8
    for v in made:
        assert domain_cause(v.message), v.message
        assert persian(persian_cause(v)), (v.message, persian_cause(v))
    score = next(v for v in made if v.message.startswith("Interview score"))
    assert persian_cause(score).startswith("نمرهٔ مصاحبه (۱۲۰٫۵)")


def test_a_documents_violations_are_translated() -> None:
    for kind, data in (("passport", b"%PDF-1.4"), ("degree", b""), ("degree", b"GIF89a"),
                       ("degree", b"%PDF" + b"0" * (6 * 1024 * 1024))):
        for v in document_violations(kind, data)[1]:
            assert persian(persian_cause(v)), v.message
            assert field_label(v.field) != UNKNOWN_FIELD


# --- every rule and field the domain and the services name ------------------------------------

#: Where the console's refusals come from: the domain's decisions, cycles, seating, scoring,
#: amendments, documents and corrections, the transitions, the services and the console's own
#: routes.
SOURCES = [
    *(ROOT / "domain" / f"{name}.py" for name in (
        "decisions", "cycles", "seating", "scoring", "amendments", "documents")),
    *sorted((ROOT / "domain" / "transitions").glob("*.py")),
    *sorted((ROOT / "services").glob("*.py")),
    *sorted((ROOT / "console" / "routes").glob("*.py")),
]
#: A rule a call site computes (`_rule(stage)`): the rules it may be.
COMPUTED = {"_rule(stage)": ("INT-1", "QUAL-1", "SEC-1")}


def _text(node: ast.expr | None) -> str | None:
    """A literal's text; an f-string's with `0` for each value (`cities.{i}` → `cities.0`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "0" for v in node.values)
    return None


def named_pairs() -> Iterator[tuple[str, str, str | None]]:
    """(where, rule, field) of each Violation(...) and refusal(...) with a known rule."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            kw = {k.arg: k.value for k in node.keywords}
            if name == "Violation":
                rule_node, field_node = kw.get("rule"), kw.get("field")
            elif name == "refusal" and len(node.args) >= 3:
                rule_node = node.args[1]
                field_node = node.args[3] if len(node.args) > 3 else kw.get("field")
            else:
                continue
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            rules = ((_text(rule_node),) if _text(rule_node) is not None
                     else COMPUTED.get(ast.unparse(rule_node) if rule_node else "", ()))
            for rule in rules:
                assert rule is not None
                yield where, rule, _text(field_node)


PAIRS = sorted(set(named_pairs()))


def test_the_sources_are_read() -> None:
    rules = {rule for _, rule, _ in PAIRS}
    assert {"INT-1", "QUAL-1", "SEC-1", "COR-1", "COR-2", "COR-3", "CYC-1", "EXAM-5",
            "DOC-1", "DOC-2", "LAUNCH-1", "REG-1", "EXAM-4"} <= rules
    assert any(w.startswith("daftar/domain/decisions.py") and rule == "QUAL-1"
               for w, rule, field in PAIRS if field == "checks")
    assert any(w.startswith("daftar/domain/transitions/corrections.py") for w, _, _ in PAIRS)


@pytest.mark.parametrize(("where", "rule", "field"), PAIRS,
                         ids=[f"{w}:{r}:{f}" for w, r, f in PAIRS])
def test_each_rule_and_field_named_has_a_persian_cause(where: str, rule: str,
                                                      field: str | None) -> None:
    v = Violation(rule=rule, field=field, message="An English message the page never shows.")
    cause = persian_cause(v)
    assert cause and persian(cause), f"{where}: no Persian cause for {rule}:{field}"
    if field:
        label = field_label(field)
        assert label != UNKNOWN_FIELD and persian(label), f"{where}: no label for {field}"


@pytest.mark.parametrize("rule", sorted(RULE_TEXTS))
def test_every_rule_a_computed_site_may_name_has_a_persian_cause(rule: str) -> None:
    cause = persian_cause(Violation(rule=rule, message="Not shown."))
    if rule in {"GEN-4", "GEN-6", "GEN-7", "GEN-8", "GEN-9", "GEN-10", "EXAM-3"}:
        return  # checklist items only: never a refusal's rule; the rule's text says it
    assert cause and persian(cause), rule
