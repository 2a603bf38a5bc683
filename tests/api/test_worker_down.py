"""No daftar worker on the task queue while Temporal and the database are up.

The API runs over the session's Temporal dev server and a read model of its own, on a task
queue no worker has polled yet. Every read of a workflow and every change answers 503
`worker_unavailable` at once, naming the worker, and `/readyz` is not ready; a change is then
not sent at all, so once a worker runs the application stands where it stood and the change
sent again is applied once. An `Idempotency-Key` keeps a change sent twice to one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.ids import cycle_workflow_id
from daftar.domain.stages import Role
from tests.api.helpers import FEE, Stack, auth, eventually, image, open_cycle
from tests.conftest import read_model
from tests.factories import form
from tests.stacks import running_stack, running_worker

YEAR = 1431
#: The bound a caller waits for any answer here; the API answers well within it.
PATIENCE = 20
#: The Idempotency-Key a caller sends with the photo it sends again once a worker runs.
KEY = "photo-1"


@pytest.fixture(scope="module")
def engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    with read_model(read_model_url("noworker")) as engine:
        yield engine


@dataclass
class Refused:
    """The API on a task queue no worker polls, one application registered there, and what
    the API answered while no worker ran."""

    stack: Stack
    api: httpx.AsyncClient
    app_id: str
    ready: httpx.Response  # /readyz
    read: httpx.Response  # the application read back
    change: httpx.Response  # a photo without an Idempotency-Key
    cohort: httpx.Response  # the cycle's results published
    keyed: httpx.Response  # the photo with the caller's Idempotency-Key

    @property
    def path(self) -> str:
        return f"/v1/applications/{self.app_id}"

    @property
    def applicant(self) -> dict[str, str]:
        return auth(Role.applicant, sub=self.app_id)


@pytest.fixture(scope="module")
async def refused(dev_server: WorkflowEnvironment, engine: Engine) -> AsyncIterator[Refused]:
    """Every request of the module's scenario that a missing worker refuses, sent once."""
    async with (running_stack(dev_server, engine, queue_prefix="noworker",
                              worker=False) as stack,
                httpx.AsyncClient(base_url=stack.base_url, timeout=PATIENCE) as api):
        ready = await api.get("/readyz")
        await open_cycle(api, YEAR, engine=engine)
        # Registration only starts the workflow: Temporal keeps it until a worker runs it.
        r = await api.post(f"/v1/cycles/{YEAR}/applications", json=form())
        assert r.status_code == 201, r.text
        app_id = r.json()["application_id"]
        path = f"/v1/applications/{app_id}"
        photo = {**auth(Role.applicant, sub=app_id), "content-type": "image/jpeg"}
        yield Refused(
            stack=stack, api=api, app_id=app_id, ready=ready,
            read=await api.get(path, headers=auth(Role.admin)),
            change=await api.put(f"{path}/photo", content=image(), headers=photo),
            cohort=await api.post(f"/v1/cycles/{YEAR}/exam-results/publish",
                                  headers=auth(Role.exam_officer)),
            keyed=await api.put(f"{path}/photo", content=image(),
                                headers={**photo, "Idempotency-Key": KEY}))


@pytest.fixture(scope="module")
async def worker_back(dev_server: WorkflowEnvironment, engine: Engine,
                      refused: Refused) -> AsyncIterator[dict[str, Any]]:
    """A worker on the refused requests' task queue, once /readyz says so: the application's
    state as it then reads back."""
    async with running_worker(dev_server.client, engine, task_queue=refused.stack.task_queue):
        async def ready() -> bool:
            return (await refused.api.get("/readyz")).status_code == 200

        await eventually(ready, "/readyz once a worker polls")
        yield await _get(refused.api, refused.path)


def worker_unavailable(r: httpx.Response) -> str:
    """The message of a 503 `worker_unavailable` with a Retry-After hint."""
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "worker_unavailable", r.text
    assert int(r.headers["Retry-After"]) > 0
    message: str = error["message"]
    assert message.startswith("No daftar worker is running"), message
    return message


def test_without_a_worker_readyz_names_the_missing_worker_and_its_queue(
        refused: Refused) -> None:
    r = refused.ready
    assert r.status_code == 503, r.text
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["checks"] == {"temporal": "ok", "database": "ok", "worker": "down",
                                  "objects": "ok"}
    assert "no daftar worker is running" in r.json()["reason"]
    assert refused.stack.task_queue in r.json()["reason"]


def test_without_a_worker_a_read_answers_503_naming_the_worker(refused: Refused) -> None:
    # The answer names the worker, not Temporal.
    worker_unavailable(refused.read)


def test_without_a_worker_a_change_is_not_sent_and_gets_no_key(refused: Refused) -> None:
    # Not applied, and no key to resend it with is needed.
    assert "not applied" in worker_unavailable(refused.change)
    assert "Idempotency-Key" not in refused.change.headers


async def test_without_a_worker_a_cohort_step_starts_no_cycle_workflow(
        refused: Refused, dev_server: WorkflowEnvironment) -> None:
    # Nothing reaches Temporal, not even the cycle's workflow.
    assert "not applied" in worker_unavailable(refused.cohort)
    with pytest.raises(RPCError) as gone:
        await dev_server.client.get_workflow_handle(cycle_workflow_id(YEAR)).describe()
    assert gone.value.status == RPCStatusCode.NOT_FOUND


def test_without_a_worker_a_callers_own_key_comes_back(refused: Refused) -> None:
    # The key comes back, with what it means for an earlier request.
    assert "same Idempotency-Key" in worker_unavailable(refused.keyed)
    assert refused.keyed.headers["Idempotency-Key"] == KEY


def test_a_new_worker_finds_none_of_the_refused_changes_applied(
        worker_back: dict[str, Any]) -> None:
    # As answered: nothing of the refused changes was applied.
    assert worker_back["stage"] == "awaiting_payment"
    assert worker_back["photo"] is None
    assert [d for d in worker_back["decisions"] if d["stage"] == "photo"] == []


async def test_a_change_resent_twice_with_its_key_is_applied_once(
        refused: Refused, worker_back: dict[str, Any]) -> None:
    api, path = refused.api, refused.path
    for _ in range(2):
        r = await api.put(f"{path}/photo", content=image(),
                          headers={**refused.applicant, "content-type": "image/jpeg",
                                   "Idempotency-Key": KEY})
        assert r.status_code == 204, r.text
    r = await api.post(f"{path}/payment",
                       json={"reference": f"PAY-{refused.app_id}", "amount_rials": FEE},
                       headers=auth(Role.payment_gateway, sub="gateway"))
    assert r.status_code == 200, r.text
    state = await _get(api, path)
    assert state["stage"] == "awaiting_exam"
    assert [d["stage"] for d in state["decisions"]].count("photo") == 1
    r = await api.get(f"{path}/history", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    kinds = [e["kind"] for e in r.json()]
    assert (kinds.count("photo"), kinds.count("paid")) == (1, 1), kinds


async def test_a_malformed_idempotency_key_is_refused(refused: Refused) -> None:
    r = await refused.api.post("/v1/applications/x/withdraw", headers={
        **auth(Role.applicant, sub="x"), "Idempotency-Key": "k" * 201})
    assert r.status_code == 422, r.text
    assert [v["field"] for v in r.json()["error"]["rules"]] == ["Idempotency-Key"]


async def _get(api: httpx.AsyncClient, path: str) -> Any:
    r = await api.get(path, headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    return r.json()
