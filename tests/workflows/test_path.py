"""An applicant's path from registration to licence, and every way it ends."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError

from daftar.contracts.applicant import (
    DocumentIn,
    DocumentKind,
    LicenceIn,
    WithdrawIn,
)
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.store.models import ApplicationRecord, DecisionRow
from daftar.workflows.applicant import ApplicantWorkflow
from tests.factories import VETERAN
from tests.workflows.conftest import Harness
from tests.workflows.steps import (
    applicant,
    decide,
    disqualify,
    ended,
    exam,
    fail,
    licence,
    place,
    register,
    staff,
    state,
    to_decision,
    to_launch,
)


async def test_happy_path_reaches_licensed_and_records_every_decision(harness: Harness) -> None:
    h = await harness.start()
    assert (await state(h)).stage == Stage.awaiting_payment
    assert (await register(h)).stage == Stage.awaiting_exam
    assert (await exam(h)).stage == Stage.awaiting_interview
    assert (await decide(h, DecisionStage.interview)).stage == Stage.awaiting_qualification
    assert (await decide(h, DecisionStage.qualification)).stage == Stage.awaiting_security
    assert (await decide(h, DecisionStage.security)).stage == Stage.awaiting_launch
    assert (await place(h)).stage == Stage.awaiting_licence
    done = await h.execute_update(ApplicantWorkflow.issue_licence,
                                  LicenceIn(actor=staff(Role.licensing_officer)))
    assert done.stage == Stage.licensed
    assert done.licence_number == f"1401-{done.tracking_code}"
    stages = [d.stage for d in done.decisions]
    assert stages == ["payment", "photo", "exam", "interview", "qualification", "security",
                      "launch", "licence"]
    interview = done.decisions[3]
    assert (interview.actor, interview.role, interview.outcome) == ("interviewer-1",
                                                                     Role.interviewer, "pass")
    # The workflow stays open after the licence, for revocation (FRAUD-1).
    desc = await h.describe()
    assert desc.status is not None and desc.status.name == "RUNNING"
    await _wait_recorded(harness, done.application_id, Stage.licensed, decisions=8)


@pytest.mark.parametrize(("stage", "rules"), [
    (DecisionStage.interview, ["INT-1"]),
    (DecisionStage.qualification, ["QUAL-1", "GEN-6"]),
    (DecisionStage.security, ["SEC-1"]),
])
async def test_failure_at_a_reviewer_stage_rejects_with_its_rules(
        harness: Harness, stage: DecisionStage, rules: list[str]) -> None:
    h = await harness.start()
    at = (await to_decision(h, stage)).stage
    await fail(h, stage)
    final = await ended(h)
    assert final.stage == Stage.rejected
    assert final.rejected_stage == at
    assert final.rules == rules


async def test_exam_below_the_pass_mark_rejects_with_exam_2(harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    await exam(h, total="5499.99", mark="5500")
    final = await ended(h)
    assert (final.stage, final.rejected_stage, final.rules) == (
        Stage.rejected, Stage.awaiting_exam, ["EXAM-2"])


async def test_exam_result_exactly_at_the_mark_passes(harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    assert (await exam(h, total="5500", mark="5500")).stage == Stage.awaiting_interview


async def test_withdraw_ends_the_path_and_keeps_the_payment(harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    app_id = (await state(h)).application_id
    await h.execute_update(ApplicantWorkflow.withdraw, WithdrawIn(actor=applicant(app_id)))
    final = await ended(h)
    assert (final.stage, final.rules) == (Stage.withdrawn, ["WD-1"])
    assert final.payment is not None  # REG-2: fees are never refunded


async def test_disqualify_after_licence_revokes_it(harness: Harness) -> None:
    h = await harness.start()
    await to_launch(h)
    await place(h)
    await licence(h)
    app_id = (await state(h)).application_id
    with pytest.raises(WorkflowUpdateFailedError):  # WD-1: no withdrawal after the licence
        await h.execute_update(ApplicantWorkflow.withdraw, WithdrawIn(actor=applicant(app_id)))
    await disqualify(h, "forged degree")
    final = await ended(h)
    assert (final.stage, final.rejected_stage, final.rules) == (
        Stage.revoked, Stage.licensed, ["FRAUD-1"])


async def test_disqualify_mid_path(harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    await disqualify(h, "another's photo")
    final = await ended(h)
    assert (final.stage, final.rejected_stage) == (Stage.disqualified, Stage.awaiting_exam)


async def test_licence_waits_for_art11_proof_and_veteran_certificate(harness: Harness) -> None:
    h = await harness.start(occupation="attorney", quota=VETERAN, birth_date="1340/01/01")
    await to_launch(h)
    await place(h)
    licence = LicenceIn(actor=staff(Role.licensing_officer))
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await h.execute_update(ApplicantWorkflow.issue_licence, licence)
    details = err.value.cause.details[0]  # type: ignore[union-attr]
    assert {r["rule"] for r in details["rules"]} == {"ART11-1", "VET-2"}
    app_id = (await state(h)).application_id
    for kind in DocumentKind:
        await h.execute_update(ApplicantWorkflow.submit_document, DocumentIn(
            actor=applicant(app_id), kind=kind, reference=f"doc-{kind.value}"))
    done = await h.execute_update(ApplicantWorkflow.issue_licence, licence)
    assert done.stage == Stage.licensed


async def _wait_recorded(harness: Harness, app_id: str, stage: Stage, *, decisions: int) -> None:
    """The read model follows the workflow (activities run asynchronously): poll it."""
    for _ in range(200):
        with Session(harness.engine) as s:
            row = s.get(ApplicationRecord, app_id)
            n = len(s.exec(select(DecisionRow).where(DecisionRow.application_id == app_id)).all())
        if row is not None and row.stage == stage and n == decisions:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"read model did not reach {stage} with {decisions} decisions: "
                         f"{row and row.stage}, {n}")
