"""Publication of exam results to a whole cohort: wall time and the worker's peak memory.

    .venv/bin/python -m bench.publication --candidates 50000

Starts its own embedded stack in a temporary directory (Temporal dev server on a SQLite file
with WAL, a worker in its own process, a SQLite read model), registers N candidates up to
awaiting_exam (started and paid through the Temporal client, not HTTP: the figure wanted is the
publication's), loads scored results, then publishes them and prints what it measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, func, select

from daftar.devstack import start_temporal, wait_for_temporal
from daftar.domain.registration import RegistrationForm
from daftar.domain.scoring import (
    AnswerCounts,
    CandidateAnswers,
    ScoringConfig,
    SubjectSpec,
    score_cohort,
)
from daftar.domain.stages import DEFAULT_SLA_DAYS, Role, Stage
from daftar.identity import application_id, tracking_code
from daftar.settings import Settings
from daftar.store.cohort import replace_exam_load
from daftar.store.db import create_schema, make_engine, session_factory, transaction
from daftar.store.models import ApplicationRecord, ExamLoad
from daftar.temporal import register_search_attributes
from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow
from daftar.workflows.messages import (
    Actor,
    ApplicantInput,
    CycleTerms,
    CycleWorkflowIn,
    PaymentIn,
    PhotoIn,
    PublishIn,
    applicant_workflow_id,
    cycle_workflow_id,
)

YEAR = 1404
FEE = 2_000_000
KEY = b"bench-identity-key"
SUBJECTS = [SubjectSpec(code=f"s{i}", questions=40) for i in range(8)]


def national_id(n: int) -> str:
    body = f"{n:09d}"
    r = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    return body + str(r if r < 2 else 11 - r)


def form(n: int) -> RegistrationForm:
    return RegistrationForm.model_validate({
        "national_id": national_id(100_000_000 + n), "first_name": "A", "last_name": "B",
        "father_name": "C", "birth_date": "1370/01/01", "gender": "male",
        "degree": {"level": "bachelor", "field": "law", "graduation_date": "1395/04/01"},
        "military_service": "completed", "computer_certificate": True,
        "experience_years": "5", "quota": {"kind": "free"}, "province": "Tehran",
        "city": "Tehran", "mobile": "09121234567"})


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Sampler:
    """Peak resident memory of a process, sampled while a phase runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, False

    async def run(self) -> None:
        while not self._stop:
            self.peak = max(self.peak, rss_kib(self.pid))
            await asyncio.sleep(0.25)

    def stop(self) -> None:
        self._stop = True


def count_at(engine: object, stage: Stage) -> int:
    with Session(engine) as s:  # type: ignore[call-overload]
        return int(s.exec(select(func.count()).select_from(ApplicationRecord).where(
            ApplicationRecord.stage == stage.value)).one())


async def main(candidates: int, concurrency: int, keep: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="daftar-bench-"))
    port = 17500
    settings = Settings(data_dir=work, temporal_address=f"127.0.0.1:{port}",
                        jwt_secret="bench", id_key="bench")  # type: ignore[arg-type]
    server = start_temporal(work, port=port, ui_port=port + 1000)
    env = {**os.environ, "DAFTAR_TEMPORAL_ADDRESS": settings.temporal_address,
           "DATABASE_URL": settings.db_url, "DAFTAR_JWT_SECRET": "bench",
           "DAFTAR_ID_KEY": "bench", "DAFTAR_LOG_LEVEL": "WARNING"}
    worker = None
    try:
        client = await wait_for_temporal(settings, server)
        await register_search_attributes(client, "default")
        engine = make_engine(settings.db_url)
        create_schema(engine)
        worker = subprocess.Popen([str(Path(sys.executable).parent / "daftar"), "worker"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        closes = datetime.now(UTC) + timedelta(days=30)
        gate = asyncio.Semaphore(concurrency)
        gateway = Actor(id="gateway", roles=[Role.payment_gateway])
        t0 = time.perf_counter()

        async def register(n: int) -> None:
            async with gate:
                f = form(n)
                app_id = application_id(KEY, YEAR, f.national_id)
                h = await client.start_workflow(
                    ApplicantWorkflow.run, ApplicantInput(
                        application_id=app_id, tracking_code=tracking_code(app_id),
                        cycle=CycleTerms(year=YEAR, fee_rials=FEE, registration_closes_at=closes,
                                         sla_days=DEFAULT_SLA_DAYS),
                        form=f, national_id=f.national_id),
                    id=applicant_workflow_id(app_id), task_queue=settings.task_queue)
                await h.execute_update(ApplicantWorkflow.confirm_payment, PaymentIn(
                    actor=gateway, reference=f"r{n}", amount_rials=FEE))
                await h.execute_update(ApplicantWorkflow.submit_photo, PhotoIn(
                    actor=Actor(id=app_id, roles=[Role.applicant]), sha256="0" * 64,
                    width=250, height=350, size=30_000))

        done = 0
        for start in range(0, candidates, 1000):
            await asyncio.gather(*(register(n) for n in range(start,
                                                               min(start + 1000, candidates))))
            done = min(start + 1000, candidates)
            print(f"\rregistered {done}/{candidates}", end="", flush=True)
        while count_at(engine, Stage.awaiting_exam) < candidates:
            await asyncio.sleep(0.5)
        setup = time.perf_counter() - t0
        print(f"\rregistered {candidates} in {setup:.0f} s ({candidates / setup:.1f}/s)")

        with Session(engine) as s:
            ids = list(s.exec(select(ApplicationRecord.application_id)))
        rng = random.Random(1)
        answers = [CandidateAnswers(key=i, subjects={
            sub.code: AnswerCounts(correct=(c := rng.randint(0, 40)), wrong=rng.randint(0, 40 - c))
            for sub in SUBJECTS}) for i in ids]
        t1 = time.perf_counter()
        scored = score_cohort(ScoringConfig(subjects=SUBJECTS), answers)
        scoring = time.perf_counter() - t1
        with transaction(session_factory(engine)) as session:
            replace_exam_load(session, ExamLoad(
                cycle=YEAR, scale=Decimal(2000), pass_mark=scored.pass_mark,
                top_count=scored.top_count, top_mean=scored.top_mean, candidates=len(ids),
                passed=scored.passed, loaded_by="bench", loaded_at=datetime.now(UTC)), [
                {"cycle": YEAR, "application_id": s.key, "tracking_code": tracking_code(s.key),
                 "counts": {}, "standard": {k: str(v) for k, v in s.standard.items()},
                 "total": s.total, "passed": s.passed} for s in scored.scores])

        sampler = Sampler(worker.pid)
        sampling = asyncio.create_task(sampler.run())
        t2 = time.perf_counter()
        cycle = await client.start_workflow(ExamCycleWorkflow.run, CycleWorkflowIn(year=YEAR),
                                            id=cycle_workflow_id(YEAR),
                                            task_queue=settings.task_queue)
        await cycle.execute_update(ExamCycleWorkflow.publish_results, PublishIn(
            actor=Actor(id="exam-1", roles=[Role.exam_officer])))
        while True:
            with Session(engine) as s:
                load = s.get(ExamLoad, YEAR)
            assert load is not None
            print(f"\rpublished {load.sent + load.skipped}/{candidates}", end="", flush=True)
            if load.state == "published":
                break
            await asyncio.sleep(1)
        publication = time.perf_counter() - t2
        sampler.stop()
        await sampling
        server_peak = rss_kib(server.pid, "VmHWM")
        print(f"""
| figure | value |
| --- | --- |
| candidates | {candidates} |
| scoring {candidates} × {len(SUBJECTS)} subjects (EXAM-4) | {scoring:.2f} s |
| publication wall time | {publication:.1f} s ({candidates / publication:.0f} candidates/s) |
| sent / skipped | {load.sent} / {load.skipped} |
| passed the mark | {scored.passed} |
| worker peak RSS during publication | {sampler.peak / 1024:.0f} MiB |
| Temporal dev server peak RSS (whole run) | {server_peak / 1024:.0f} MiB |
| registration set-up (start + pay + photo) | {setup:.0f} s ({candidates / setup:.1f}/s) |
""")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)
        if not keep:
            subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data")
    args = parser.parse_args()
    asyncio.run(main(args.candidates, args.concurrency, args.keep))
    sys.stdout.flush()
    os._exit(0)
