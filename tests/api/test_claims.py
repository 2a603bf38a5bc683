"""Claims on a waiting decision and batch decisions, through HTTP (docs/api.md)."""

from __future__ import annotations

from typing import Any

import httpx

from daftar.domain.stages import Role
from tests.api.helpers import (
    Applicant,
    advance,
    auth,
    decide,
    eventually,
    get_app,
    register,
    rules_of,
    step,
)

INTERVIEW = {"stage": "interview", "outcome": "pass", "score": 75}


async def _claim(api: httpx.AsyncClient, app: Applicant, role: Role, sub: str,
                 method: str = "POST") -> httpx.Response:
    return await api.request(method, f"/v1/applications/{app.id}/claim",
                             headers=auth(role, sub=sub))


async def _at_interview(api: httpx.AsyncClient) -> Applicant:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    return app


async def test_a_claimed_decision_is_the_claimants(api: httpx.AsyncClient, cycle: int) -> None:
    app = await _at_interview(api)
    r = await _claim(api, app, Role.interviewer, "alice")
    assert r.status_code == 200, r.text
    claim = r.json()["claim"]
    assert claim["actor"] == "alice" and claim["stage"] == "awaiting_interview"
    r = await decide(api, app, Role.interviewer, INTERVIEW, sub="bob")
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "claimed" and rules_of(r) == ["INT-1"]
    assert "alice" in r.json()["error"]["message"]
    r = await _claim(api, app, Role.interviewer, "bob", method="DELETE")
    assert r.status_code == 403 and rules_of(r) == ["INT-1"]
    r = await decide(api, app, Role.interviewer, INTERVIEW, sub="alice")
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "awaiting_qualification" and r.json()["claim"] is None


async def test_an_admin_releases_a_claim(api: httpx.AsyncClient, cycle: int) -> None:
    app = await _at_interview(api)
    assert (await _claim(api, app, Role.interviewer, "alice")).status_code == 200
    r = await _claim(api, app, Role.admin, "head", method="DELETE")
    assert r.status_code == 200, r.text
    assert r.json()["claim"] is None
    again = await _claim(api, app, Role.admin, "head", method="DELETE")
    assert again.status_code == 200 and again.json()["claim"] is None  # nothing to release
    r = await decide(api, app, Role.interviewer, INTERVIEW, sub="bob")
    assert r.status_code == 200, r.text


async def test_who_may_claim(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_exam")
    r = await _claim(api, app, Role.interviewer, "alice")
    assert r.status_code == 409 and rules_of(r) == ["INT-1"]  # nothing waits for an interview
    assert (await step(api, app, "awaiting_exam")).status_code == 200
    r = await _claim(api, app, Role.qualification_officer, "carol")
    assert r.status_code == 403 and rules_of(r) == ["INT-1"]
    r = await api.post(f"/v1/applications/{app.id}/claim", headers=app.headers)
    assert r.status_code == 403
    r = await _claim(api, app, Role.auditor, "dave")
    assert r.status_code == 403


async def test_claims_show_in_the_inbox_and_the_timeline(api: httpx.AsyncClient,
                                                         cycle: int) -> None:
    app = await _at_interview(api)
    assert (await _claim(api, app, Role.interviewer, "alice")).status_code == 200

    async def claimed_in_inbox() -> dict[str, Any] | None:
        r = await api.get("/v1/inbox", params={"size": 500},
                          headers=auth(Role.interviewer, sub="bob"))
        assert r.status_code == 200, r.text
        mine = [i for i in r.json()["items"] if i["application_id"] == app.id]
        return mine[0] if mine and mine[0]["claimed_by"] else None

    item = await eventually(claimed_in_inbox, "the claim in the inbox")
    assert item["claimed_by"] == "alice" and item["claim_expires_at"]
    assert (await _claim(api, app, Role.interviewer, "alice", method="DELETE")).status_code == 200
    r = await api.get(f"/v1/applications/{app.id}/history", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    kinds = [(e["kind"], e["actor"]) for e in r.json()]
    assert ("claimed", "alice") in kinds and ("released", "alice") in kinds
    assert kinds.index(("claimed", "alice")) < kinds.index(("released", "alice"))


async def test_a_batch_applies_each_decision_on_its_own(api: httpx.AsyncClient,
                                                        cycle: int) -> None:
    ready = [await _at_interview(api) for _ in range(3)]
    claimed = await _at_interview(api)
    assert (await _claim(api, claimed, Role.interviewer, "alice")).status_code == 200
    early = await register(api)
    items = [
        {"application_id": ready[0].id, "outcome": "pass", "score": 90},
        {"application_id": ready[1].id, "outcome": "fail", "score": 20, "reason": "weak"},
        {"application_id": ready[2].id, "outcome": "pass", "score": 150},  # INT-1: 0..100
        {"application_id": claimed.id, "outcome": "pass", "score": 60},
        {"application_id": early.id, "outcome": "pass", "score": 60},
        {"application_id": ready[0].id, "outcome": "fail", "score": 10, "reason": "again"},
        {"application_id": "no-such-application", "outcome": "pass", "score": 60},
    ]
    r = await api.post("/v1/decisions/batch", json={"stage": "interview", "items": items},
                       headers=auth(Role.interviewer, sub="bob"))
    assert r.status_code == 200, r.text
    body = r.json()
    results = body["results"]
    assert [x["application_id"] for x in results] == [i["application_id"] for i in items]
    assert [x["status"] for x in results] == ["applied", "applied", "refused", "refused",
                                              "refused", "refused", "refused"]
    assert [x["stage"] for x in results[:2]] == ["awaiting_qualification", "rejected"]
    codes = [(x["error"]["code"], [v["rule"] for v in x["error"]["rules"]])
             for x in results[2:6]]
    assert codes == [("invalid", ["INT-1"]), ("claimed", ["INT-1"]),
                     ("wrong_stage", ["INT-1"]), ("duplicate", ["INT-1"])]
    assert results[6]["error"]["code"] == "not_found"
    assert (body["applied"], body["refused"]) == (2, 5)
    view = await get_app(api, ready[0], auth(Role.admin))
    assert [d["score"] for d in view["decisions"] if d["stage"] == "interview"] == ["90"]


async def test_a_batch_needs_the_stages_role_and_a_bounded_size(api: httpx.AsyncClient,
                                                                cycle: int) -> None:
    item = {"application_id": "x", "outcome": "pass", "score": 60}
    r = await api.post("/v1/decisions/batch", json={"stage": "interview", "items": [item]},
                       headers=auth(Role.security_officer))
    assert r.status_code == 403 and rules_of(r) == ["INT-1"]
    r = await api.post("/v1/decisions/batch",
                       json={"stage": "interview", "items": [item] * 501},
                       headers=auth(Role.interviewer))
    assert r.status_code == 422
    r = await api.post("/v1/decisions/batch", json={"stage": "interview", "items": []},
                       headers=auth(Role.interviewer))
    assert r.status_code == 422
