"""Simultaneous requests: Temporal's workflow id and update validators let one through.

50 registrations of one national id give one application (REG-5); 20 interviewers deciding
one interview at once give one decision (INT-1), in the state and in the history alike.
"""

from __future__ import annotations

import asyncio

import httpx

from daftar.contracts.ids import applicant_workflow_id
from daftar.domain.stages import Role
from tests.api.helpers import (
    YEAR,
    Stack,
    advance,
    auth,
    decide,
    eventually,
    get_app,
    pay,
    put_photo,
    register,
    rules_of,
)
from tests.factories import form

URL = f"/v1/cycles/{YEAR}/applications"
REGISTRATIONS = 50
INTERVIEWERS = 20


async def test_concurrent_registrations_of_one_person(api: httpx.AsyncClient, stack: Stack,
                                                      cycle: int) -> None:
    data = form()
    responses = await asyncio.gather(*(api.post(URL, json=data) for _ in range(REGISTRATIONS)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (REGISTRATIONS - 1), [r.text for r in responses]
    created = next(r.json() for r in responses if r.status_code == 201)
    assert all(rules_of(r) == ["REG-5"] for r in responses if r.status_code == 409)
    assert all(r.json()["error"]["code"] == "duplicate"
               for r in responses if r.status_code == 409)

    async def listed() -> int:
        r = await api.get("/v1/applications", params={"q": created["tracking_code"]},
                          headers=auth(Role.admin))
        assert r.status_code == 200, r.text
        total: int = r.json()["total"]
        return total

    assert await eventually(listed, "the application in the read model") == 1
    r = await api.get("/v1/applications", params={"q": created["tracking_code"]},
                      headers=auth(Role.admin))
    items = r.json()["items"]
    assert [i["application_id"] for i in items] == [created["application_id"]]

    # Temporal's visibility: one execution under the application's workflow id, ever.
    workflow_id = applicant_workflow_id(created["application_id"])

    async def executions() -> list[str]:
        return [wf.run_id async for wf in stack.env.client.list_workflows(
            f"WorkflowId = '{workflow_id}'")]

    assert len(await eventually(executions, "the workflow in Temporal's visibility")) == 1


async def test_concurrent_interview_decisions(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    responses = await asyncio.gather(*(
        decide(api, app, Role.interviewer,
               {"stage": "interview", "outcome": "pass", "score": 50 + i}, sub=f"int-{i}")
        for i in range(INTERVIEWERS)))
    assert sorted(r.status_code for r in responses) == [200] + [409] * (INTERVIEWERS - 1), [
        r.text for r in responses]
    assert all(rules_of(r) == ["INT-1"] for r in responses if r.status_code == 409)
    winner = next(r.json() for r in responses if r.status_code == 200)
    [decided] = [d for d in winner["decisions"] if d["stage"] == "interview"]
    view = await get_app(api, app, auth(Role.admin))
    interviews = [d for d in view["decisions"] if d["stage"] == "interview"]
    assert interviews == [decided]
    assert view["stage"] == "awaiting_qualification"

    # The audit trail: the history accepted exactly one interview decision, the winner's.
    r = await api.get(f"/v1/applications/{app.id}/history", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    recorded = [e for e in r.json() if e["kind"] == "decision" and e["stage"] == "interview"]
    assert [(e["actor"], e["outcome"], float(e["score"])) for e in recorded] == [
        (decided["actor"], "pass", float(decided["score"]))]


async def test_concurrent_payments_with_different_references(api: httpx.AsyncClient,
                                                             cycle: int) -> None:
    app = await register(api)
    assert (await put_photo(api, app)).status_code == 204
    responses = await asyncio.gather(*(pay(api, app, reference=f"REF-{app.id}-{i}")
                                       for i in range(6)))
    assert sorted(r.status_code for r in responses) == [200] + [409] * 5
    view = await get_app(api, app, auth(Role.admin))
    assert [d["stage"] for d in view["decisions"]].count("payment") == 1
    assert view["stage"] == "awaiting_exam"
