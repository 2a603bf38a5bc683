"""The whole path through HTTP: registration to licence, and the documents LIC-1 waits for."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx

from daftar.domain.stages import Role
from tests.api.helpers import (
    STAGE_ROLE,
    YEAR,
    Applicant,
    Stack,
    advance,
    auth,
    eventually,
    get_app,
    register,
    rules_of,
    stage_of,
    step,
)
from tests.factories import VETERAN

JALALI_INSTANT = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}$")

#: Every stage of the path in order, ending at `licensed`.
PATH = ["awaiting_payment", "awaiting_exam", "awaiting_interview", "awaiting_qualification",
        "awaiting_security", "awaiting_launch", "awaiting_licence", "licensed"]

#: The events a licensed application's decisions record: stage → (role, actor).
EXPECTED_DECISIONS = {
    "photo": ("applicant", None),
    "payment": ("payment_gateway", "gateway"),
    "exam": ("exam_officer", "exam_officer-1"),
    "interview": ("interviewer", "interviewer-1"),
    "qualification": ("qualification_officer", "qualification_officer-1"),
    "security": ("security_officer", "security_officer-1"),
    "launch": ("licensing_officer", "licensing_officer-1"),
    "licence": ("licensing_officer", "licensing_officer-1"),
}


async def _in_inbox(api: httpx.AsyncClient, role: Role, app: Applicant) -> bool:
    r = await api.get("/v1/inbox", params={"cycle": YEAR, "size": 500}, headers=auth(role))
    assert r.status_code == 200, r.text
    return any(i["application_id"] == app.id for i in r.json()["items"])


async def _listed(api: httpx.AsyncClient, app: Applicant, stage: str) -> bool:
    r = await api.get("/v1/applications", params={"cycle": YEAR, "stage": stage, "size": 500},
                      headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    assert app.national_id not in r.text
    assert all(i["stage"] == stage for i in r.json()["items"])
    return any(i["application_id"] == app.id for i in r.json()["items"])


async def test_full_path_to_licence(api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    app = await register(api)
    for stage, next_stage in itertools.pairwise(PATH):
        role = STAGE_ROLE[stage]
        if role is not Role.payment_gateway:  # reviewers see it in their inbox while it waits
            await eventually(partial(_in_inbox, api, role, app),
                             f"{app.id} in {role.value}'s inbox at {stage}")
        r = await step(api, app, stage)
        assert r.status_code == 200, r.text
        assert stage_of(r) == next_stage
    body = r.json()
    assert body["licence_number"]
    assert body["application"]["licence_number"] == body["licence_number"]

    view = await get_app(api, app, auth(Role.admin))
    assert view["stage"] == "licensed"
    assert view["status"] == "licensed"
    assert view["licence_number"] == body["licence_number"]
    assert view["office"]["city"] == "Tehran"
    assert view["exam_result"]["passed"] is True
    seen = {d["stage"]: d for d in view["decisions"]}
    assert set(seen) == set(EXPECTED_DECISIONS)
    for stage, (role_name, actor) in EXPECTED_DECISIONS.items():
        d = seen[stage]
        assert d["role"] == role_name, d
        assert d["actor"] == (actor or app.id), d
        assert datetime.fromisoformat(d["at"]).utcoffset() == timedelta(0), d
        assert JALALI_INSTANT.match(d["at_jalali"]), d
    assert seen["interview"]["score"] is not None
    assert float(seen["interview"]["score"]) == 80

    await eventually(lambda: _listed(api, app, "licensed"), "listed as licensed")
    assert not await _in_inbox(api, Role.licensing_officer, app)

    workflow_id = await eventually(
        lambda: _visible(stack, app), "visible as DaftarStage = 'licensed' in Temporal")
    assert app.id in workflow_id
    assert app.national_id not in workflow_id


async def _visible(stack: Stack, app: Applicant) -> str | None:
    query = f"DaftarStage = 'licensed' AND DaftarCycle = {YEAR}"
    async for wf in stack.env.client.list_workflows(query):
        if app.id in wf.id:
            return wf.id
    return None


async def _licence(api: httpx.AsyncClient, app: Applicant) -> httpx.Response:
    return await api.post(f"/v1/applications/{app.id}/licence",
                          headers=auth(Role.licensing_officer))


async def _licence_refused(api: httpx.AsyncClient, app: Applicant) -> list[str]:
    """The rules of the 409 refusing `app` its licence."""
    r = await _licence(api, app)
    assert r.status_code == 409, r.text
    return sorted(rules_of(r))


async def _licensed(api: httpx.AsyncClient, app: Applicant) -> dict[str, Any]:
    """The answer granting `app` its licence."""
    r = await _licence(api, app)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _document(api: httpx.AsyncClient, app: Applicant, kind: str) -> None:
    r = await api.post(f"/v1/applications/{app.id}/documents",
                       json={"kind": kind, "reference": f"DOC-{kind}"}, headers=app.headers)
    assert r.status_code == 200, r.text


async def test_licence_waits_for_veteran_and_occupation_documents(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api, quota=VETERAN, occupation="attorney")
    await advance(api, app, "awaiting_licence")

    assert await _licence_refused(api, app) == ["ART11-1", "VET-2"]
    await _document(api, app, "veteran_certificate")
    assert await _licence_refused(api, app) == ["ART11-1"]
    await _document(api, app, "occupation_ended")
    licensed = await _licensed(api, app)
    assert licensed["application"]["stage"] == "licensed"
    assert licensed["licence_number"]


async def test_attorney_alone_needs_only_occupation_proof(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api, occupation="attorney")
    await advance(api, app, "awaiting_licence")
    assert await _licence_refused(api, app) == ["ART11-1"]
    await _document(api, app, "occupation_ended")
    await _licensed(api, app)
