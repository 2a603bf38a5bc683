"""The messages each actor sends, for driving a workflow through its stages in tests."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from temporalio.client import WorkflowHandle

from daftar.contracts.applicant import (
    CloseIn,
    DecisionIn,
    DisqualifyIn,
    ExamResultIn,
    LicenceIn,
    OfficeIn,
    PaymentIn,
    PhotoIn,
)
from daftar.contracts.state import ApplicationState
from daftar.domain.actors import Actor
from daftar.domain.decisions import Outcome, qualification_checklist
from daftar.domain.registration import Gender
from daftar.domain.stages import DecisionStage, Role
from daftar.domain.transitions.corrections import REINSTATABLE
from daftar.workflows.applicant import ApplicantWorkflow
from tests.factories import ALL_CHECKS
from tests.workflows.conftest import FEE, settle

Handle = WorkflowHandle[Any, Any]


def staff(role: Role, name: str | None = None) -> Actor:
    return Actor(id=name or f"{role.value}-1", roles=[role])


def applicant(app_id: str) -> Actor:
    return Actor(id=app_id, roles=[Role.applicant])


async def state(h: Handle) -> ApplicationState:
    return await h.query(ApplicantWorkflow.state)


async def register(h: Handle) -> ApplicationState:
    """Pay and upload the photo: awaiting_exam (REG-2)."""
    app_id = (await state(h)).application_id
    await h.execute_update(ApplicantWorkflow.confirm_payment, PaymentIn(
        actor=staff(Role.payment_gateway), reference=f"ref-{app_id}", amount_rials=FEE))
    return await h.execute_update(ApplicantWorkflow.submit_photo, PhotoIn(
        actor=applicant(app_id), sha256="ab" * 32, width=250, height=350, size=20_000))


async def exam(h: Handle, total: str = "6000", mark: str = "5500") -> ApplicationState:
    return await h.execute_update(ApplicantWorkflow.record_exam_result, ExamResultIn(
        actor=staff(Role.exam_officer), total_score=Decimal(total), pass_mark=Decimal(mark)))


def decision(stage: DecisionStage, outcome: Outcome = Outcome.passed, **kw: Any) -> DecisionIn:
    role = {DecisionStage.interview: Role.interviewer,
            DecisionStage.qualification: Role.qualification_officer,
            DecisionStage.security: Role.security_officer}[stage]
    defaults: dict[str, Any] = {"actor": staff(role), "stage": stage, "outcome": outcome}
    if stage is DecisionStage.interview:
        defaults["score"] = Decimal("80")
    if stage is DecisionStage.qualification:
        defaults["checks"] = dict(ALL_CHECKS)
    if outcome is Outcome.failed:
        defaults["reason"] = "did not meet the stage's conditions"
    return DecisionIn(**{**defaults, **kw})


async def decide(h: Handle, stage: DecisionStage, outcome: Outcome = Outcome.passed,
                 **kw: Any) -> ApplicationState:
    if stage is DecisionStage.qualification and "checks" not in kw:
        # The applicant's own QUAL-1 checklist: a veteran's has no AGE-1 (exempt).
        now = await state(h)
        kw["checks"] = dict.fromkeys(qualification_checklist(
            male=now.form.gender == Gender.MALE, veteran=now.veteran), True)
    return await h.execute_update(ApplicantWorkflow.decide, decision(stage, outcome, **kw))


async def to_launch(h: Handle) -> ApplicationState:
    """Through exam, interview, qualification and security: awaiting_launch."""
    await register(h)
    await exam(h)
    for stage in DecisionStage:
        await decide(h, stage)
    return await state(h)


async def place(h: Handle) -> ApplicationState:
    return await h.execute_update(ApplicantWorkflow.assign_office, OfficeIn(
        actor=staff(Role.licensing_officer), province="Tehran", city="Tehran"))


async def to_decision(h: Handle, stage: DecisionStage) -> ApplicationState:
    """Registered, past the exam and every decision before `stage`: waiting for `stage`'s."""
    await register(h)
    await exam(h)
    for earlier in DecisionStage:
        if earlier is stage:
            break
        await decide(h, earlier)
    return await state(h)


async def fail(h: Handle, stage: DecisionStage) -> ApplicationState:
    """`stage`'s decision, failed (the qualification's on GEN-6)."""
    kw = ({"checks": {**ALL_CHECKS, "GEN-6": False}}
          if stage is DecisionStage.qualification else {})
    return await decide(h, stage, Outcome.failed, **kw)


async def licence(h: Handle) -> ApplicationState:
    """The licensing officer issues the licence."""
    return await h.execute_update(ApplicantWorkflow.issue_licence,
                                  LicenceIn(actor=staff(Role.licensing_officer)))


async def disqualify(h: Handle, reason: str, by: Actor | None = None) -> ApplicationState:
    """The admin (or `by`) disqualifies the applicant for `reason` (FRAUD-1)."""
    return await h.execute_update(ApplicantWorkflow.disqualify,
                                  DisqualifyIn(actor=by or staff(Role.admin), reason=reason))


async def until_escalated(h: Handle, times: int = 1) -> None:
    """Until the workflow holds `times` escalations, or five seconds have passed (the caller
    checks what it got)."""
    for _ in range(100):
        if len((await state(h)).escalations) >= times:
            return
        await asyncio.sleep(0.05)


async def ended(h: Handle) -> ApplicationState:
    """The application's final state: a record waiting for corrections (rejected,
    disqualified, revoked) is closed first, as its cycle's close would."""
    if (await state(h)).stage in REINSTATABLE:
        await h.execute_update(ApplicantWorkflow.close, CloseIn(actor=staff(Role.admin)))
    result: ApplicationState = await h.result()
    return result


async def seat_taken(h: Handle, attempts: int = 200) -> ApplicationState:
    """The state once the run loop has asked for a seat after the move to awaiting_exam
    (EXAM-5): seated, or the answer was none (the state then has no seat)."""
    s = await state(h)
    for _ in range(attempts):
        if s.seat is not None:
            break
        await asyncio.sleep(0.05)
        s = await state(h)
    return s



async def notices_sent(h: Handle) -> None:
    """Wait until the application has no activity (its SMS, NOTE-1) and no workflow task in
    flight: its history then stays as it is until the next update or timer."""
    await settle(h)
