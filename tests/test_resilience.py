"""Graceful life: the API answers 503 with Retry-After while Temporal or PostgreSQL is down
and recovers by itself when they return; nothing accepted meanwhile is lost; a worker stopped
with SIGTERM drains, and the next one takes over.

A private Temporal dev server (on a SQLite file) and a private PostgreSQL cluster are really
stopped and started; the API and worker run in this process against them (the draining worker
is `daftar worker` in a process of its own, on the fault tests' private stack).
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from daftar.app import create_app
from daftar.core.settings import Settings, new_codec_key
from daftar.domain.stages import Role
from daftar.gateway.temporal import connect
from daftar.store.db import session_factory
from daftar.store.models import ApplicationRecord
from tests.api.helpers import FEE, PASS, auth, image, open_cycle
from tests.conftest import free_port, read_model
from tests.factories import form
from tests.faults.stack import fault_stack
from tests.outages import PrivatePostgres, PrivateTemporal
from tests.stacks import api_settings, running_worker, serving

YEAR = 1410


@pytest.fixture
def postgres() -> Any:
    pg = PrivatePostgres()
    pg.start()
    yield pg
    pg.remove()


@pytest.fixture
def temporal(tmp_path: Path) -> Any:
    server = PrivateTemporal(tmp_path)
    yield server
    server.stop()


async def until(check: Any, what: str, seconds: float = 90) -> Any:
    """Poll `check` (an async callable) until it returns something truthy."""
    for _ in range(int(seconds / 0.25)):
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.25)
    raise AssertionError(f"never happened within {seconds} s: {what}")


async def _status_is(request: Any, status: int) -> bool:
    r: httpx.Response = await request
    return r.status_code == status


def unavailable(r: httpx.Response) -> bool:
    """docs/api.md's 503: the error shape, a code, and a Retry-After hint in seconds."""
    return (r.status_code == 503 and r.json()["error"]["code"] == "unavailable"
            and int(r.headers["Retry-After"]) > 0)


async def test_outages_give_503_and_the_api_recovers_by_itself(
        postgres: PrivatePostgres, temporal: PrivateTemporal) -> None:
    settings = api_settings(
        f"outage-{uuid.uuid4().hex[:8]}", codec_keys=new_codec_key("outage"),
        database_url=postgres.url, temporal_address=temporal.address)
    # The API starts while Temporal is still down.
    with read_model(postgres.url) as engine:
        async with (serving(create_app(settings)) as base,
                    httpx.AsyncClient(base_url=base, timeout=30) as api):
            await _walk_through_outages(api, settings, engine, postgres, temporal)


async def _walk_through_outages(api: httpx.AsyncClient, settings: Settings, engine: Any,
                                postgres: PrivatePostgres, temporal: PrivateTemporal) -> None:
    admin = auth(Role.admin)
    assert (await api.get("/healthz")).status_code == 200
    r = await api.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"] == {"temporal": "down",
                                                           "database": "ok",
                                                           "worker": "unknown",
                                                           "objects": "ok"}
    await open_cycle(api, YEAR, engine=engine)
    assert unavailable(await api.post(f"/v1/cycles/{YEAR}/applications", json=form()))

    temporal.start()
    client = await connect(await _when_up(settings))
    async with running_worker(client, engine, task_queue=settings.task_queue):
        first = await until(lambda: _register(api), "registration once Temporal is up")
        # Ready once the new worker's first poll reaches Temporal (registration needs none).
        await until(lambda: _status_is(api.get("/readyz"), 200), "ready with a worker polling")

        temporal.stop()
        assert unavailable(await api.post(f"/v1/cycles/{YEAR}/applications", json=form()))
        assert unavailable(await _pay(api, first))
        assert (await api.get("/readyz")).json()["checks"]["temporal"] == "down"
        temporal.start()
        r = await until(lambda: _ok(_pay(api, first)), "payment once Temporal is back")
        assert r.json()["stage"] == "awaiting_payment"  # still needs the photo
        r = await api.put(f"/v1/applications/{first}/photo", content=image(),
                          headers={**auth(Role.applicant, sub=first),
                                   "content-type": "image/jpeg"})
        assert r.status_code == 204, r.text
        r = await api.post(f"/v1/applications/{first}/exam-result", json=PASS,
                           headers=auth(Role.exam_officer))
        assert r.status_code == 200, r.text
        assert r.json()["stage"] == "awaiting_interview"

        postgres.stop()
        listing = await api.get(f"/v1/applications?cycle={YEAR}", headers=admin)
        assert unavailable(listing)
        r = await api.get("/readyz")
        assert r.json()["checks"] == {"temporal": "ok", "database": "down", "worker": "ok",
                                      "objects": "ok"}
        # The exam result needs the cycle's pass mark, which the database holds.
        assert unavailable(await api.post(f"/v1/applications/{first}/exam-result",
                                          json=PASS, headers=auth(Role.exam_officer)))
        # Decisions go to the workflow, which keeps them while the read model is down.
        r = await api.post(f"/v1/applications/{first}/decisions",
                           json={"stage": "interview", "outcome": "pass", "score": 80},
                           headers=auth(Role.interviewer))
        assert r.status_code == 200, r.text
        assert r.json()["stage"] == "awaiting_qualification"
        postgres.start()
        await until(lambda: _recorded_stage(engine, first, "awaiting_qualification"),
                    "the read model converging to the workflow")
        r = await api.get(f"/v1/applications?cycle={YEAR}", headers=admin)
        assert r.status_code == 200
        assert [(i["application_id"], i["stage"]) for i in r.json()["items"]] == [
            (first, "awaiting_qualification")]
        assert (await api.get("/readyz")).status_code == 200


async def _when_up(settings: Settings) -> Settings:
    async def up() -> bool:
        try:
            await connect(settings)
        except RuntimeError:
            return False
        return True

    await until(up, "Temporal answering")
    return settings


async def _register(api: httpx.AsyncClient) -> str | None:
    r = await api.post(f"/v1/cycles/{YEAR}/applications", json=form())
    if r.status_code == 503:
        return None
    assert r.status_code == 201, r.text
    app_id: str = r.json()["application_id"]
    return app_id


async def _pay(api: httpx.AsyncClient, app_id: str) -> httpx.Response:
    return await api.post(f"/v1/applications/{app_id}/payment",
                          json={"reference": f"PAY-{app_id}", "amount_rials": FEE},
                          headers=auth(Role.payment_gateway, sub="gateway"))


async def _ok(call: Any) -> httpx.Response | None:
    r: httpx.Response = await call
    return r if r.status_code == 200 else None


async def _recorded_stage(engine: Any, app_id: str, stage: str) -> bool:
    def read() -> str | None:
        with session_factory(engine)() as s:
            row = s.execute(select(ApplicationRecord.stage).where(
                ApplicationRecord.application_id == app_id)).scalar_one_or_none()
            return None if row is None else str(row)

    try:
        return await asyncio.to_thread(read) == stage
    except Exception:  # the database is still coming back
        return False


async def test_the_worker_drains_on_sigterm_and_a_new_one_takes_over(
        tmp_path: Path) -> None:
    metrics_port = free_port()
    metrics = {"DAFTAR_WORKER_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
               "DAFTAR_SHUTDOWN_GRACE_SECONDS": "30"}
    async with fault_stack(tmp_path, **metrics) as stack:
        api, first = stack.api, stack.worker  # the first worker migrated the read model
        async with httpx.AsyncClient() as scrape:
            scraped = await scrape.get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert scraped.status_code == 200 and "temporal_" in scraped.text
        app_id = await _paid_applicant(api, stack.engine)

        assert await first.terminate() == 0
        events = first.events()
        assert "draining: no new tasks; running ones may finish" in events
        assert events[-1] == "worker stopped"
        # Sent while no worker runs: accepted once a new worker is up, and only once.
        decision = asyncio.create_task(api.post(
            f"/v1/applications/{app_id}/exam-result", json=PASS,
            headers=auth(Role.exam_officer), timeout=90))
        second = await stack.new_worker()
        r = await decision
        if r.status_code == 503:  # the server gave up waiting first; the call is retried
            r = await api.post(f"/v1/applications/{app_id}/exam-result", json=PASS,
                               headers=auth(Role.exam_officer), timeout=90)
        assert r.status_code == 200, r.text
        assert r.json()["stage"] == "awaiting_interview"
        history = await api.get(f"/v1/applications/{app_id}/history",
                                headers=auth(Role.auditor))
        kinds = [e["kind"] for e in history.json()]
        assert kinds.count("exam_result") == 1
        assert await second.terminate() == 0


async def _paid_applicant(api: httpx.AsyncClient, engine: Engine) -> str:
    await open_cycle(api, YEAR, engine=engine)
    app_id = await _register(api)
    assert app_id is not None
    r = await api.put(f"/v1/applications/{app_id}/photo", content=image(),
                      headers={**auth(Role.applicant, sub=app_id),
                               "content-type": "image/jpeg"})
    assert r.status_code == 204, r.text
    r = await _pay(api, app_id)
    assert r.status_code == 200 and r.json()["stage"] == "awaiting_exam", r.text
    return app_id
