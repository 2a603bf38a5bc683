"""Record the representative histories replayed by every test run (README: "Changing a workflow
safely").

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
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.applicant import (
    DocumentIn,
    DocumentKind,
    WithdrawIn,
)
from daftar.domain.stages import DecisionStage
from daftar.services.archive import history_json
from daftar.workflows.applicant import ApplicantWorkflow
from tests.conftest import read_model, time_skipping_server
from tests.factories import VETERAN
from tests.stacks import running_worker
from tests.workflows import steps
from tests.workflows.conftest import Harness

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
    }
    async with running_worker(env.client, engine, task_queue=harness.task_queue,
                              max_workers=8):
        for name, (run, overrides) in cases.items():
            if only and name not in only:
                continue
            h = await harness.start(**overrides)
            await run(h, harness)
            history = await h.fetch_history()
            (HERE / f"{name}.json").write_text(history_json(history))
            sys.stdout.write(f"{name}: {len(history.events)} events\n")


if __name__ == "__main__":
    asyncio.run(main(set(sys.argv[1:])))
    sys.stdout.flush()
    os._exit(0)
