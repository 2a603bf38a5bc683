"""Record the representative histories replayed by every test run (DESIGN.md #7).

    .venv/bin/python -m tests.histories.record [CASE ...]

Runs one applicant through every stage and every ending on the time-skipping test server
with the real worker, and writes each history as the Temporal CLI's JSON beside this file
(only the named cases, if any are given). Record again after a deliberate, patched change of
a workflow, under new names: keep the old files (e.g. `escalated_before_reminders.json`, from
before the `overdue-reminders` patch) as long as applicants whose histories look like them
may still be running.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from daftar.contracts.applicant import (
    DisqualifyIn,
    DocumentIn,
    DocumentKind,
    LicenceIn,
    WithdrawIn,
)
from daftar.core.codec import data_converter
from daftar.domain.decisions import Outcome
from daftar.domain.stages import DecisionStage, Role
from daftar.gateway.temporal import register_search_attributes
from daftar.services.archive import history_json
from daftar.store.db import create_schema, make_engine, session_factory
from daftar.worker import build_worker
from daftar.workflows.applicant import ApplicantWorkflow
from tests.conftest import SEALED, TEST_KEYRING, TEST_SERVER
from tests.factories import ALL_CHECKS, VETERAN
from tests.workflows.conftest import Harness
from tests.workflows.steps import applicant, decide, exam, place, register, staff, state, to_launch

HERE = Path(__file__).parent
SLA = {"interview": 3, "qualification": 3, "security": 3, "licence": 3}


async def licensed_then_revoked(h: Any, harness: Harness) -> None:
    await to_launch(h)
    await place(h)
    app_id = (await state(h)).application_id
    await h.execute_update(ApplicantWorkflow.submit_document, DocumentIn(
        actor=applicant(app_id), kind=DocumentKind.veteran_certificate, reference="VC-1"))
    await h.execute_update(ApplicantWorkflow.issue_licence,
                           LicenceIn(actor=staff(Role.licensing_officer)))
    await h.execute_update(ApplicantWorkflow.disqualify,
                           DisqualifyIn(actor=staff(Role.admin), reason="forged degree"))


async def licensed_open(h: Any, harness: Harness) -> None:
    await to_launch(h)
    await place(h)
    await h.execute_update(ApplicantWorkflow.issue_licence,
                           LicenceIn(actor=staff(Role.licensing_officer)))


async def rejected_at(stage: DecisionStage) -> Any:
    async def run(h: Any, harness: Harness) -> None:
        await register(h)
        await exam(h)
        for earlier in DecisionStage:
            if earlier is stage:
                break
            await decide(h, earlier)
        failed = ({"checks": {**ALL_CHECKS, "GEN-6": False}}
                  if stage is DecisionStage.qualification else {})
        await decide(h, stage, Outcome.failed, **failed)
    return run


async def rejected_exam(h: Any, harness: Harness) -> None:
    await register(h)
    await exam(h, total="4000")


async def withdrawn(h: Any, harness: Harness) -> None:
    await register(h)
    app_id = (await state(h)).application_id
    await h.execute_update(ApplicantWorkflow.withdraw, WithdrawIn(actor=applicant(app_id)))


async def disqualified(h: Any, harness: Harness) -> None:
    await register(h)
    await h.execute_update(ApplicantWorkflow.disqualify,
                           DisqualifyIn(actor=staff(Role.admin), reason="another's photo"))


async def incomplete(h: Any, harness: Harness) -> None:
    await h.result()


async def escalated_waiting(h: Any, harness: Harness) -> None:
    await register(h)
    await exam(h)
    await harness.env.sleep(timedelta(days=4))
    for _ in range(100):
        if (await state(h)).escalations:
            return
        await asyncio.sleep(0.05)


async def escalated_reminded(h: Any, harness: Harness) -> None:
    await escalated_waiting(h, harness)
    await harness.env.sleep(timedelta(days=6))  # a period later, still overdue: reminded
    for _ in range(100):
        if len((await state(h)).escalations) > 1:
            return
        await asyncio.sleep(0.05)


async def main(only: set[str]) -> None:
    start = WorkflowEnvironment.start_time_skipping
    env = await start(test_server_existing_path=TEST_SERVER,
                      data_converter=data_converter(TEST_KEYRING), interceptors=SEALED)
    await register_search_attributes(env.client, "default")
    engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/read.db")
    create_schema(engine)
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
    }
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(env.client, task_queue=harness.task_queue,
                                sessions=session_factory(engine), executor=executor):
            for name, (run, overrides) in cases.items():
                if only and name not in only:
                    continue
                h = await harness.start(**overrides)
                await run(h, harness)
                history = await h.fetch_history()
                (HERE / f"{name}.json").write_text(history_json(history))
                sys.stdout.write(f"{name}: {len(history.events)} events\n")
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main(set(sys.argv[1:])))
    sys.stdout.flush()
    os._exit(0)
