"""The stage rules as pure transitions: registration, exam, launch, licence and leaving.

Reviewer decisions, claims and releases are in test_transitions_decisions.py, the cycle's
updates in test_transitions_cycle.py; both share the small factory of this module. States are
the real contract models; no Temporal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from daftar.contracts.applicant import (
    CycleTerms,
    DisqualifyIn,
    DocumentIn,
    DocumentKind,
    ExamResultIn,
    LicenceIn,
    OfficeIn,
    PaymentIn,
    PhotoIn,
    WithdrawIn,
)
from daftar.contracts.state import ApplicationState, ExamResult, HandedDocument, Office, Payment
from daftar.domain import transitions as t
from daftar.domain.actors import Actor
from daftar.domain.refusals import Refusal, RefusalKind
from daftar.domain.stages import Role, Stage
from tests.factories import NATIONAL_ID, registration

K = RefusalKind
NOW = datetime(2022, 11, 21, 8, 0, tzinfo=UTC)
FEE = 2_000_000
TERMS = CycleTerms(year=1401, fee_rials=FEE, registration_closes_at=NOW + timedelta(days=5),
                   sla_days={})
APP_ID = "app-1"
APPLICANT = Actor(id=APP_ID, roles=[Role.applicant])


def app(stage: Stage = Stage.awaiting_payment, **overrides: Any) -> ApplicationState:
    """An application at `stage`, registered a day before NOW, with `overrides`."""
    fields: dict[str, Any] = {
        "application_id": APP_ID, "tracking_code": "T-1", "cycle": 1401, "stage": stage,
        "form": registration(national_id=NATIONAL_ID), "national_id": NATIONAL_ID,
        "registered_at": NOW - timedelta(days=1), "stage_entered_at": NOW - timedelta(days=1),
    }
    fields.update(overrides)
    return ApplicationState(**fields)


def staff(*roles: Role, id: str = "rev-1") -> Actor:
    """A staff member holding `roles`."""
    return Actor(id=id, roles=list(roles))


def expect(got: Refusal | None, kind: RefusalKind, rule: str, field: str | None = None) -> None:
    """`got` is a refusal of `kind` under `rule` alone, on `field`."""
    assert got is not None
    assert (got.kind, got.rules, got.violations[0].field) == (kind, [rule], field)


# --- REG-2: payment ---------------------------------------------------------------------

GATEWAY = staff(Role.payment_gateway, id="gateway")
PAID = Payment(reference="R1", amount_rials=FEE, at=NOW)


def pay(state: ApplicationState, actor: Actor = GATEWAY, amount: int = FEE,
        now: datetime = NOW, reference: str = "R1") -> Refusal | None:
    msg = PaymentIn(actor=actor, reference=reference, amount_rials=amount)
    return t.payment(state, actor, msg, now, TERMS)


def test_payment_of_the_fee_in_the_window_is_accepted() -> None:
    assert pay(app()) is None


@pytest.mark.parametrize(("state", "kwargs", "kind", "rule", "field"), [
    (app(), {"actor": staff(Role.admin)}, K.forbidden, "REG-2", None),
    (app(payment=PAID), {}, K.already_applied, "REG-2", None),
    (app(payment=PAID), {"reference": "R2"}, K.duplicate, "REG-2", None),
    (app(payment=PAID), {"amount": FEE - 1}, K.duplicate, "REG-2", None),
    (app(Stage.awaiting_exam), {}, K.wrong_stage, "REG-2", None),
    (app(), {"now": TERMS.registration_closes_at}, K.wrong_stage, "REG-1", None),
    (app(), {"amount": FEE - 1}, K.invalid, "REG-2", "amount_rials"),
])
def test_payment_refusals(state: ApplicationState, kwargs: dict[str, Any], kind: RefusalKind,
                          rule: str, field: str | None) -> None:
    expect(pay(state, **kwargs), kind, rule, field)


def test_payment_checks_the_role_before_the_duplicate_and_the_stage_before_the_amount() -> None:
    expect(pay(app(payment=PAID), actor=APPLICANT), K.forbidden, "REG-2")
    expect(pay(app(Stage.awaiting_exam), amount=1), K.wrong_stage, "REG-2")


def test_a_wrong_amount_names_the_fee() -> None:
    got = pay(app(), amount=5)
    assert got is not None and got.message == f"The fee is {FEE} rials, not 5."


# --- REG-4: photo ---------------------------------------------------------------------


def photo(state: ApplicationState, actor: Actor = APPLICANT,
          now: datetime = NOW) -> Refusal | None:
    msg = PhotoIn(actor=actor, sha256="ab", width=300, height=400, size=50_000)
    return t.photo(state, actor, msg, now, TERMS)


def test_the_applicants_own_photo_in_the_window_is_accepted() -> None:
    assert photo(app()) is None


@pytest.mark.parametrize(("state", "actor", "now", "kind", "rule"), [
    (app(), staff(Role.admin), NOW, K.forbidden, "REG-4"),
    (app(), Actor(id="app-2", roles=[Role.applicant]), NOW, K.forbidden, "REG-4"),
    (app(Stage.awaiting_exam), APPLICANT, NOW, K.wrong_stage, "REG-4"),
    (app(), APPLICANT, TERMS.registration_closes_at + timedelta(seconds=1), K.wrong_stage,
     "REG-1"),
])
def test_photo_refusals(state: ApplicationState, actor: Actor, now: datetime,
                        kind: RefusalKind, rule: str) -> None:
    expect(photo(state, actor, now), kind, rule)


# --- EXAM-2: exam result --------------------------------------------------------------

OFFICER = staff(Role.exam_officer)
RESULT = ExamResult(total_score=Decimal(80), pass_mark=Decimal(70), passed=True, at=NOW)


def result(state: ApplicationState, actor: Actor = OFFICER, score: int = 80) -> Refusal | None:
    msg = ExamResultIn(actor=actor, total_score=Decimal(score), pass_mark=Decimal(70))
    return t.exam_result(state, actor, msg, NOW)


def test_an_exam_result_awaited_is_accepted() -> None:
    assert result(app(Stage.awaiting_exam)) is None


@pytest.mark.parametrize(("state", "actor", "score", "kind"), [
    (app(Stage.awaiting_exam), staff(Role.interviewer), 80, K.forbidden),
    (app(Stage.awaiting_interview, exam_result=RESULT), OFFICER, 80, K.already_applied),
    (app(Stage.awaiting_interview, exam_result=RESULT), OFFICER, 75, K.duplicate),
    (app(Stage.awaiting_payment), OFFICER, 80, K.wrong_stage),
])
def test_exam_result_refusals(state: ApplicationState, actor: Actor, score: int,
                              kind: RefusalKind) -> None:
    expect(result(state, actor, score), kind, "EXAM-2")


# --- LAUNCH-1: office -----------------------------------------------------------------

LICENSING = staff(Role.licensing_officer)
OFFICE = Office(province="Tehran", city="Tehran", round=1, at=NOW)


def office(state: ApplicationState, actor: Actor = LICENSING,
           city: str = "Tehran") -> Refusal | None:
    msg = OfficeIn(actor=actor, province="Tehran", city=city)
    return t.office(state, actor, msg, NOW)


def test_an_office_for_a_candidate_awaiting_launch_is_accepted() -> None:
    assert office(app(Stage.awaiting_launch)) is None


@pytest.mark.parametrize(("state", "actor", "city", "kind"), [
    (app(Stage.awaiting_launch), staff(Role.admin), "Tehran", K.forbidden),
    (app(Stage.awaiting_licence, office=OFFICE), LICENSING, "Tehran", K.already_applied),
    (app(Stage.awaiting_licence, office=OFFICE), LICENSING, "Rey", K.duplicate),
    (app(Stage.awaiting_security), LICENSING, "Tehran", K.wrong_stage),
])
def test_office_refusals(state: ApplicationState, actor: Actor, city: str,
                         kind: RefusalKind) -> None:
    expect(office(state, actor, city), kind, "LAUNCH-1")


# --- ART11-1, VET-2: documents ------------------------------------------------------------

ENDED = DocumentKind.occupation_ended
VET_CERT = DocumentKind.veteran_certificate


def hand_in(state: ApplicationState, kind: DocumentKind,
            actor: Actor = APPLICANT) -> Refusal | None:
    return t.document(state, actor, DocumentIn(actor=actor, kind=kind, reference="D1"), NOW)


@pytest.mark.parametrize(("state", "kind"), [
    (app(Stage.awaiting_security, flags=["ART11-1"]), ENDED),
    (app(Stage.awaiting_licence, veteran=True), VET_CERT),
])
def test_a_document_the_application_needs_is_accepted(state: ApplicationState,
                                                      kind: DocumentKind) -> None:
    assert hand_in(state, kind) is None


@pytest.mark.parametrize(("state", "kind", "actor", "refused", "rule", "field"), [
    (app(flags=["ART11-1"]), ENDED, staff(Role.admin), K.forbidden, "ART11-1", None),
    (app(veteran=True), VET_CERT, Actor(id="x", roles=[Role.applicant]), K.forbidden, "VET-2",
     None),
    (app(Stage.withdrawn, flags=["ART11-1"]), ENDED, APPLICANT, K.wrong_stage, "ART11-1", None),
    (app(Stage.licensed, veteran=True), VET_CERT, APPLICANT, K.wrong_stage, "VET-2", None),
    (app(Stage.awaiting_licence), ENDED, APPLICANT, K.invalid, "ART11-1", "kind"),
    (app(Stage.awaiting_licence, flags=["ART11-1"]), VET_CERT, APPLICANT, K.invalid, "VET-2",
     "kind"),
])
def test_document_refusals(state: ApplicationState, kind: DocumentKind, actor: Actor,
                           refused: RefusalKind, rule: str, field: str | None) -> None:
    expect(hand_in(state, kind, actor), refused, rule, field)


# --- LIC-1: licence -------------------------------------------------------------------


def issue(state: ApplicationState, actor: Actor = LICENSING) -> Refusal | None:
    return t.licence(state, actor, LicenceIn(actor=actor), NOW)


def test_a_licence_with_every_owed_document_in_is_accepted() -> None:
    docs = [HandedDocument(kind=k, reference="D", at=NOW) for k in (ENDED, VET_CERT)]
    assert issue(app(Stage.awaiting_licence, flags=["ART11-1"], veteran=True,
                     documents=docs)) is None


@pytest.mark.parametrize(("state", "actor", "kind"), [
    (app(Stage.awaiting_licence), staff(Role.admin), K.forbidden),
    (app(Stage.awaiting_licence, licence_number="1401-T-1"), LICENSING, K.duplicate),
    (app(Stage.awaiting_launch), LICENSING, K.wrong_stage),
])
def test_licence_refusals(state: ApplicationState, actor: Actor, kind: RefusalKind) -> None:
    expect(issue(state, actor), kind, "LIC-1")


def test_a_licence_waits_for_each_missing_document_under_its_rule() -> None:
    got = issue(app(Stage.awaiting_licence, flags=["ART11-1"], veteran=True))
    assert got is not None and got.kind is K.not_ready
    assert got.rules == ["ART11-1", "VET-2"]
    assert {v.field for v in got.violations} == {"documents"}
    one = issue(app(Stage.awaiting_licence, veteran=True, documents=[
        HandedDocument(kind=ENDED, reference="D", at=NOW)]))
    assert one is not None and one.rules == ["VET-2"]


# --- WD-1 and FRAUD-1: leaving the path ---------------------------------------------------


def withdraw(state: ApplicationState, actor: Actor = APPLICANT) -> Refusal | None:
    return t.withdraw(state, actor, WithdrawIn(actor=actor), NOW)


def test_withdrawal_before_the_licence_is_accepted() -> None:
    assert withdraw(app(Stage.awaiting_licence)) is None


@pytest.mark.parametrize(("state", "actor", "kind"), [
    (app(), staff(Role.admin), K.forbidden),
    (app(), Actor(id="app-2", roles=[Role.applicant]), K.forbidden),
    (app(Stage.rejected), APPLICANT, K.wrong_stage),
    (app(Stage.licensed), APPLICANT, K.wrong_stage),
])
def test_withdrawal_refusals(state: ApplicationState, actor: Actor, kind: RefusalKind) -> None:
    expect(withdraw(state, actor), kind, "WD-1")


ADMIN = staff(Role.admin, id="admin")


def disqualify(state: ApplicationState, actor: Actor = ADMIN,
               reason: str = "forged degree") -> Refusal | None:
    return t.disqualify(state, actor, DisqualifyIn(actor=actor, reason=reason), NOW)


@pytest.mark.parametrize("stage", [Stage.awaiting_payment, Stage.licensed])
def test_disqualification_of_an_open_or_licensed_application_is_accepted(stage: Stage) -> None:
    assert disqualify(app(stage)) is None


@pytest.mark.parametrize(("state", "actor", "reason", "kind", "field"), [
    (app(), staff(Role.security_officer), "forged", K.forbidden, None),
    (app(Stage.revoked), ADMIN, "forged", K.wrong_stage, None),
    (app(), ADMIN, "  ", K.invalid, "reason"),
])
def test_disqualification_refusals(state: ApplicationState, actor: Actor, reason: str,
                                   kind: RefusalKind, field: str | None) -> None:
    expect(disqualify(state, actor, reason), kind, "FRAUD-1", field)
