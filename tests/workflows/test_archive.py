"""A cycle's histories archived from a real dev server, read back, verified, then tampered with.

On the dev server: listing a cycle needs visibility queries on the custom search attributes.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import uuid
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from daftar.commands.history import register as add_history_parser
from daftar.commands.history import run_history
from daftar.core.settings import Settings
from daftar.services.archive import MANIFEST, export_cycle, export_one, sha256_hex, verify
from tests.conftest import TEMPORAL_CLI, TEST_CODEC_KEYS
from tests.stacks import running_worker
from tests.workflows.conftest import Harness
from tests.workflows.steps import Handle, exam, register

KEY = b"test-archive-key"
YEAR = 1401  # Harness.start's cycle; the task queue keeps other tests' applications out


async def cli_show(target: str, workflow_id: str) -> str:
    """`temporal workflow show --output json`: the format, to the byte, the archive promises."""
    proc = await asyncio.create_subprocess_exec(
        TEMPORAL_CLI, "workflow", "show", "--workflow-id", workflow_id, "--output", "json",
        "--address", target, "--namespace", "default",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await proc.communicate()
    assert proc.returncode == 0, stderr.decode()
    return stdout.decode()


async def visible(harness: Harness, query: str, count: int) -> None:
    for _ in range(200):  # bounded: visibility lags a little behind the starts
        if (await harness.env.client.count_workflows(query)).count >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"visibility never showed {count} workflows for {query}")


async def settled(h: Handle) -> None:
    """No activity and no workflow task pending: the history stays as it is without a worker."""
    for _ in range(200):  # bounded: the read-model activities finish in milliseconds
        raw = (await h.describe()).raw_description
        if not raw.pending_activities and not raw.HasField("pending_workflow_task"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{h.id} never settled")


def cli(argv: list[str], address: str, out: io.StringIO) -> int:
    parser = argparse.ArgumentParser(prog="daftar")
    add_history_parser(parser.add_subparsers(dest="command", required=True))
    return run_history(parser.parse_args(argv),
                       lambda d: Settings(temporal_address=address, data_dir=d or Path("x"),
                                          codec_keys=SecretStr(TEST_CODEC_KEYS)),
                       lambda _: KEY, out=out, err=out)


async def test_export_reads_back_verifies_and_detects_tampering(
        dev_server: WorkflowEnvironment, engine: Engine, tmp_path: Path) -> None:
    harness = Harness(env=dev_server, engine=engine, task_queue=f"arc-{uuid.uuid4().hex[:8]}")
    client = dev_server.client
    own = f"TaskQueue = '{harness.task_queue}'"
    async with running_worker(client, engine, task_queue=harness.task_queue):
        handles: list[Handle] = [await harness.start() for _ in range(3)]
        await register(handles[0])
        await register(handles[1])
        await exam(handles[1])
        for h in handles:
            await settled(h)
    # The worker is gone: nothing more happens to these histories while they are compared.
    await visible(harness, f"DaftarCycle = {YEAR} AND {own}", 3)
    seen: list[tuple[str, int, int]] = []
    manifest = await export_cycle(
        client, YEAR, tmp_path / "arc", KEY, extra_query=own, concurrency=2,
        progress=lambda phase, done, total: seen.append((phase, done, total)))

    assert manifest.cycle == YEAR
    assert sorted(manifest.files) == sorted(f"{h.id}.json" for h in handles)
    assert sorted(p.name for p in (tmp_path / "arc").iterdir()) == sorted(
        [*manifest.files, MANIFEST])
    assert seen[0] == ("export", 0, 3) and seen[-1] == ("export", 3, 3)
    for h in handles:
        text = (tmp_path / "arc" / f"{h.id}.json").read_text()
        history = await h.fetch_history()
        back = WorkflowHistory.from_json(h.id, text)
        assert len(back.events) == len(history.events) > 1
        assert list(back.events) == list(history.events)
        shown = await cli_show(client.service_client.config.target_host, h.id)
        assert text == shown  # byte for byte, as the issue asks
        app_id = h.id.removeprefix("application-")
        assert await export_one(client, app_id) == (text, sha256_hex(text.encode()))

    report = verify(tmp_path / "arc", KEY)
    assert report.ok and report.checked == 3

    tampered = tmp_path / "arc" / f"{handles[2].id}.json"
    tampered.write_text(tampered.read_text().replace('"eventId": "1"', '"eventId": "7"', 1))
    report = verify(tmp_path / "arc", KEY)
    assert not report.ok and report.altered == [tampered.name]
    assert (report.missing, report.added, report.bad_signature) == ([], [], False)


async def test_the_export_command_writes_a_verifiable_archive(
        dev_server: WorkflowEnvironment, tmp_path: Path) -> None:
    address = dev_server.client.service_client.config.target_host
    out = io.StringIO()
    # A cycle no test starts: the command's wiring, not the histories, is under test here.
    code = await asyncio.to_thread(
        cli, ["history", "export", "--cycle", "1200", "--out", str(tmp_path / "a")], address, out)
    assert code == 0, out.getvalue()
    assert out.getvalue().splitlines()[-1] == (
        f"wrote 0 histories of cycle 1200 and {MANIFEST} to {tmp_path / 'a'}")
    out = io.StringIO()
    code = await asyncio.to_thread(cli, ["history", "verify", str(tmp_path / "a")], address, out)
    assert (code, out.getvalue()) == (0, f"OK: 0 files in {tmp_path / 'a'} match the signed "
                                         "manifest\n")
    out = io.StringIO()
    code = await asyncio.to_thread(
        cli, ["history", "export", "--cycle", "1200", "--out", str(tmp_path / "a")], address, out)
    assert code == 1 and "not an empty directory" in out.getvalue()
