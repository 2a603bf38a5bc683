"""Record the representative histories replayed by every test run (README: "Changing a workflow
safely").

    .venv/bin/python -m tests.histories.record [CASE ...]

Runs one applicant through every stage and every ending, and one cycle through two launch
rounds, on the time-skipping test server with the real worker, and writes each history as the
Temporal CLI's JSON beside this file (only the named cases, if any are given). Record again
after a deliberate, patched change of a workflow, under new names: keep the old files (e.g.
`escalated_before_reminders.json`, from before the `overdue-reminders` patch, and
`cycle_rounds_done_inside.json`, from before `round-done-after`) as long as workflows whose
histories look like them may still be running.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.api.common.v1 import Payload
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.applicant import (
    AbsenceIn,
    AssignIn,
    CloseIn,
    DocumentIn,
    DocumentKind,
    DocumentRequestIn,
    ReinstateIn,
    ReopenIn,
    SeatIn,
    TermsIn,
    UploadIn,
    WithdrawIn,
)
from daftar.contracts.cycle import CycleWorkflowIn, RoundIn
from daftar.contracts.ids import cycle_workflow_id
from daftar.core.codec import data_converter
from daftar.domain.decisions import Outcome
from daftar.domain.documents import DocKind
from daftar.domain.stages import DEFAULT_SLA_DAYS, DecisionStage, Role
from daftar.services.archive import history_json
from daftar.store.models import CycleRecord, ExamSessionRecord, LaunchRound, VenueRecord
from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow
from tests.conftest import TEST_KEYRING, read_model, time_skipping_server
from tests.factories import VETERAN
from tests.stacks import running_worker
from tests.workflows import steps
from tests.workflows.conftest import Harness, settle

HERE = Path(__file__).parent
SLA = {"interview": 3, "qualification": 3, "security": 3, "licence": 3}


async def licensed_then_revoked(h: Any, harness: Harness) -> None:
    await steps.to_launch(h)
    await steps.place(h)
    app_id = (await steps.state(h)).application_id
    await h.execute_update(ApplicantWorkflow.submit_document, DocumentIn(
        actor=steps.applicant(app_id), kind=DocumentKind.veteran_certificate, reference="VC-1"))
    await steps.licence(h)
    await steps.disqualify(h, "forged degree")


async def licensed_open(h: Any, harness: Harness) -> None:
    await steps.to_launch(h)
    await steps.place(h)
    await steps.licence(h)


async def rejected_at(stage: DecisionStage) -> Any:
    async def run(h: Any, harness: Harness) -> None:
        await steps.to_decision(h, stage)
        await steps.fail(h, stage)
    return run


async def rejected_exam(h: Any, harness: Harness) -> None:
    await steps.register(h)
    await steps.exam(h, total="4000")


async def withdrawn(h: Any, harness: Harness) -> None:
    await steps.register(h)
    app_id = (await steps.state(h)).application_id
    await h.execute_update(ApplicantWorkflow.withdraw, WithdrawIn(actor=steps.applicant(app_id)))


async def disqualified(h: Any, harness: Harness) -> None:
    await steps.register(h)
    await steps.disqualify(h, "another's photo")


async def incomplete(h: Any, harness: Harness) -> None:
    await h.result()


async def escalated_waiting(h: Any, harness: Harness) -> None:
    await steps.register(h)
    await steps.exam(h)
    await harness.env.sleep(timedelta(days=4))
    await steps.until_escalated(h)


async def escalated_reminded(h: Any, harness: Harness) -> None:
    await escalated_waiting(h, harness)
    await harness.env.sleep(timedelta(days=6))  # a period later, still overdue: reminded
    await steps.until_escalated(h, times=2)


def _terms(number: int, closes_at: Any, **sla: int) -> TermsIn:
    return TermsIn(actor=steps.staff(Role.admin), number=number, registration_closes_at=closes_at,
                   sla_days={**DEFAULT_SLA_DAYS, **sla}, claim_hours=3)


async def amended(h: Any, harness: Harness) -> None:
    """CYC-1: the window extended, paid inside the extension, then the interview's SLA moved."""
    closes = await harness.env.get_current_time() + timedelta(days=3)
    await h.execute_update(ApplicantWorkflow.amend_terms, _terms(1, closes))
    await harness.env.sleep(timedelta(days=2))
    await steps.register(h)
    await steps.exam(h)
    await h.execute_update(ApplicantWorkflow.amend_terms, _terms(2, closes, interview=9))
    await steps.decide(h, DecisionStage.interview)


async def amended_incomplete(h: Any, harness: Harness) -> None:
    """CYC-1: the window extended, and the fee never paid: incomplete at the new end."""
    closes = await harness.env.get_current_time() + timedelta(days=2)
    await h.execute_update(ApplicantWorkflow.amend_terms, _terms(1, closes))
    await h.result()


def _seat(version: int, seat: int) -> SeatIn:
    return SeatIn(actor=steps.staff(Role.exam_officer), version=version, venue_id="23-001",
                  venue_name="حوزهٔ الف", address="خیابان آزادی", province="تهران",
                  city="تهران", seat=seat, exam_date="1401/09/24", start_time="09:00",
                  card_date="1401/09/22")


async def seated(h: Any, harness: Harness) -> None:
    """EXAM-5: seated, seated anew before the card date, then the exam result."""
    await steps.register(h)
    await h.execute_update(ApplicantWorkflow.assign_seat, _seat(1, 7))
    await h.execute_update(ApplicantWorkflow.assign_seat, _seat(2, 3))
    await steps.exam(h)


async def seated_on_entry(h: Any, harness: Harness) -> None:
    """EXAM-5: the session was set before the candidate paid; coming to wait, they take a seat,
    then the exam result."""
    with Session(harness.engine) as session:
        session.add(ExamSessionRecord(cycle=1402, exam_date="1402/09/24", start_time="09:00",
                                      card_date="1402/09/22", version=1,
                                      set_by="exam-officer-3", set_at=datetime.now(UTC)))
        session.add(VenueRecord(cycle=1402, venue_id="23-001", province_code="23",
                                province="تهران", city="تهران", name="حوزهٔ الف",
                                address="خیابان آزادی", seats=5))
        session.commit()
    await steps.register(h)
    assert (await steps.seat_taken(h)).seat is not None
    await steps.exam(h)


def _upload(app_id: str, kind: DocKind, data: bytes) -> UploadIn:
    return UploadIn(actor=steps.applicant(app_id), kind=kind,
                    sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                    content_type="application/pdf")


_ASK = DocumentRequestIn(actor=steps.staff(Role.qualification_officer, "qual-1"),
                         kind=DocKind.degree, reason="the scan cannot be read", days=3)


async def document_requested(h: Any, harness: Harness) -> None:
    """DOC-1, DOC-2: a degree uploaded, asked for again at qualification, uploaded, passed."""
    app_id = (await steps.state(h)).application_id
    await h.execute_update(ApplicantWorkflow.upload_document,
                           _upload(app_id, DocKind.degree, b"%PDF-1 blurred"))
    await steps.to_decision(h, DecisionStage.qualification)
    await h.execute_update(ApplicantWorkflow.request_document, _ASK)
    await harness.env.sleep(timedelta(days=1))
    await h.execute_update(ApplicantWorkflow.upload_document,
                           _upload(app_id, DocKind.degree, b"%PDF-1 readable"))
    await steps.decide(h, DecisionStage.qualification,
                       actor=steps.staff(Role.qualification_officer, "qual-1"))


async def document_lapsed(h: Any, harness: Harness) -> None:
    """DOC-2: the requested document never came: rejected under DOC-2 at the deadline."""
    await steps.to_decision(h, DecisionStage.qualification)
    await h.execute_update(ApplicantWorkflow.request_document, _ASK)
    await harness.env.sleep(timedelta(days=3, minutes=1))
    await steps.ended(h)


ADMIN, SECOND_ADMIN = steps.staff(Role.admin, "admin-1"), steps.staff(Role.admin, "admin-2")


async def reopened(h: Any, harness: Harness) -> None:
    """COR-1 and COR-3: a pass reopened, failed, the rejection reopened, assigned, passed."""
    await steps.to_decision(h, DecisionStage.interview)
    await steps.decide(h, DecisionStage.interview)
    await h.execute_update(ApplicantWorkflow.reopen, ReopenIn(
        actor=ADMIN, stage=DecisionStage.interview, reason="wrong panel"))
    await steps.decide(h, DecisionStage.interview, Outcome.failed, reason="weak")
    await h.execute_update(ApplicantWorkflow.reopen, ReopenIn(
        actor=ADMIN, stage=DecisionStage.interview, reason="score mistyped"))
    await h.execute_update(ApplicantWorkflow.assign, AssignIn(actor=ADMIN, reviewer="panel-9"))
    await h.execute_update(ApplicantWorkflow.decide, steps.decision(
        DecisionStage.interview).model_copy(update={"actor": steps.staff(
            Role.interviewer, "panel-9")}))


async def reinstated(h: Any, harness: Harness) -> None:
    """COR-2: a disqualification proposed undone by one admin, confirmed by another."""
    await steps.register(h)
    await steps.disqualify(h, "another's photo")
    await h.execute_update(ApplicantWorkflow.reinstate, ReinstateIn(
        actor=ADMIN, reason="the photo is theirs"))
    await h.execute_update(ApplicantWorkflow.reinstate, ReinstateIn(
        actor=SECOND_ADMIN, reason="checked"))
    await steps.exam(h)


async def rejected_then_closed(h: Any, harness: Harness) -> None:
    """A rejection waits for corrections until the cycle's close ends the record."""
    await steps.register(h)
    await steps.exam(h, total="4000")
    await h.execute_update(ApplicantWorkflow.close, CloseIn(actor=ADMIN))
    await h.result()


async def absent(h: Any, harness: Harness) -> None:
    """EXAM-6: no result when the results were published: ended as absent."""
    await steps.register(h)
    await h.execute_update(ApplicantWorkflow.record_absence, AbsenceIn(
        actor=steps.staff(Role.exam_officer)))
    await h.result()


_ENCRYPTED = base64.b64encode(b"binary/encrypted").decode()


async def cycle_rounds(harness: Harness) -> Any:
    """A cycle's two launch rounds (LAUNCH-1), the second run once the first shows done.

    The rounds place nobody: the cycle's history holds the rounds, not the candidates (their
    offices go out from the round's activity).
    """
    year = 1409
    with Session(harness.engine) as session:
        session.add(CycleRecord(year=year, config={}, created_at=datetime.now(UTC)))
        session.commit()
    h = await harness.env.client.start_workflow(
        ExamCycleWorkflow.run, CycleWorkflowIn(year=year), id=cycle_workflow_id(year),
        task_queue=harness.task_queue)
    for number in (1, 2):
        await h.execute_update(ExamCycleWorkflow.launch_round, RoundIn(
            actor=steps.staff(Role.licensing_officer)))
        while True:
            with Session(harness.engine) as session:
                launch = session.get(LaunchRound, (year, number))
                if launch is not None and launch.state == "done":
                    break
            await asyncio.sleep(0.1)
    await settle(h)
    return h


async def _plaintext(node: Any) -> Any:
    """The history's JSON with every encrypted payload decrypted (TEST_KEYRING's keys): the
    recorded histories are kept in plaintext, so `daftar replay` reads them with any keys."""
    if isinstance(node, dict):
        meta = node.get("metadata")
        if isinstance(meta, dict) and meta.get("encoding") == _ENCRYPTED and "data" in node:
            sealed = Payload(metadata={k: base64.b64decode(v) for k, v in meta.items()},
                             data=base64.b64decode(node["data"]))
            codec = data_converter(TEST_KEYRING).payload_codec
            assert codec is not None
            [plain] = await codec.decode([sealed])
            return {"metadata": {k: base64.b64encode(v).decode()
                                 for k, v in plain.metadata.items()},
                    "data": base64.b64encode(plain.data).decode()}
        return {k: await _plaintext(v) for k, v in node.items()}
    if isinstance(node, list):
        return [await _plaintext(v) for v in node]
    return node


async def main(only: set[str]) -> None:
    env = await time_skipping_server()
    with read_model(f"sqlite:///{tempfile.mkdtemp()}/read.db") as engine:
        await record(env, engine, only)
    await env.shutdown()


async def record(env: WorkflowEnvironment, engine: Engine, only: set[str]) -> None:
    """Run each case (the `only` ones, if any) and write its history beside this file."""
    harness = Harness(env=env, engine=engine, task_queue=f"rec-{uuid.uuid4().hex[:6]}")
    cases: dict[str, tuple[Any, dict[str, Any]]] = {
        "licensed_then_revoked": (licensed_then_revoked,
                                  {"quota": VETERAN, "birth_date": "1340/01/01"}),
        "licensed_open": (licensed_open, {}),
        "rejected_exam": (rejected_exam, {}),
        "rejected_interview": (await rejected_at(DecisionStage.interview), {}),
        "rejected_qualification": (await rejected_at(DecisionStage.qualification), {}),
        "rejected_security": (await rejected_at(DecisionStage.security), {}),
        "withdrawn": (withdrawn, {}),
        "disqualified": (disqualified, {}),
        "incomplete": (incomplete, {"window_days": 1}),
        "escalated_waiting": (escalated_waiting, {"sla_days": SLA}),
        "escalated_reminded": (escalated_reminded, {"sla_days": SLA}),
        "amended": (amended, {"window_days": 1}),
        "amended_incomplete": (amended_incomplete, {"window_days": 1}),
        "seated": (seated, {}),
        "seated_on_entry": (seated_on_entry, {"year": 1402}),
        "reopened": (reopened, {}),
        "reinstated": (reinstated, {}),
        "rejected_then_closed": (rejected_then_closed, {}),
        "absent": (absent, {}),
        "document_requested": (document_requested, {}),
        "document_lapsed": (document_lapsed, {}),
        # NOTE-1: the same paths with the applicant's SMS (workflow.patched("notices")).
        "notified_licensed_then_revoked": (licensed_then_revoked,
                                           {"quota": VETERAN, "birth_date": "1340/01/01"}),
        "notified_incomplete": (incomplete, {"window_days": 3}),
        "notified_seated": (seated, {}),
        "notified_document_lapsed": (document_lapsed, {}),
        "notified_reinstated": (reinstated, {}),
        "notified_withdrawn": (withdrawn, {}),
    }
    async with running_worker(env.client, engine, task_queue=harness.task_queue,
                              max_workers=8):
        for name, (run, overrides) in cases.items():
            if only and name not in only:
                continue
            h = await harness.start(**overrides)
            await run(h, harness)
            await steps.notices_sent(h)
            history = await h.fetch_history()
            plain = await _plaintext(json.loads(history_json(history)))
            (HERE / f"{name}.json").write_text(json.dumps(plain, indent=2) + "\n")
            sys.stdout.write(f"{name}: {len(history.events)} events\n")
        if not only or "cycle_rounds" in only:
            history = await (await cycle_rounds(harness)).fetch_history()
            plain = await _plaintext(json.loads(history_json(history)))
            (HERE / "cycle_rounds.json").write_text(json.dumps(plain, indent=2) + "\n")
            sys.stdout.write(f"cycle_rounds: {len(history.events)} events\n")


if __name__ == "__main__":
    asyncio.run(main(set(sys.argv[1:])))
    sys.stdout.flush()
    os._exit(0)
