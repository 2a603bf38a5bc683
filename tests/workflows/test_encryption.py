"""Personal data is ciphertext in Temporal: in its database, `temporal workflow show` and the
exported archive. With the key, the timeline and replay read it; without, nothing does.

On the real dev server (the session `dev_server`, whose client carries the codec).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.applicant import ApplicantInput
from daftar.core.codec import data_converter
from daftar.domain.decisions import Outcome
from daftar.domain.stages import DecisionStage
from daftar.gateway.replay import replay, replayer
from daftar.services.archive import MANIFEST, export_cycle, history_json
from daftar.services.timeline import timeline
from tests.conftest import TEST_KEYRING
from tests.stacks import running_worker
from tests.workflows.conftest import Harness
from tests.workflows.steps import Handle, decide, ended, exam, register
from tests.workflows.test_archive import KEY, YEAR, cli_show, settled, visible

FIRST, LAST = "Golnesa", "Sepahbodi-Varjavand"
REASON = "rumoured ties to a smuggling ring in Bandar Abbas"


def payloads(node: Any) -> Iterator[dict[str, Any]]:
    """Every payload (a dict with `metadata`) in a history's proto JSON."""
    if isinstance(node, dict):
        if isinstance(node.get("metadata"), dict):
            yield node
        for value in node.values():
            yield from payloads(value)
    elif isinstance(node, list):
        for value in node:
            yield from payloads(value)


def readable(payload: dict[str, Any]) -> str:
    """What a reader without the key gets from one payload: its data, base64-decoded, and
    parsed as JSON when it parses."""
    try:
        raw = base64.b64decode(payload.get("data", ""))
    except binascii.Error:
        return ""
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw.decode("latin-1")


def assert_no_personal_data(text: str, secrets: list[str]) -> int:
    """No secret in `text` (a history's JSON) nor in any payload's decoded data; the number
    of encrypted payloads seen."""
    for secret in secrets:
        assert secret not in text, secret
    found = list(payloads(json.loads(text)))
    for payload in found:
        plain = readable(payload)
        for secret in secrets:
            assert secret not in plain, (secret, payload)
    sealed = [p for p in found
              if base64.b64decode(p["metadata"].get("encoding", "")) == b"binary/encrypted"]
    return len(sealed)


async def rejected_at_security(harness: Harness) -> Handle:
    h = await harness.start(first_name=FIRST, last_name=LAST)
    await register(h)
    await exam(h)
    await decide(h, DecisionStage.interview)
    await decide(h, DecisionStage.qualification)
    await decide(h, DecisionStage.security, Outcome.failed, reason=REASON)
    await ended(h)
    return h


async def test_personal_data_is_ciphertext_without_the_key_and_readable_with_it(
        dev_server: WorkflowEnvironment, engine: Engine, tmp_path: Path) -> None:
    harness = Harness(env=dev_server, engine=engine, task_queue=f"enc-{uuid.uuid4().hex[:8]}")
    client = dev_server.client
    async with running_worker(client, engine, task_queue=harness.task_queue):
        h = await rejected_at_security(harness)
        await settled(h)
    history = await h.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes.input.payloads
    assert started[0].metadata["encoding"] == b"binary/encrypted"
    [inp] = await data_converter(TEST_KEYRING).decode(started, [ApplicantInput])
    secrets = [inp.national_id, FIRST, LAST, REASON]

    # Without the key: the SDK's raw history, and the Temporal CLI's, hold only ciphertext.
    assert assert_no_personal_data(history.to_json(), secrets) > 5
    shown = await cli_show(client.service_client.config.target_host, h.id)
    assert assert_no_personal_data(shown, secrets) > 5
    assert shown == history_json(history)

    # With the key: the auditor's timeline has the reason; the input has the names.
    events = await timeline(history, data_converter(TEST_KEYRING))
    security = [e for e in events if e.kind == "decision" and e.stage == "security"]
    assert [e.reason for e in security] == [REASON]
    assert (inp.form.first_name, inp.form.last_name) == (FIRST, LAST)
    assert events[-1].kind == "closed"

    # The exported archive: ciphertext too.
    own = f"TaskQueue = '{harness.task_queue}'"
    await visible(harness, f"DaftarCycle = {YEAR} AND {own}", 1)
    out = tmp_path / "arc"
    manifest = await export_cycle(client, YEAR, out, KEY, extra_query=own)
    assert list(manifest.files) == [f"{h.id}.json"]
    for path in out.iterdir():
        if path.name != MANIFEST:
            assert assert_no_personal_data(path.read_text(), secrets) > 5

    # Replay: deterministic with the key; without it the inputs cannot even be read.
    [keyed] = await replay([history], using=replayer(TEST_KEYRING))
    assert keyed.deterministic, keyed.error
    [keyless] = await replay([history], using=replayer(None))
    assert not keyless.deterministic
    assert keyless.error is not None and "binary/encrypted" in keyless.error, keyless.error

