"""COR-1, COR-2, COR-3 over HTTP, and the cycle's close that ends the records waiting."""

from __future__ import annotations

from typing import Any

import httpx
from temporalio.client import WorkflowExecutionStatus

from daftar.contracts.ids import applicant_workflow_id
from daftar.domain.stages import Role
from tests.api.helpers import (
    Applicant,
    Stack,
    advance,
    auth,
    decide,
    eventually,
    get_app,
    open_cycle,
    register,
    rules_of,
    step,
)
from tests.api.test_exam_sessions import close_registration

YEAR = 1458
ADMIN_A = auth(Role.admin, sub="admin-a")
ADMIN_B = auth(Role.admin, sub="admin-b")


async def _cycle(api: httpx.AsyncClient, stack: Stack, year: int) -> None:
    r = await api.get(f"/v1/cycles/{year}", headers=ADMIN_A)
    if r.status_code == 404:
        await open_cycle(api, year, engine=stack.engine)


async def _post(api: httpx.AsyncClient, app: Applicant, what: str, body: dict[str, Any],
                headers: dict[str, str] = ADMIN_A) -> httpx.Response:
    return await api.post(f"/v1/applications/{app.id}/{what}", json=body, headers=headers)


def _interview(outcome: str) -> dict[str, Any]:
    if outcome == "pass":
        return {"stage": "interview", "outcome": "pass", "score": 80}
    return {"stage": "interview", "outcome": "fail", "score": 30, "reason": "weak answers"}


async def test_a_decision_reopens_until_the_next_stage_acts(
        api: httpx.AsyncClient, stack: Stack) -> None:
    await _cycle(api, stack, YEAR)
    app = await register(api, YEAR)
    await advance(api, app, "awaiting_qualification")
    r = await _post(api, app, "reopen", {"stage": "interview", "reason": "wrong panel"},
                    headers=auth(Role.interviewer))
    assert r.status_code == 403
    r = await _post(api, app, "reopen", {"stage": "qualification", "reason": "x"})
    assert (r.status_code, rules_of(r)) == (409, ["COR-1"])  # not the latest decision
    r = await _post(api, app, "reopen", {"stage": "interview", "reason": "wrong panel"})
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "awaiting_interview" and r.json()["due_at"] is not None
    r = await decide(api, app, Role.interviewer, _interview("fail"), sub="panel-2")
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "rejected"
    # The rejection reopens too: the record waited for a correction.
    r = await _post(api, app, "reopen", {"stage": "interview", "reason": "score mistyped"})
    assert (r.status_code, r.json()["stage"]) == (200, "awaiting_interview")
    r = await decide(api, app, Role.interviewer, _interview("pass"), sub="panel-3")
    assert r.json()["stage"] == "awaiting_qualification"
    kinds = [(d["stage"], d["outcome"]) for d in r.json()["decisions"]
             if d["stage"] in ("interview", "reopening")]
    assert kinds == [("interview", "pass"), ("reopening", "interview"), ("interview", "fail"),
                     ("reopening", "interview"), ("interview", "pass")]
    assert (await step(api, app, "awaiting_qualification")).status_code == 200
    r = await _post(api, app, "reopen", {"stage": "interview", "reason": "late"})
    assert (r.status_code, rules_of(r)) == (409, ["COR-1"])  # qualification has acted


async def test_a_reinstatement_needs_two_admins_and_restores_a_licence(
        api: httpx.AsyncClient, stack: Stack) -> None:
    await _cycle(api, stack, YEAR)
    app = await register(api, YEAR)
    await advance(api, app, "licensed")
    number = (await get_app(api, app, ADMIN_A))["licence_number"]
    r = await _post(api, app, "disqualify", {"reason": "a forged degree, it was thought"})
    assert r.json()["stage"] == "revoked"
    r = await _post(api, app, "reinstate", {"reason": "the degree is genuine"})
    assert (r.status_code, r.json()["stage"]) == (202, "revoked")  # proposed: nothing changes
    r = await _post(api, app, "reinstate", {"reason": "again"})
    assert (r.status_code, rules_of(r)) == (403, ["COR-2"])  # not by the same admin
    r = await _post(api, app, "reinstate", {"reason": "checked with the university"},
                    headers=ADMIN_B)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["stage"], body["licence_number"], body["rules"]) == ("licensed", number, [])
    outcomes = [(d["stage"], d["outcome"], d["actor"]) for d in body["decisions"]
                if d["stage"] == "reinstatement"]
    assert outcomes == [("reinstatement", "proposed", "admin-a"),
                        ("reinstatement", "confirmed", "admin-b")]
    r = await _post(api, app, "reinstate", {"reason": "x"}, headers=ADMIN_B)
    assert (r.status_code, rules_of(r)) == (409, ["COR-2"])  # nothing to undo now


async def test_a_rejection_is_reinstated_with_its_decision_pending_again(
        api: httpx.AsyncClient, stack: Stack) -> None:
    await _cycle(api, stack, YEAR)
    app = await register(api, YEAR)
    await advance(api, app, "awaiting_security")
    r = await decide(api, app, Role.security_officer,
                     {"stage": "security", "outcome": "fail", "reason": "file mix-up"})
    assert r.json()["stage"] == "rejected"
    await _post(api, app, "reinstate", {"reason": "another person's file"})
    r = await _post(api, app, "reinstate", {"reason": "confirmed"}, headers=ADMIN_B)
    assert (r.status_code, r.json()["stage"]) == (200, "awaiting_security")
    r = await decide(api, app, Role.security_officer, {"stage": "security", "outcome": "pass"})
    assert (r.status_code, r.json()["stage"]) == (200, "awaiting_launch")


async def test_an_admin_assigns_a_waiting_decision(api: httpx.AsyncClient, stack: Stack) -> None:
    await _cycle(api, stack, YEAR)
    app = await register(api, YEAR)
    await advance(api, app, "awaiting_interview")
    r = await _post(api, app, "assign", {"reviewer": "panel-9"})
    assert r.status_code == 200, r.text
    claim = r.json()["claim"]
    assert (claim["actor"], claim["assigned_by"], claim["stage"]) == (
        "panel-9", "admin-a", "awaiting_interview")
    r = await decide(api, app, Role.interviewer, _interview("pass"), sub="panel-1")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "claimed")

    async def assigned() -> list[str] | None:
        page = (await api.get("/v1/inbox", params={"assigned": "true", "cycle": YEAR},
                              headers=auth(Role.interviewer, sub="panel-9"))).json()
        ids = [i["application_id"] for i in page["items"]]
        return ids if app.id in ids else None

    await eventually(assigned, "the assigned decision in the reviewer's inbox")
    others = (await api.get("/v1/inbox", params={"assigned": "true", "cycle": YEAR},
                            headers=auth(Role.interviewer, sub="panel-1"))).json()
    assert app.id not in [i["application_id"] for i in others["items"]]
    r = await decide(api, app, Role.interviewer, _interview("pass"), sub="panel-9")
    assert (r.status_code, r.json()["stage"]) == (200, "awaiting_qualification")
    r = await _post(api, app, "assign", {"reviewer": "panel-9"})
    assert r.status_code == 200  # the qualification's decision now
    r = await _post(api, app, "assign", {"reviewer": "x"}, headers=auth(Role.interviewer))
    assert r.status_code == 403


async def test_closing_the_cycle_ends_the_records_that_waited(
        api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1459
    await _cycle(api, stack, year)
    app = await register(api, year)
    await advance(api, app, "awaiting_interview")
    await decide(api, app, Role.interviewer, _interview("fail"))
    handle = stack.env.client.get_workflow_handle(applicant_workflow_id(app.id))
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    r = await api.post(f"/v1/cycles/{year}/close", headers=auth(Role.interviewer))
    assert r.status_code == 403
    # Not while registration is open, nor while a candidate waits for the exam's results.
    r = await api.post(f"/v1/cycles/{year}/close", headers=ADMIN_A)
    assert (r.status_code, rules_of(r)) == (409, ["COR-2"])
    assert "Registration is open" in r.json()["error"]["message"]
    waiting = await register(api, year)
    await advance(api, waiting, "awaiting_exam")

    async def listed() -> bool:
        page = (await api.get("/v1/applications", params={"cycle": year,
                                                          "stage": "awaiting_exam"},
                              headers=ADMIN_A)).json()
        return page["total"] == 1

    await eventually(listed, "the candidate listed as waiting for the exam")
    close_registration(stack, year)
    r = await api.post(f"/v1/cycles/{year}/close", headers=ADMIN_A)
    assert (r.status_code, rules_of(r)) == (409, ["COR-2"])
    assert "1 candidates still wait for the exam's results" in r.json()["error"]["message"]
    r = await api.post(f"/v1/applications/{waiting.id}/withdraw", json={"reason": "moved"},
                       headers=waiting.headers)
    assert r.status_code == 200, r.text

    async def closed() -> httpx.Response | None:
        r = await api.post(f"/v1/cycles/{year}/close", headers=ADMIN_A)
        return r if r.status_code == 202 else None

    r = await eventually(closed, "the cycle closes once nobody waits for the exam")
    assert r.json()["closed"] is True

    async def completed() -> bool:
        return (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED

    await eventually(completed, "the rejected record ended", attempts=300)

    async def phase() -> bool:
        return (await api.get(f"/v1/cycles/{year}", headers=ADMIN_A)).json()["phase"] == "closed"

    await eventually(phase, "the cycle's phase is closed")
    r = await _post(api, app, "reopen", {"stage": "interview", "reason": "too late"})
    assert r.status_code == 409
    r = await api.post(f"/v1/cycles/{year}/close", headers=ADMIN_A)
    assert (r.status_code, rules_of(r)) == (409, ["COR-2"])
    r = await api.patch(f"/v1/cycles/{year}", json={"claim_hours": 5}, headers=ADMIN_A)
    assert (r.status_code, rules_of(r)) == (409, ["COR-2"])
