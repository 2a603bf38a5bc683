"""Publication of exam results to a whole cohort: wall time and the worker's peak memory.

    .venv/bin/python -m bench.publication --candidates 50000
    (the same part runs inside `python -m bench --publication N`)

On the bench stack (bench/stack.py: Temporal dev server on a SQLite file with WAL, a worker
and the API in their own processes, a SQLite or PostgreSQL read model) registers N candidates
up to awaiting_exam (started, paid and photographed through the Temporal client, not HTTP: the
figure wanted is the publication's), loads scored results, then publishes them and reports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, func, select

from bench.common import CpuMeter, Sampler, proc_kib, progress
from bench.data import form
from bench.stack import Stack
from daftar.contracts.applicant import ApplicantInput, CycleTerms, PaymentIn, PhotoIn
from daftar.contracts.cycle import CycleWorkflowIn, PublishIn
from daftar.contracts.ids import applicant_workflow_id, cycle_workflow_id
from daftar.domain.actors import Actor
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.registration import RegistrationForm
from daftar.domain.scoring import (
    AnswerCounts,
    CandidateAnswers,
    ScoringConfig,
    SubjectSpec,
    score_cohort,
)
from daftar.domain.stages import DEFAULT_SLA_DAYS, Role, Stage
from daftar.store.cohort import replace_exam_load
from daftar.store.db import session_factory, transaction
from daftar.store.models import ApplicationRecord, ExamLoad
from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow

YEAR = 1404
FEE = 2_000_000
SUBJECTS = [SubjectSpec(code=f"s{i}", questions=40) for i in range(8)]
Figures = list[tuple[str, str]]


def _form(n: int) -> RegistrationForm:
    return RegistrationForm.model_validate(form(n))


def _count(stack: Stack, stage: Stage) -> int:
    with Session(stack.engine) as s:
        return int(s.exec(select(func.count()).select_from(ApplicationRecord).where(
            ApplicationRecord.cycle == YEAR, ApplicationRecord.stage == stage.value)).one())


async def _register(stack: Stack, candidates: int, concurrency: int) -> float:
    client, key = stack.client, stack.settings.identity_key
    closes = datetime.now(UTC) + timedelta(days=30)
    gate = asyncio.Semaphore(concurrency)
    gateway = Actor(id="gateway", roles=[Role.payment_gateway])
    started = time.perf_counter()

    async def one(n: int) -> None:
        async with gate:
            f = _form(n)
            app_id = application_id(key, YEAR, f.national_id)
            h = await client.start_workflow(
                ApplicantWorkflow.run, ApplicantInput(
                    application_id=app_id, tracking_code=tracking_code(app_id),
                    cycle=CycleTerms(year=YEAR, fee_rials=FEE, registration_closes_at=closes,
                                     sla_days=DEFAULT_SLA_DAYS),
                    form=f, national_id=f.national_id),
                id=applicant_workflow_id(app_id), task_queue=stack.task_queue)
            await h.execute_update(ApplicantWorkflow.confirm_payment, PaymentIn(
                actor=gateway, reference=f"r{n}", amount_rials=FEE))
            await h.execute_update(ApplicantWorkflow.submit_photo, PhotoIn(
                actor=Actor(id=app_id, roles=[Role.applicant]), sha256="0" * 64,
                width=250, height=350, size=30_000))

    for start in range(0, candidates, 1000):
        await asyncio.gather(*(one(n) for n in range(start, min(start + 1000, candidates))))
        progress(f"  publication set-up: {min(start + 1000, candidates)}/{candidates}")
    while _count(stack, Stage.awaiting_exam) < candidates:
        await asyncio.sleep(0.5)
    return time.perf_counter() - started


def _load_scores(stack: Stack) -> tuple[float, int]:
    with Session(stack.engine) as s:
        ids = list(s.exec(select(ApplicationRecord.application_id).where(
            ApplicationRecord.cycle == YEAR)))
    rng = random.Random(1)
    answers = [CandidateAnswers(key=i, subjects={
        sub.code: AnswerCounts(correct=(c := rng.randint(0, 40)), wrong=rng.randint(0, 40 - c))
        for sub in SUBJECTS}) for i in ids]
    started = time.perf_counter()
    scored = score_cohort(ScoringConfig(subjects=SUBJECTS), answers)
    scoring = time.perf_counter() - started
    with transaction(session_factory(stack.engine)) as session:
        replace_exam_load(session, ExamLoad(
            cycle=YEAR, scale=Decimal(2000), pass_mark=scored.pass_mark,
            top_count=scored.top_count, top_mean=scored.top_mean, candidates=len(ids),
            passed=scored.passed, loaded_by="bench", loaded_at=datetime.now(UTC)), [
            {"cycle": YEAR, "application_id": s.key, "tracking_code": tracking_code(s.key),
             "counts": {}, "standard": {k: str(v) for k, v in s.standard.items()},
             "total": s.total, "passed": s.passed} for s in scored.scores])
    return scoring, scored.passed


async def publication(stack: Stack, candidates: int, concurrency: int) -> Figures:
    """Set up `candidates` at awaiting_exam, publish their results; the figures."""
    setup = await _register(stack, candidates, concurrency)
    progress(f"  publication set-up: {candidates} in {setup:.0f} s", done=True)
    scoring, passed = _load_scores(stack)
    meter = CpuMeter({"worker": stack.pid("worker"), "server": stack.pid("server")})
    with Sampler({"worker": stack.pid("worker"), "server": stack.pid("server")}) as peak:
        meter.start()
        started = time.perf_counter()
        cycle = await stack.client.start_workflow(
            ExamCycleWorkflow.run, CycleWorkflowIn(year=YEAR),
            id=cycle_workflow_id(YEAR), task_queue=stack.task_queue)
        await cycle.execute_update(ExamCycleWorkflow.publish_results, PublishIn(
            actor=Actor(id="exam-1", roles=[Role.exam_officer])))
        while True:
            with Session(stack.engine) as s:
                load = s.get(ExamLoad, YEAR)
            assert load is not None
            progress(f"  published {load.sent + load.skipped}/{candidates}")
            if load.state == "published":
                break
            await asyncio.sleep(0.5)
        wall = time.perf_counter() - started
    per = {name: f"{seconds / candidates * 1000:.0f} ms" for name, seconds in meter.stop().items()}
    progress(f"  published {candidates} in {wall:.1f} s", done=True)
    mib = 1024
    return [
        ("candidates", f"{candidates}"),
        (f"scoring {candidates} × {len(SUBJECTS)} subjects (EXAM-4)", f"{scoring:.2f} s"),
        ("publication wall time", f"{wall:.1f} s ({candidates / wall:.0f} candidates/s)"),
        ("sent / skipped / passed the mark", f"{load.sent} / {load.skipped} / {passed}"),
        ("CPU per candidate during publication: worker / server",
         f"{per['worker']} / {per['server']}"),
        ("worker peak RSS during publication", f"{peak.peak['worker'] / mib:.0f} MiB"),
        ("server peak RSS during publication", f"{peak.peak['server'] / mib:.0f} MiB"),
        ("server peak RSS (whole run, VmHWM)",
         f"{proc_kib(stack.pid('server'), 'VmHWM') / mib:.0f} MiB"),
        ("set-up: start + pay + photo per candidate",
         f"{setup:.0f} s ({candidates / setup:.1f}/s)"),
    ]


async def main(candidates: int, concurrency: int, database: str, keep: bool) -> None:
    async with Stack(database, log_level="WARNING", keep=keep) as stack:
        figures = await publication(stack, candidates, concurrency)
    print("\n| figure | value |\n| --- | --- |")
    for name, value in figures:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data")
    args = parser.parse_args()
    asyncio.run(main(args.candidates, args.concurrency, args.database, args.keep))
    sys.stdout.flush()
    os._exit(0)
