"""Durable deadlines: the registration window closes (REG-2) and SLAs escalate."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import Session, select

from daftar.contracts.applicant import PaymentIn
from daftar.contracts.state import ApplicationState
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.store.models import ApplicationRecord, EscalationRow
from daftar.workflows.applicant import ApplicantWorkflow
from tests.workflows.conftest import FEE, Harness
from tests.workflows.steps import Handle, decide, exam, register, staff, state


async def test_window_closing_before_photo_ends_incomplete(harness: Harness) -> None:
    h = await harness.start(window_days=2)
    await h.execute_update(ApplicantWorkflow.confirm_payment, PaymentIn(
        actor=staff(Role.payment_gateway), reference="r", amount_rials=FEE))
    final = await h.result()  # waiting on the result lets the test server skip the 2 days
    assert (final.stage, final.rules) == (Stage.incomplete, ["REG-2"])
    assert final.payment is not None and final.photo is None


async def test_registration_complete_before_the_window_closes_survives_it(
        harness: Harness) -> None:
    h = await harness.start(window_days=1)
    await register(h)
    await harness.env.sleep(timedelta(days=3))
    assert (await state(h)).stage == Stage.awaiting_exam


async def test_overdue_interview_is_escalated_then_reminded(harness: Harness) -> None:
    h = await harness.start(sla_days={"interview": 5, "qualification": 5, "security": 5,
                                      "licence": 5})
    await register(h)
    entered = await exam(h)
    assert entered.due_at == entered.stage_entered_at + timedelta(days=5)
    await harness.env.sleep(timedelta(days=4))
    assert (await state(h)).escalations == []
    await harness.env.sleep(timedelta(days=2))
    s = await _poll_escalated(h)
    assert [e.stage for e in s.escalations] == [Stage.awaiting_interview]
    assert s.stage == Stage.awaiting_interview  # the stage keeps waiting
    await harness.env.sleep(timedelta(days=6))  # still overdue a period later: reminded
    await _poll_escalations(h, count=2)
    first, second = (await state(h)).escalations
    assert (first.stage, second.stage) == (Stage.awaiting_interview, Stage.awaiting_interview)
    assert second.at - first.at >= timedelta(days=5)
    assert len((await state(h)).escalations) == 2  # once per period, not every tick
    await _poll_row_escalated(harness, s.application_id)
    with Session(harness.engine) as session:
        rows = session.exec(select(EscalationRow).where(
            EscalationRow.application_id == s.application_id)).all()
        assert [r.stage for r in rows] == [Stage.awaiting_interview.value]
    after = await decide(h, DecisionStage.interview)
    assert after.stage == Stage.awaiting_qualification


async def _poll_row_escalated(harness: Harness, app_id: str) -> None:
    for _ in range(100):
        with Session(harness.engine) as session:
            row = session.get(ApplicationRecord, app_id)
            if row is not None and row.escalated:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the read model did not mark the escalation")


async def _poll_escalations(h: Handle, *, count: int) -> None:
    for _ in range(100):
        if len((await state(h)).escalations) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} escalations")


async def _poll_escalated(h: Handle) -> ApplicationState:
    for _ in range(100):
        s = await state(h)
        if s.escalations:
            return s
        await asyncio.sleep(0.05)
    raise AssertionError("no escalation recorded")
