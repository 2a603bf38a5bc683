"""Rotating the payload key: a path begun under the old key goes on under the new one, and
its whole history stays readable while the old key stays in the ring (on the dev server)."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import ServiceClient
from temporalio.testing import WorkflowEnvironment

from daftar.core.codec import KEY_ID, UnknownKeyError, data_converter
from daftar.core.seal import FORGED, SealInterceptor, SealKeys
from daftar.domain.stages import DecisionStage, Stage
from daftar.gateway.replay import replay, replayer
from daftar.services.timeline import timeline
from tests.stacks import running_worker
from tests.workflows.conftest import Harness
from tests.workflows.steps import decide, exam, register
from tests.workflows.test_encryption import payloads

OLD = {"2026-11": bytes(range(32))}
NEW = {"2027-01": bytes(range(32, 64)), **OLD}


def client_with(service: ServiceClient, ring: dict[str, bytes],
                sealing: tuple[str, ...] | None = None) -> Client:
    """A client of daftar's (codec and seals) holding `ring`, sealing with `sealing`."""
    return Client(service, namespace="default", data_converter=data_converter(ring),
                  interceptors=[SealInterceptor(SealKeys.from_keyring(ring, sealing))])


async def registered(starter: Client, worker: Client, engine: Engine, prefix: str,
                     ) -> tuple[str, str]:
    """A path started through `starter` on a task queue of its own, and registered while a
    worker of `worker`'s key ring runs it: the workflow id and the task queue, which workers
    of other key rings take next."""
    harness = Harness(env=WorkflowEnvironment.from_client(starter), engine=engine,
                      task_queue=f"{prefix}-{uuid.uuid4().hex[:8]}")
    async with running_worker(worker, engine, task_queue=harness.task_queue):
        h = await harness.start()
        assert (await register(h)).stage == Stage.awaiting_exam
    return h.id, harness.task_queue


def key_ids(history_json: str) -> list[str]:
    """The key id of every encrypted payload, in history order."""
    return [base64.b64decode(p["metadata"][KEY_ID]).decode()
            for p in payloads(json.loads(history_json)) if KEY_ID in p["metadata"]]


async def test_a_path_begun_under_the_old_key_finishes_under_the_new(
        dev_server: WorkflowEnvironment, engine: Engine) -> None:
    service = dev_server.client.service_client
    before = client_with(service, OLD)
    after = client_with(service, NEW)
    workflow_id, queue = await registered(before, before, engine, "rotate")
    # The key is rotated: worker and client restart with the new key first.
    async with running_worker(after, engine, task_queue=queue):
        rotated = after.get_workflow_handle(workflow_id)
        await exam(rotated)
        state = await decide(rotated, DecisionStage.interview)
        assert state.stage == Stage.awaiting_qualification
        history = await rotated.fetch_history()
        await rotated.terminate(reason="end of test")

    ids = key_ids(history.to_json())
    assert ids[0] == "2026-11"  # the registration, sealed before the rotation
    assert ids[-1] == "2027-01" and set(ids) == {"2026-11", "2027-01"}

    events = await timeline(history, data_converter(NEW))
    assert [e.kind for e in events if e.kind in ("registered", "exam_result", "decision")] == [
        "registered", "exam_result", "decision"]
    [verdict] = await replay([history], using=replayer(NEW))
    assert verdict.deterministic, verdict.error
    # Retire the old key too early and the oldest events can no longer be read.
    with pytest.raises(UnknownKeyError, match="2026-11"):
        await timeline(history, data_converter({"2027-01": NEW["2027-01"]}))


async def test_a_rolling_restart_accepts_both_keys_and_then_only_the_new(
        dev_server: WorkflowEnvironment, engine: Engine) -> None:
    """Rolling to a new sealing key: while some processes seal with the old key and some with
    the new, every worker accepts both; once the old key is decrypt-only, a message still
    sealed with it is refused and changes nothing."""
    service = dev_server.client.service_client
    old_first = {**OLD, "2027-01": NEW["2027-01"]}  # step 1: the new key added after the old
    step1 = client_with(service, old_first, ("2026-11", "2027-01"))
    step2 = client_with(service, NEW, ("2027-01", "2026-11"))  # step 2: the new key first
    step3 = client_with(service, NEW)  # step 3: the old key only decrypts
    # A worker still at step 1 takes what an API already at step 2 sealed.
    workflow_id, queue = await registered(step2, step1, engine, "roll")
    # A worker at step 3 refuses what an API left at step 1 still seals with the old key.
    async with running_worker(step3, engine, task_queue=queue):
        stale = step1.get_workflow_handle(workflow_id)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await exam(stale)
        assert getattr(refused.value.cause, "type", None) == FORGED
        current = step3.get_workflow_handle(workflow_id)
        assert (await exam(current)).stage == Stage.awaiting_interview
        await current.terminate(reason="end of test")
