"""Validators refuse wrong messages before they reach the history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from daftar.contracts.applicant import (
    DocumentIn,
    DocumentKind,
    ExamResultIn,
    LicenceIn,
    PaymentIn,
    WithdrawIn,
)
from daftar.domain.decisions import Outcome
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.workflows.applicant import ApplicantWorkflow
from tests.factories import ALL_CHECKS
from tests.workflows.conftest import FEE, Harness
from tests.workflows.steps import Handle, applicant, decision, exam, register, staff, state


async def refused(h: Handle, update: Any, msg: Any) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await h.execute_update(update, msg)
    assert isinstance(err.value.cause, ApplicationError)
    return err.value.cause


def rules(err: ApplicationError) -> set[str]:
    return {r["rule"] for r in err.details[0]["rules"]}


async def accepted_updates(h: Handle) -> int:
    history = await h.fetch_history()
    return sum(1 for e in history.events
               if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)


async def test_wrong_stage_role_duplicate_and_malformed_never_enter_the_history(
        harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    await exam(h)
    before = await accepted_updates(h)

    wrong_stage = await refused(h, ApplicantWorkflow.decide, decision(DecisionStage.security))
    assert (wrong_stage.type, rules(wrong_stage)) == (RefusalKind.wrong_stage, {"SEC-1"})

    wrong_role = decision(DecisionStage.interview, actor=staff(Role.security_officer))
    err = await refused(h, ApplicantWorkflow.decide, wrong_role)
    assert (err.type, rules(err)) == (RefusalKind.forbidden, {"INT-1"})

    no_score = decision(DecisionStage.interview, score=None)
    err = await refused(h, ApplicantWorkflow.decide, no_score)
    assert (err.type, rules(err)) == (RefusalKind.invalid, {"INT-1"})

    fail_without_reason = decision(DecisionStage.interview, Outcome.failed, reason=" ")
    err = await refused(h, ApplicantWorkflow.decide, fail_without_reason)
    assert err.type == RefusalKind.invalid

    await h.execute_update(ApplicantWorkflow.decide, decision(DecisionStage.interview))
    duplicate = await refused(h, ApplicantWorkflow.decide, decision(DecisionStage.interview))
    assert duplicate.type == RefusalKind.duplicate

    assert await accepted_updates(h) == before + 1
    assert [d.stage for d in (await state(h)).decisions].count("interview") == 1


async def test_qualification_checklist_must_be_complete_and_consistent(harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    await exam(h)
    await h.execute_update(ApplicantWorkflow.decide, decision(DecisionStage.interview))
    incomplete = decision(DecisionStage.qualification, checks={"GEN-1": True})
    assert (await refused(h, ApplicantWorkflow.decide, incomplete)).type == RefusalKind.invalid
    pass_with_failure = decision(DecisionStage.qualification,
                                 checks={**ALL_CHECKS, "GEN-7": False})
    assert (await refused(h, ApplicantWorkflow.decide, pass_with_failure)).type == (
        RefusalKind.invalid)
    assert (await state(h)).stage == Stage.awaiting_qualification


async def test_payment_rules(harness: Harness) -> None:
    h = await harness.start()
    gateway = staff(Role.payment_gateway)
    wrong_amount = PaymentIn(actor=gateway, reference="r1", amount_rials=FEE - 1)
    err = await refused(h, ApplicantWorkflow.confirm_payment, wrong_amount)
    assert (err.type, rules(err)) == (RefusalKind.invalid, {"REG-2"})
    not_gateway = PaymentIn(actor=staff(Role.admin), reference="r1", amount_rials=FEE)
    assert (await refused(h, ApplicantWorkflow.confirm_payment, not_gateway)).type == (
        RefusalKind.forbidden)
    pay = PaymentIn(actor=gateway, reference="r1", amount_rials=FEE)
    first = await h.execute_update(ApplicantWorkflow.confirm_payment, pay)
    # The gateway's retry is refused outside the history: an auditor sees one payment.
    retry = await refused(h, ApplicantWorkflow.confirm_payment, pay)
    assert (retry.type, rules(retry)) == (RefusalKind.already_applied, {"REG-2"})
    assert (await h.query(ApplicantWorkflow.state)).version == first.version
    other = PaymentIn(actor=gateway, reference="r2", amount_rials=FEE)
    assert (await refused(h, ApplicantWorkflow.confirm_payment, other)).type == (
        RefusalKind.duplicate)


async def test_an_applicant_acts_only_on_their_own_application(harness: Harness) -> None:
    h = await harness.start()
    err = await refused(h, ApplicantWorkflow.withdraw, WithdrawIn(actor=applicant("someone")))
    assert err.type == RefusalKind.forbidden


async def test_a_repeated_exam_result_is_refused_outside_the_history(harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    first = await exam(h)
    same = ExamResultIn(actor=staff(Role.exam_officer), total_score=Decimal("6000"),
                        pass_mark=Decimal("5500"))
    repeat = await refused(h, ApplicantWorkflow.record_exam_result, same)
    assert repeat.type == RefusalKind.already_applied
    assert (await state(h)).version == first.version
    different = ExamResultIn(actor=staff(Role.exam_officer), total_score=Decimal("1"),
                             pass_mark=Decimal("5500"))
    assert (await refused(h, ApplicantWorkflow.record_exam_result, different)).type == (
        RefusalKind.duplicate)


async def test_documents_only_where_a_rule_asks_for_them(harness: Harness) -> None:
    h = await harness.start()  # free quota, no ART11-1 occupation
    app_id = (await state(h)).application_id
    for kind, rule in ((DocumentKind.occupation_ended, "ART11-1"),
                       (DocumentKind.veteran_certificate, "VET-2")):
        err = await refused(h, ApplicantWorkflow.submit_document,
                            DocumentIn(actor=applicant(app_id), kind=kind, reference="x"))
        assert (err.type, rules(err)) == (RefusalKind.invalid, {rule})


async def test_licence_only_at_awaiting_licence(harness: Harness) -> None:
    h = await harness.start()
    err = await refused(h, ApplicantWorkflow.issue_licence,
                        LicenceIn(actor=staff(Role.licensing_officer)))
    assert (err.type, rules(err)) == (RefusalKind.wrong_stage, {"LIC-1"})
