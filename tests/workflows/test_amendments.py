"""CYC-1: a cycle's amendment reaching open applications, on the time-skipping server.

One application at a time first (a moved registration end, new SLA days, refusals), then a
cohort: the cycle's workflow records the amendment, stores it, and carries it to 500 open
applications; payments inside the extension move on, the rest end `incomplete` at the new end.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from daftar.contracts.applicant import TermsIn
from daftar.contracts.cycle import AmendIn, CycleWorkflowIn
from daftar.contracts.ids import cycle_workflow_id
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import DEFAULT_SLA_DAYS, Role, Stage
from daftar.store.models import ApplicationRecord, CycleRecord
from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow
from tests.workflows.conftest import Harness
from tests.workflows.steps import Handle, exam, register, staff, state

ADMIN = staff(Role.admin)


def terms(number: int, closes_at: datetime, sla_days: dict[str, int] | None = None,
          claim_hours: int = 2) -> TermsIn:
    return TermsIn(actor=ADMIN, number=number, registration_closes_at=closes_at,
                   sla_days=sla_days or dict(DEFAULT_SLA_DAYS), claim_hours=claim_hours)


async def refusal_kind(h: Handle, msg: TermsIn) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await h.execute_update(ApplicantWorkflow.amend_terms, msg)
    assert isinstance(caught.value.cause, ApplicationError)
    return str(caught.value.cause.type)


async def test_an_extension_keeps_an_unpaid_application_waiting_until_the_new_end(
        harness: Harness) -> None:
    h = await harness.start(window_days=2)
    now = await harness.env.get_current_time()
    new_end = now + timedelta(days=5)
    amended = await h.execute_update(ApplicantWorkflow.amend_terms, terms(1, new_end))
    assert amended.due_at == new_end
    entry = amended.decisions[-1]
    assert (entry.stage, entry.kind, entry.rules, entry.actor) == (
        "amendment", "amendment", ["CYC-1"], ADMIN.id)
    await harness.env.sleep(timedelta(days=3))  # past the first end
    assert (await state(h)).stage == Stage.awaiting_payment
    final = await h.result()  # the test server skips to the new end
    assert (final.stage, final.rules) == (Stage.incomplete, ["REG-2"])
    assert final.stage_entered_at >= new_end


async def test_a_payment_inside_the_extension_moves_on(harness: Harness) -> None:
    h = await harness.start(window_days=1)
    now = await harness.env.get_current_time()
    await h.execute_update(ApplicantWorkflow.amend_terms, terms(1, now + timedelta(days=4)))
    await harness.env.sleep(timedelta(days=2))
    registered = await register(h)  # the old end has passed: the new one holds
    assert registered.stage == Stage.awaiting_exam


async def test_shortening_closes_the_window_at_the_new_end(harness: Harness) -> None:
    h = await harness.start(window_days=10)
    now = await harness.env.get_current_time()
    await h.execute_update(ApplicantWorkflow.amend_terms, terms(1, now + timedelta(days=1)))
    final = await h.result()
    assert final.stage == Stage.incomplete
    assert final.stage_entered_at < now + timedelta(days=2)


async def test_new_sla_days_move_the_current_stage_deadline(harness: Harness) -> None:
    h = await harness.start(sla_days={"interview": 5, "qualification": 5, "security": 5,
                                      "licence": 5})
    await register(h)
    entered = await exam(h)
    closes = await harness.env.get_current_time() + timedelta(days=1)
    sla = {"interview": 12, "qualification": 5, "security": 5, "licence": 5}
    amended = await h.execute_update(ApplicantWorkflow.amend_terms, terms(1, closes, sla))
    assert amended.due_at == entered.stage_entered_at + timedelta(days=12)
    await harness.env.sleep(timedelta(days=7))  # past the old SLA: no escalation
    assert (await state(h)).escalations == []


async def test_an_amendment_is_applied_once_and_only_from_an_admin(harness: Harness) -> None:
    h = await harness.start(window_days=3)
    now = await harness.env.get_current_time()
    await h.execute_update(ApplicantWorkflow.amend_terms, terms(2, now + timedelta(days=4)))
    # An older amendment arriving late changes nothing: the terms already include it.
    assert await refusal_kind(h, terms(1, now + timedelta(days=9))) == \
        RefusalKind.already_applied
    forged = terms(3, now + timedelta(days=9)).model_copy(
        update={"actor": staff(Role.interviewer)})
    assert await refusal_kind(h, forged) == RefusalKind.forbidden
    s = await state(h)
    assert s.due_at == now + timedelta(days=4)
    assert [d.stage for d in s.decisions].count("amendment") == 1


COHORT = 500
PAYING = 200


async def _rows_at(harness: Harness, year: int, stage: Stage, count: int) -> None:
    for _ in range(600):
        with Session(harness.engine) as session:
            rows = session.exec(select(ApplicationRecord.application_id).where(
                ApplicationRecord.cycle == year, ApplicationRecord.stage == stage.value)).all()
        if len(rows) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {count} rows at {stage}")


@pytest.mark.stress
async def test_an_extension_reaches_500_open_applications(harness: Harness) -> None:
    year = 1300 + uuid.uuid4().int % 90  # a cycle of this test's own
    with Session(harness.engine) as session:
        session.add(CycleRecord(year=year, config={"year": year}, created_at=datetime.now(UTC)))
        session.commit()
    gate = asyncio.Semaphore(32)

    async def start() -> Handle:
        async with gate:
            return await harness.start(window_days=2, year=year)

    handles = await asyncio.gather(*(start() for _ in range(COHORT)))
    await _rows_at(harness, year, Stage.awaiting_payment, COHORT)
    first = (await state(handles[0])).due_at
    assert first is not None
    new_end = first + timedelta(days=3)
    cycle = await harness.env.client.start_workflow(
        ExamCycleWorkflow.run, CycleWorkflowIn(year=year), id=cycle_workflow_id(year),
        task_queue=harness.task_queue)
    harness.started.append(cycle)
    amendment = await cycle.execute_update(ExamCycleWorkflow.amend, AmendIn(
        actor=ADMIN, base=0, before={"registration_end": "d"}, after={"registration_end": "e"},
        config={"year": year, "registration_end": "e"}, closes_before=first,
        closes_at=new_end, sla_days=dict(DEFAULT_SLA_DAYS), claim_hours=2,
        changed=["closes_at"]))
    assert amendment.number == 1
    with Session(harness.engine) as session:
        stored = session.get(CycleRecord, year)
        assert stored is not None and stored.config["amendments"] == 1
    recorded = await cycle.query(ExamCycleWorkflow.amendments)
    assert [(a.number, a.actor, a.after) for a in recorded.items] == [
        (1, ADMIN.id, {"registration_end": "e"})]

    async def reached(h: Handle) -> bool:
        return (await state(h)).due_at == new_end

    for _ in range(600):
        if all(await asyncio.gather(*(reached(h) for h in handles))):
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("the amendment did not reach every open application")

    await harness.env.sleep(timedelta(days=2, hours=12))  # past the first end
    with Session(harness.engine) as session:
        assert session.exec(select(ApplicationRecord.application_id).where(
            ApplicationRecord.cycle == year,
            ApplicationRecord.stage == Stage.incomplete.value)).all() == []
    paying, waiting = handles[:PAYING], handles[PAYING:]

    async def pay(h: Handle) -> Stage:
        async with gate:
            return (await register(h)).stage

    assert set(await asyncio.gather(*(pay(h) for h in paying))) == {Stage.awaiting_exam}
    await harness.env.sleep(timedelta(days=3))  # past the new end
    await _rows_at(harness, year, Stage.incomplete, COHORT - PAYING)
    finals = [await state(h) for h in waiting]
    assert {(f.stage, tuple(f.rules)) for f in finals} == {(Stage.incomplete, ("REG-2",))}
    assert min(f.stage_entered_at for f in finals) >= new_end
    for h in paying:
        assert (await state(h)).stage == Stage.awaiting_exam
    # Each application got the amendment once, whatever the second sweep sent again.
    s = await state(paying[0])
    assert [d.stage for d in s.decisions].count("amendment") == 1
