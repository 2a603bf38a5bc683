"""The HTTP contract under random input: schemathesis against the API over real HTTP.

Every operation of the served OpenAPI document, as every role and with forged tokens, gets
schemathesis' positive and negative cases, checked for: no server error, a response body that
conforms to the documented schema, and a documented status code.

The fuzz runs against a stack of its own (Temporal dev server, worker, read model, API), so the
cycles, registrations and decisions it sends at random cannot collide with the session's
cycles (1405-1412), their applications or their cycle workflows. Its cycle YEAR holds one
application at each stage that waits on someone; about half the cases aim at those (the path's
`app_id` and `year` fixed), the others at random ids. An applicant's token is the owner's of
the case's application. Generation is derandomized and uses no example database: every run
sends the same cases.

Before the fuzz, regression tests pin what it (and probes on PostgreSQL) found.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from daftar.app import create_app
from daftar.contracts.ids import cycle_workflow_id
from daftar.domain.stages import Role
from tests.api.helpers import (
    FEE,
    YEAR,
    advance,
    auth,
    bearer,
    open_cycle,
    register,
    rules_of,
    token,
)
from tests.api.test_authz_matrix import ROWS, Caller
from tests.conftest import local_dev_server, read_model
from tests.stacks import api_settings, running_stack

#: Cases per operation and caller, positive and negative mixed: more for the callers the
#: authorisation matrix lets through (their cases reach the handlers), fewer for the others
#: (theirs stop at the gate).
EXAMPLES = {"allowed": 25, "refused": 8}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
#: The seeded applications' stages: one waiting on each role.
STAGES = ["awaiting_payment", "awaiting_exam", "awaiting_interview", "awaiting_qualification",
          "awaiting_security", "awaiting_launch", "awaiting_licence"]
#: Who sends the cases: each role, and `forged`: schemathesis' own random bearer tokens.
CALLERS = [r.value for r in Role] + ["forged"]


def _operations() -> list[str]:
    """`METHOD path` of every operation; the stack serves the same app."""
    document = create_app(api_settings("unused")).openapi()
    return [f"{method.upper()} {path}" for path, ops in document["paths"].items()
            for method in ops]


@dataclass
class Fuzz:
    base_url: str
    client: Client
    app_ids: list[str]
    schema: schemathesis.BaseSchema


@pytest.fixture(scope="module")
async def fuzz(read_model_url: Callable[[str], str]) -> AsyncIterator[Fuzz]:
    """A stack of the fuzz's own, seeded with cycle YEAR and one application per stage."""
    env = await local_dev_server()
    try:
        with read_model(read_model_url("fuzz")) as engine:
            async with running_stack(env, engine, queue_prefix="daftar-fuzz") as stack:
                app_ids = await _seed(stack.base_url, engine)
                schema = await asyncio.to_thread(
                    schemathesis.openapi.from_url, f"{stack.base_url}/openapi.json")
                yield Fuzz(base_url=stack.base_url, client=env.client, app_ids=app_ids,
                           schema=schema)
    finally:
        await env.shutdown()


async def _seed(base_url: str, engine: Engine) -> list[str]:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        await open_cycle(client, YEAR, engine=engine)
        apps = await asyncio.gather(*(register(client) for _ in STAGES))
        await asyncio.gather(*(advance(client, app, stage)
                               for app, stage in zip(apps, STAGES, strict=True)))
    return [app.id for app in apps]


@pytest.fixture
async def fuzz_api(fuzz: Fuzz) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the fuzz's stack (not the session's)."""
    async with httpx.AsyncClient(base_url=fuzz.base_url, timeout=60) as client:
        yield client


# --- what the fuzz found, pinned --------------------------------------------------------------


def _malformed(r: httpx.Response, field: str) -> None:
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request", r.text
    rules_of(r)
    assert field in [v["field"] for v in r.json()["error"]["rules"]], r.text


@pytest.mark.parametrize(("path", "field"), [
    ("/v1/cycles/99999999999999999999", "year"),
    ("/v1/cycles/1405/launch-rounds/-2788122054522200129536", "number"),
    ("/v1/cycles/1405/exam-results/scores?page=99999999999999999999", "page"),
    ("/v1/applications?cycle=99999999999999999999", "cycle"),
])
async def test_numbers_beyond_the_database_are_malformed(fuzz_api: httpx.AsyncClient, path: str,
                                                         field: str) -> None:
    """An integer the read model cannot hold was a 500 (OverflowError); now a 422."""
    _malformed(await fuzz_api.get(path, headers=auth(Role.admin)), field)


@pytest.mark.parametrize("params", [{"province": "Teh\x00ran"}, {"q": "\x00"},
                                    {"quota": "free\x00"}])
async def test_nul_in_a_filter_is_malformed(fuzz_api: httpx.AsyncClient,
                                            params: dict[str, str]) -> None:
    """PostgreSQL's text cannot hold U+0000: the list answered 500 there."""
    [field] = params
    _malformed(await fuzz_api.get("/v1/applications", params=params,
                                  headers=auth(Role.admin)), field)


async def test_nul_in_a_decision_reason_is_malformed(fuzz_api: httpx.AsyncClient,
                                                     fuzz: Fuzz) -> None:
    """On PostgreSQL the decision was accepted, then its read-model write failed for ever."""
    interview = fuzz.app_ids[STAGES.index("awaiting_interview")]
    r = await fuzz_api.post(f"/v1/applications/{interview}/decisions",
                            headers=auth(Role.interviewer),
                            json={"stage": "interview", "outcome": "pass", "score": 80,
                                  "reason": "fine\x00"})
    _malformed(r, "reason")
    r = await fuzz_api.get(f"/v1/applications/{interview}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_interview"


def _cycle(year: int, **changes: Any) -> dict[str, Any]:
    return {"year": year, "registration_start": f"{year}/01/15",
            "registration_end": f"{year}/01/25", "fee_rials": FEE,
            "cities": [{"province": "Tehran", "city": "Tehran", "capacity": 1, "priority": 1}],
            **changes}


@pytest.mark.parametrize(("changes", "field"), [
    # A priority beyond the database's integers: 500 (OverflowError) at the insert.
    ({"cities": [{"province": "Tehran", "city": "Tehran", "capacity": 1,
                  "priority": 10**20}]}, "cities.0.priority"),
    # An SLA beyond what a timedelta holds: the cycle was created, and every application
    # that reached the interview failed its workflow task for ever (updates then 500).
    ({"sla_days": {"interview": 999_999_999}}, "sla_days.interview"),
    ({"cities": [{"province": "Teh\x00ran", "city": "Tehran", "capacity": 1,
                  "priority": 1}]}, "cities.0.province"),
])
async def test_a_cycle_the_system_cannot_hold_is_malformed(
        fuzz_api: httpx.AsyncClient, changes: dict[str, Any], field: str) -> None:
    _malformed(await fuzz_api.post("/v1/cycles", json=_cycle(1480, **changes),
                              headers=auth(Role.admin)), field)
    assert (await fuzz_api.get("/v1/cycles/1480", headers=auth(Role.admin))).status_code == 404


async def test_a_body_that_is_not_utf8_is_malformed(fuzz_api: httpx.AsyncClient) -> None:
    """FastAPI's own 400 (no rule) becomes docs/api.md's 422 for malformed input."""
    r = await fuzz_api.post(f"/v1/cycles/{YEAR}/applications", content=b"\xff\xfe{",
                       headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request"
    assert rules_of(r) == ["REQUEST"]


async def test_exam_results_for_an_unknown_cycle_start_no_workflow(
        fuzz_api: httpx.AsyncClient, fuzz: Fuzz) -> None:
    """The load asked the cycle's workflow first, starting one (for ever) for any year."""
    body = {"rows": [{"tracking_code": "0001", "subjects": {"civil_law": {"correct": 1,
                                                                          "wrong": 0}}}]}
    r = await fuzz_api.post("/v1/cycles/1481/exam-results", json=body,
                       headers=auth(Role.exam_officer))
    assert r.status_code == 404, r.text
    with pytest.raises(RPCError) as err:
        await fuzz.client.get_workflow_handle(cycle_workflow_id(1481)).describe()
    assert err.value.status == RPCStatusCode.NOT_FOUND


async def test_every_error_response_is_documented_in_api_md_shape(fuzz_api: httpx.AsyncClient,
                                                                  ) -> None:
    """The schema the fuzz validates errors against is docs/api.md's one error shape."""
    document = (await fuzz_api.get("/openapi.json")).json()
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, ops in document["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == error, (
                        method, path, status)
            if op.get("security"):
                assert {"401", "403"} <= set(op["responses"]), (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


# --- the fuzz -------------------------------------------------------------------------------


def _strategy(fuzz: Fuzz, label: str) -> st.SearchStrategy[Case]:
    """Positive and negative cases, about half of them aimed at the seeded applications."""
    method, path = label.split(" ", 1)
    operation = fuzz.schema[path][method]
    aimed: list[dict[str, Any]] = []
    if "{app_id}" in path:
        aimed = [{"app_id": app_id} for app_id in fuzz.app_ids]
    if "{year}" in path:
        aimed = [{**fixed, "year": YEAR} for fixed in aimed or [{}]]
    options = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        free = operation.as_strategy(generation_mode=mode)
        if aimed:
            options.append(st.one_of(free, st.one_of(*(
                operation.as_strategy(generation_mode=mode, path_parameters=fixed)
                for fixed in aimed))))
        else:
            options.append(free)
    return st.one_of(*options)


def _headers(fuzz: Fuzz, caller: str, case: Case) -> dict[str, str] | None:
    """The caller's bearer token; None leaves the case's own (forged or no) Authorization."""
    if caller == "forged":
        return None
    role = Role(caller)
    if role is Role.applicant:
        owner = (case.path_parameters or {}).get("app_id", fuzz.app_ids[0])
        return bearer(token(role, sub=str(owner)))
    return bearer(token(role, sub=f"{caller}-fuzz"))


def _passes_the_gate(label: str, caller: str) -> bool:
    """Whether the authorisation matrix lets `caller` call the operation `label`."""
    allowed: set[Caller] = set()
    for row in ROWS:
        if f"{row.method} {row.path}" == label:
            allowed |= row.allowed
    return Caller.no_token in allowed if caller == "forged" else Caller(caller) in allowed


def _run(fuzz: Fuzz, label: str, caller: str) -> int:
    """Every case of one operation as one caller; how many were sent."""
    sent = 0
    examples = EXAMPLES["allowed" if _passes_the_gate(label, caller) else "refused"]

    with requests.Session() as http:
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=_strategy(fuzz, label))
        def check(case: Case) -> None:
            nonlocal sent
            case.call_and_validate(base_url=fuzz.base_url, session=http,
                                   headers=_headers(fuzz, caller, case), checks=CHECKS,
                                   timeout=60)
            sent += 1

        check()
    return sent


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("label", _operations())
async def test_contract(fuzz: Fuzz, label: str, caller: str) -> None:
    # Hypothesis drives blocking requests from a thread; the stack keeps serving on the loop.
    sent = await asyncio.to_thread(_run, fuzz, label, caller)
    assert sent > 0
