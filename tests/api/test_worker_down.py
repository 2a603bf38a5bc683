"""No daftar worker on the task queue while Temporal and the database are up.

The API runs over the session's Temporal dev server and a read model of its own, on a task
queue no worker has polled yet. Every read of a workflow and every change answers 503
`worker_unavailable` at once, naming the worker, and `/readyz` is not ready; a change is then
not sent at all, so once a worker runs the application stands where it stood and the change
sent again is applied once. An `Idempotency-Key` keeps a change sent twice to one.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from daftar.app import create_app
from daftar.contracts.ids import cycle_workflow_id
from daftar.core.settings import Settings
from daftar.domain import jalali
from daftar.domain.stages import Role
from daftar.store.db import create_schema, make_engine, session_factory
from daftar.worker import build_worker
from tests.api.conftest import registration_window
from tests.api.helpers import (
    FEE,
    ID_KEY,
    SECRET,
    auth,
    eventually,
    image,
    load_pass_mark,
)
from tests.conftest import TEST_CODEC_KEYS
from tests.factories import form
from tests.outages import serve

YEAR = 1431
#: The bound a caller waits for any answer here; the API answers well within it.
PATIENCE = 20


@pytest.fixture(scope="module")
def engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    engine = make_engine(read_model_url("noworker"))
    create_schema(engine)
    yield engine
    engine.dispose()


@contextlib.asynccontextmanager
async def api_without_worker(env: WorkflowEnvironment, engine: Engine,
                             task_queue: str) -> AsyncIterator[httpx.AsyncClient]:
    """The API on `task_queue`, which no worker polls, over the session's Temporal."""
    settings = Settings(jwt_secret=SecretStr(SECRET), id_key=SecretStr(ID_KEY),
                        codec_keys=SecretStr(TEST_CODEC_KEYS), task_queue=task_queue)
    server, task, base = await serve(create_app(settings, client=env.client, engine=engine))
    try:
        async with httpx.AsyncClient(base_url=base, timeout=PATIENCE) as api:
            yield api
    finally:
        server.should_exit = True
        await task


@contextlib.asynccontextmanager
async def worker(env: WorkflowEnvironment, engine: Engine, task_queue: str,
                 ) -> AsyncIterator[None]:
    with ThreadPoolExecutor(max_workers=16) as executor:
        async with build_worker(env.client, task_queue=task_queue,
                                sessions=session_factory(engine), executor=executor):
            yield


def worker_unavailable(r: httpx.Response) -> str:
    """The message of a 503 `worker_unavailable` with a Retry-After hint."""
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "worker_unavailable", r.text
    assert int(r.headers["Retry-After"]) > 0
    message: str = error["message"]
    assert message.startswith("No daftar worker is running"), message
    return message


async def test_without_a_worker_nothing_is_sent_and_a_resend_applies_once(
        dev_server: WorkflowEnvironment, engine: Engine) -> None:
    queue = f"noworker-{uuid.uuid4().hex[:8]}"
    async with api_without_worker(dev_server, engine, queue) as api:
        r = await api.get("/readyz")
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) > 0
        assert r.json()["checks"] == {"temporal": "ok", "database": "ok", "worker": "down"}
        assert "no daftar worker is running" in r.json()["reason"]
        assert queue in r.json()["reason"]

        start, end = registration_window(jalali.business_day(datetime.now(UTC)))
        r = await api.post("/v1/cycles", headers=auth(Role.admin), json={
            "year": YEAR, "registration_start": start, "registration_end": end,
            "fee_rials": FEE,
            "cities": [{"province": "Tehran", "city": "Tehran", "capacity": 5,
                        "priority": 1}]})
        assert r.status_code == 201, r.text
        load_pass_mark(engine, YEAR)
        # Registration only starts the workflow: Temporal keeps it until a worker runs it.
        r = await api.post(f"/v1/cycles/{YEAR}/applications", json=form())
        assert r.status_code == 201, r.text
        app_id = r.json()["application_id"]
        applicant = auth(Role.applicant, sub=app_id)
        path = f"/v1/applications/{app_id}"

        # A read needs a worker: the answer names it, not Temporal.
        worker_unavailable(await api.get(path, headers=auth(Role.admin)))
        # A change is not sent: not applied, and no key to resend it with is needed.
        r = await api.put(f"{path}/photo", content=image(),
                          headers={**applicant, "content-type": "image/jpeg"})
        assert "not applied" in worker_unavailable(r)
        assert "Idempotency-Key" not in r.headers
        # A cohort step likewise: nothing reaches Temporal, not even the cycle's workflow.
        r = await api.post(f"/v1/cycles/{YEAR}/exam-results/publish",
                           headers=auth(Role.exam_officer))
        assert "not applied" in worker_unavailable(r)
        with pytest.raises(RPCError) as gone:
            await dev_server.client.get_workflow_handle(cycle_workflow_id(YEAR)).describe()
        assert gone.value.status == RPCStatusCode.NOT_FOUND
        # A caller's own key comes back, with what it means for an earlier request.
        r = await api.put(f"{path}/photo", content=image(),
                          headers={**applicant, "content-type": "image/jpeg",
                                   "Idempotency-Key": "photo-1"})
        assert "same Idempotency-Key" in worker_unavailable(r)
        assert r.headers["Idempotency-Key"] == "photo-1"

        async with worker(dev_server, engine, queue):
            async def ready() -> bool:
                return (await api.get("/readyz")).status_code == 200

            await eventually(ready, "/readyz once a worker polls")
            state = await _get(api, path)
            # As answered: nothing of the refused changes was applied.
            assert state["stage"] == "awaiting_payment"
            assert state["photo"] is None
            assert [d for d in state["decisions"] if d["stage"] == "photo"] == []

            # Sent again with the key, twice: applied once.
            for _ in range(2):
                r = await api.put(f"{path}/photo", content=image(),
                                  headers={**applicant, "content-type": "image/jpeg",
                                           "Idempotency-Key": "photo-1"})
                assert r.status_code == 204, r.text
            r = await api.post(f"{path}/payment",
                               json={"reference": f"PAY-{app_id}", "amount_rials": FEE},
                               headers=auth(Role.payment_gateway, sub="gateway"))
            assert r.status_code == 200, r.text
            state = await _get(api, path)
            assert state["stage"] == "awaiting_exam"
            assert [d["stage"] for d in state["decisions"]].count("photo") == 1
            r = await api.get(f"{path}/history", headers=auth(Role.auditor))
            assert r.status_code == 200, r.text
            kinds = [e["kind"] for e in r.json()]
            assert (kinds.count("photo"), kinds.count("paid")) == (1, 1), kinds


async def test_a_malformed_idempotency_key_is_refused(dev_server: WorkflowEnvironment,
                                                      engine: Engine) -> None:
    async with api_without_worker(dev_server, engine, f"noworker-{uuid.uuid4().hex[:8]}") as api:
        r = await api.post("/v1/applications/x/withdraw", headers={
            **auth(Role.applicant, sub="x"), "Idempotency-Key": "k" * 201})
        assert r.status_code == 422, r.text
        assert [v["field"] for v in r.json()["error"]["rules"]] == ["Idempotency-Key"]


async def _get(api: httpx.AsyncClient, path: str) -> Any:
    r = await api.get(path, headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    return r.json()
