"""Decisions while no worker serves the task queue, on a private stack: each gets a bounded
503 `worker_unavailable` that says whether it may still be applied, and the state a new
worker finds is the one the answer said.

- Killed (SIGKILL) and not replaced: Temporal still lists the worker by its last poll, so the
  decision is sent and waits; once Temporal shows the workflow's task unstarted for 10 s the
  answer says it may still be applied, once, and gives its Idempotency-Key. A new worker
  applies it; sent again with the key it answers the same result, and the history holds it
  once.
- None at all (stopped, and Temporal restarted, which forgets every poller): the decision is
  not sent and the answer says so at once; /readyz names the worker; a new worker finds the
  application where it stood, and the decision sent again is applied once.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from daftar.domain.stages import Role
from tests.api.helpers import YEAR, Applicant, advance, auth, eventually, open_cycle, register
from tests.faults.stack import FaultStack, bounded
from tests.outages import wait_for_port

pytestmark = pytest.mark.faults

INTERVIEW = {"stage": "interview", "outcome": "pass", "score": 80}
#: The bound a caller waits for an answer when no worker runs: the API answers at once.
PATIENCE = 20
#: The bound when a killed worker is still listed: the API waits until Temporal shows that
#: no worker takes the workflow's task (10 s unstarted, some 20 s after the kill) and answers.
PATIENCE_AFTER_KILL = 60


@pytest.fixture(scope="module")
def fault_database_url(read_model_url: Callable[[str], str]) -> str:
    return read_model_url("workerdown")


async def test_decisions_without_a_worker_are_answered_and_applied_at_most_once(
        stack: FaultStack) -> None:
    await bounded(_scenario(stack), 300)


async def _scenario(stack: FaultStack) -> None:
    api = stack.api
    await open_cycle(api, YEAR, capacity=5, engine=stack.engine)
    killed_on = await register(api)
    stopped_on = await register(api)
    for app in (killed_on, stopped_on):
        await advance(api, app, "awaiting_interview")

    # --- the worker killed mid-way: the decision may still be applied, once ---------------
    assert await stack.worker.kill() == -signal.SIGKILL
    r = await _decide(api, killed_on, patience=PATIENCE_AFTER_KILL)
    message = _worker_unavailable(r)
    key = r.headers["Idempotency-Key"]
    assert "may still be applied, once" in message and key in message
    # Reading it needs a worker too: the answer names the worker, not Temporal.
    r = await api.get(f"/v1/applications/{killed_on.id}", headers=auth(Role.admin),
                      timeout=PATIENCE_AFTER_KILL)
    assert "worker" in _worker_unavailable(r)

    await stack.new_worker()
    await _stands_at(api, killed_on, "awaiting_qualification")  # applied when it returned
    r = await _decide(api, killed_on, key=key)  # the same change again: its result
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "awaiting_qualification"
    assert await _interviews(api, killed_on) == (1, 1)

    # --- no worker at all: the decision is not sent ---------------------------------------
    await stack.worker.stop()
    await asyncio.to_thread(stack.temporal.stop)
    stack.temporal.start()  # same port and file; it has forgotten every poller
    await asyncio.to_thread(wait_for_port, stack.temporal.port)

    async def temporal_answers() -> dict[str, Any] | None:
        r = await api.get("/readyz")
        body: dict[str, Any] = r.json()
        return body if body["checks"]["temporal"] == "ok" else None

    ready = await eventually(temporal_answers, "Temporal answering again", attempts=300)
    assert ready["status"] == "unavailable"
    assert ready["checks"] == {"temporal": "ok", "database": "ok", "worker": "down",
                               "objects": "ok"}
    assert "no daftar worker is running" in ready["reason"]
    r = await api.get(f"/v1/applications/{stopped_on.id}", headers=auth(Role.admin),
                      timeout=PATIENCE)
    assert _worker_unavailable(r).startswith("No daftar worker is running")
    r = await _decide(api, stopped_on, patience=PATIENCE)
    message = _worker_unavailable(r)
    assert message.startswith("No daftar worker is running") and "not applied" in message
    assert "Idempotency-Key" not in r.headers

    await stack.new_worker()

    async def ready_again() -> bool:
        return (await api.get("/readyz")).status_code == 200

    await eventually(ready_again, "/readyz once a worker polls", attempts=300)
    await _stands_at(api, stopped_on, "awaiting_interview")  # as answered: not applied
    assert await _interviews(api, stopped_on) == (0, 0)
    r = await _decide(api, stopped_on)
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "awaiting_qualification"
    assert await _interviews(api, stopped_on) == (1, 1)


async def _decide(api: httpx.AsyncClient, app: Applicant, *, key: str | None = None,
                  patience: float = PATIENCE) -> httpx.Response:
    headers = auth(Role.interviewer)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await api.post(f"/v1/applications/{app.id}/decisions", json=INTERVIEW,
                          headers=headers, timeout=patience)


def _worker_unavailable(r: httpx.Response) -> str:
    """The message of a 503 `worker_unavailable` with a Retry-After hint."""
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "worker_unavailable", r.text
    assert int(r.headers["Retry-After"]) > 0
    message: str = r.json()["error"]["message"]
    return message


async def _stands_at(api: httpx.AsyncClient, app: Applicant, stage: str) -> None:
    """Until the application reads back at `stage` (a new worker may take a moment to serve
    the workflows the old one held)."""
    async def there() -> bool:
        r = await api.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
        return r.status_code == 200 and r.json()["stage"] == stage

    await eventually(there, f"{app.id} at {stage}", attempts=600)


async def _interviews(api: httpx.AsyncClient, app: Applicant) -> tuple[int, int]:
    """Interview decisions in the auditor's timeline and in the workflow's own records."""
    r = await api.get(f"/v1/applications/{app.id}/history", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    timeline = sum(1 for e in r.json() if e["kind"] == "decision" and e["stage"] == "interview")
    r = await api.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    records = sum(1 for d in r.json()["decisions"] if d["stage"] == "interview")
    return timeline, records
