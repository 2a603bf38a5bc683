"""The access log's recorder on a small app of its own: what it records, and that no data
leaves when the entry cannot be written."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from daftar.api import access, errors, metrics
from daftar.api.auth import require
from daftar.app import create_app
from daftar.core.errors import ServiceError
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.services.auth import Principal
from daftar.store.access_log import AccessLogEntry
from daftar.store.db import make_engine, migrate, session_factory
from tests.api.helpers import SECRET, bearer, token
from tests.logcapture import captured_logs
from tests.stacks import api_settings

APP_ID = "0123456789abcdef"
PERSONAL = "0012345678"  # what the routes below answer: it must never leave without an entry

Reader = Annotated[Principal, Depends(require(*STAFF_ROLES, Role.applicant))]


def small_app(engine: Engine) -> FastAPI:
    """The recorder between the API's log context and three routes of `access.READS`."""
    app = FastAPI()
    errors.install(app)
    access.install(app, pages=lambda _, err: HTMLResponse(f"<p>page {err.code}</p>",
                                                          status_code=err.status))
    metrics.install(app)
    app.state.settings = SimpleNamespace(signing_secret=SECRET)
    app.state.sessions = session_factory(engine)

    @app.get("/v1/applications/{app_id}")
    async def record(app_id: str, principal: Reader, missing: bool = False) -> dict[str, str]:
        if missing:
            raise ServiceError(404, "not_found", "Unknown application.")
        return {"national_id": PERSONAL}

    @app.get("/console/applications/{app_id}")
    async def console_page(app_id: str, principal: Reader) -> Response:
        return HTMLResponse(f"<p>{PERSONAL}</p>")

    @app.get("/v1/applications/{app_id}/history")
    async def unguarded(app_id: str) -> dict[str, str]:  # no auth: a bug the recorder catches
        return {"national_id": PERSONAL}

    return app


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'read.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def broken_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database without the access log's table: every entry fails to be written."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    yield engine
    engine.dispose()


async def _client(engine: Engine) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=small_app(engine))
    return httpx.AsyncClient(transport=transport, base_url="http://daftar.test")


@pytest.fixture
async def client(engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client(engine) as c:
        yield c


@pytest.fixture
async def broken(broken_engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client(broken_engine) as c:
        yield c


def entries(engine: Engine) -> list[AccessLogEntry]:
    with Session(engine) as session:
        return list(session.exec(select(AccessLogEntry)))


async def test_a_staff_read_is_recorded_once_before_it_is_answered(
        client: httpx.AsyncClient, engine: Engine) -> None:
    r = await client.get(f"/v1/applications/{APP_ID}",
                         headers={**bearer(token(Role.qualification_officer, Role.auditor,
                                                 sub="officer-7")), "X-Request-ID": "req-7"})
    assert r.status_code == 200 and PERSONAL in r.text
    [entry] = entries(engine)
    assert (entry.actor, entry.roles, entry.application_id, entry.what, entry.request_id) == (
        "officer-7", ["qualification_officer", "auditor"], APP_ID, "record", "req-7")
    assert r.headers["x-request-id"] == "req-7"


async def test_the_request_id_is_the_one_the_api_answers_with(client: httpx.AsyncClient,
                                                               engine: Engine) -> None:
    r = await client.get(f"/console/applications/{APP_ID}", headers=bearer(token(Role.admin)))
    assert r.status_code == 200
    [entry] = entries(engine)
    assert entry.what == "console:application"
    assert entry.request_id == r.headers["x-request-id"] and len(entry.request_id) == 32


async def test_no_entry_for_the_applicant_or_a_refusal(client: httpx.AsyncClient,
                                                       engine: Engine) -> None:
    own = await client.get(f"/v1/applications/{APP_ID}",
                           headers=bearer(token(Role.applicant, sub=APP_ID)))
    assert own.status_code == 200
    missing = await client.get(f"/v1/applications/{APP_ID}", params={"missing": "true"},
                               headers=bearer(token(Role.admin)))
    assert missing.status_code == 404
    anonymous = await client.get(f"/v1/applications/{APP_ID}")
    assert anonymous.status_code == 401
    assert entries(engine) == []


async def test_no_data_leaves_when_the_entry_cannot_be_written(
        broken: httpx.AsyncClient) -> None:
    with captured_logs() as logs:
        r = await broken.get(f"/v1/applications/{APP_ID}",
                             headers=bearer(token(Role.interviewer, sub="panel")))
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "unavailable"
    assert r.headers["retry-after"] == "5"
    assert PERSONAL not in r.text
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    [failure] = [line for line in lines if line.get("logger") == "daftar.access_log"]
    assert failure["level"] == "error" and failure["what"] == "record"
    assert "no such table" in failure["exception"]
    assert failure["actor"] == "panel" and failure["application_id"] == APP_ID


async def test_a_console_page_refused_the_same_way_is_the_consoles(
        broken: httpx.AsyncClient) -> None:
    r = await broken.get(f"/console/applications/{APP_ID}", headers=bearer(token(Role.admin)))
    assert (r.status_code, r.text) == (503, "<p>page unavailable</p>")


async def test_the_applicants_own_read_needs_no_entry_even_then(
        broken: httpx.AsyncClient) -> None:
    r = await broken.get(f"/v1/applications/{APP_ID}",
                         headers=bearer(token(Role.applicant, sub=APP_ID)))
    assert r.status_code == 200


async def test_a_read_route_that_authorised_nobody_answers_nothing(
        client: httpx.AsyncClient, engine: Engine) -> None:
    r = await client.get(f"/v1/applications/{APP_ID}/history")
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal"
    assert PERSONAL not in r.text
    assert entries(engine) == []


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, template) of every route the app serves, through included routers too."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # a FastAPI whose app.routes is flat already
        return {(m, r.path_format) for r in app.routes if isinstance(r, APIRoute)
                for m in r.methods}
    return {(m, c.path_format or "") for c in iter_route_contexts(app.routes)
            for m in (c.methods or ())}


def test_every_read_of_one_application_is_in_the_table() -> None:
    """A new route that reads one applicant's data must be named in `access.READS` (or this
    test changed on purpose); the console's entries all exist."""
    app = create_app(api_settings("unused"))
    served = served_routes(app)
    reads = {key for key in served if key[0] == "GET" and "{app_id}" in key[1]}
    assert reads - set(access.READS) == set()
    console = {key for key in access.READS if key[1].startswith("/console/")}
    assert console - served == set()


async def test_the_recorder_sees_the_principal_of_this_request_only(engine: Engine) -> None:
    """The state a server shares between requests never carries a principal into one."""
    stale = Principal(sub="someone-else", roles=[Role.admin])
    transport = httpx.ASGITransport(app=_with_state(small_app(engine), {"principal": stale}))
    async with httpx.AsyncClient(transport=transport, base_url="http://daftar.test") as c:
        r = await c.get(f"/v1/applications/{APP_ID}/history")
    assert r.status_code == 500
    assert entries(engine) == []


def _with_state(app: FastAPI, state: dict[str, object]) -> object:
    async def with_state(scope: dict[str, object], receive: object, send: object) -> None:
        if scope["type"] == "http":
            scope["state"] = dict(state)
        await app(scope, receive, send)  # type: ignore[arg-type]

    return with_state

