"""`daftar reconcile --cycle YEAR`, run as the operator runs it (a process configured by
environment variables), against a small cycle: clean, then with drift planted in the read model
(a row deleted, a stage changed, an orphan row inserted, a field edited, a decision row
deleted), then repaired."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from daftar.commands.reconcile.report import DriftKind, Reconciliation
from tests.api.helpers import open_cycle
from tests.faults.driver import Walk
from tests.faults.stack import FaultStack, bounded

#: Their stacks do not depend on DAFTAR_TEST_DATABASE: CI runs them in one pass.
pytestmark = pytest.mark.faults

YEAR = 1424
#: Where the cycle's six applicants stand: every field of a row is set by the licensed ones.
UNTIL = ["licensed", "licensed", "awaiting_interview", "awaiting_interview", "awaiting_exam",
         "awaiting_payment"]


async def daftar_reconcile(stack: FaultStack, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", "from daftar.commands import main; main()",
                         "reconcile", "--cycle", str(YEAR), "--settle", "0.5", *args],
        env=stack.env, capture_output=True, text=True, timeout=120)


def sql(stack: FaultStack, statement: str, **params: object) -> None:
    with stack.engine.begin() as conn:
        conn.execute(text(statement), params)


async def test_reconcile_reports_planted_drift_and_repairs_it(stack: FaultStack) -> None:
    await bounded(_scenario(stack), 180)


async def _scenario(stack: FaultStack) -> None:
    await open_cycle(stack.api, YEAR, capacity=10, engine=stack.engine)
    walk = Walk(concurrency=8)
    ids = await asyncio.gather(*(walk.path(stack.api, YEAR, until=u) for u in UNTIL))
    clean = await stack.converged(YEAR)  # the workflows' last writes may still be landing
    assert (clean.workflows, clean.rows) == (len(UNTIL), len(UNTIL))

    # A clean cycle: nothing reported, exit 0; the JSON form is the typed report.
    run = await daftar_reconcile(stack, "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = Reconciliation.model_validate_json(run.stdout)
    assert report.clean and (report.workflows, report.rows) == (len(UNTIL), len(UNTIL))

    missing, edited, changed, orphan = ids[0], ids[1], ids[2], "00000000deadbeef"
    sql(stack, "DELETE FROM applications WHERE application_id = :a", a=missing)
    sql(stack, "UPDATE applications SET stage = 'licensed' WHERE application_id = :a", a=changed)
    sql(stack, "UPDATE applications SET office_city = 'Qom' WHERE application_id = :a", a=edited)
    sql(stack, "DELETE FROM decisions WHERE application_id = :a AND seq = 3", a=edited)
    columns = ("cycle, stage, province, city, quota, registered_at, updated_at, "
               "stage_entered_at, due_at, escalated, rejected_stage, rules, licence_number, "
               "office_province, office_city, exam_total, interview_score, version")
    sql(stack, f"INSERT INTO applications (application_id, tracking_code, {columns}) "
        f"SELECT :o, :code, {columns} FROM applications WHERE application_id = :a",
        o=orphan, code="9" * 20, a=ids[4])

    run = await daftar_reconcile(stack)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    out = run.stdout
    assert f"missing_row {missing}: workflow at licensed (v11); read model no row" in lines, out
    assert f"stage {changed}: workflow awaiting_interview; read model licensed" in lines, out
    assert f"orphan_row {orphan}: workflow none; read model row at awaiting_exam (v3)" in lines, \
        out
    assert f"fields {edited}: workflow office_city=Tehran; read model office_city=Qom" in lines, \
        out
    assert f"decisions {edited}: workflow 8 decisions; read model 7 decision rows" in lines, out
    # The stats counters, moved by neither the deletion nor the edits, disagree with the rows
    # (on `licensed` the deletion and the edit cancel out).
    assert "counts 23/awaiting_interview: rows 1; stage_counts 2" in lines, out
    assert "counts 23/awaiting_exam: rows 2; stage_counts 1" in lines, out
    assert lines[-1].startswith("DRIFT: 7 differences"), out
    reported = {ln.split()[0] for ln in lines[1:-1]}
    assert reported == {"missing_row", "stage", "orphan_row", "fields", "decisions", "counts"}, \
        out

    # --repair re-records the three from their workflows and recounts; the orphan stays.
    run = await daftar_reconcile(stack, "--repair")
    assert run.returncode == 1, run.stdout + run.stderr
    after = run.stdout.split("after the repair")[1].splitlines()
    assert f"repaired 3: {', '.join(sorted([missing, edited, changed]))}" in after
    drift = [ln for ln in after if ln.split(" ")[0] in set(DriftKind)]
    assert drift == [f"orphan_row {orphan}: workflow none; read model row at awaiting_exam (v3)"]
    assert "not repaired: orphan rows" in after[-1]

    # A person deletes the orphan; the next repair recounts, and then nothing is left.
    sql(stack, "DELETE FROM applications WHERE application_id = :o", o=orphan)
    run = await daftar_reconcile(stack, "--repair")
    assert run.returncode == 0, run.stdout + run.stderr
    run = await daftar_reconcile(stack)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == "no drift: the read model matches the workflows"


async def test_reconcile_without_the_codec_keys_is_a_settings_error(
        stack: FaultStack, tmp_path: Path) -> None:
    env = {k: v for k, v in stack.env.items() if k != "DAFTAR_CODEC_KEYS"}
    env["DAFTAR_DATA_DIR"] = str(tmp_path)
    run = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-c", "from daftar.commands import main; main()",
                         "reconcile", "--cycle", str(YEAR)],
        env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "DAFTAR_CODEC_KEYS" in run.stderr
