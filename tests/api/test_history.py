"""An application's timeline over HTTP: who may read it, and what each of them sees."""

from __future__ import annotations

import httpx
import pytest

from daftar.domain.stages import Role
from tests.api.helpers import advance, auth, quiet_export, register

REASON = "Refused after the unit's inquiry."


async def test_timeline_for_auditors_and_admins(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_launch", security_reason=REASON)
    r = await api.get(f"/v1/applications/{app.id}/history", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    events = r.json()
    assert [e["kind"] for e in events] == ["registered", "photo", "paid", "exam_result",
                                            "decision", "decision", "decision"]
    security = events[-1]
    assert (security["stage"], security["actor"], security["role"], security["reason"]) == (
        "security", "security_officer-1", "security_officer", REASON)
    assert events[0]["at"].endswith("Z") and "/" in events[0]["at_jalali"]
    admin = (await api.get(f"/v1/applications/{app.id}/history",
                           headers=auth(Role.admin))).json()
    assert admin[-1]["reason"] is None  # SEC-1: confidential outside security and audit
    assert [e["kind"] for e in admin] == [e["kind"] for e in events]


@pytest.mark.parametrize("role", [Role.interviewer, Role.security_officer, Role.exam_officer])
async def test_other_roles_may_not_read_timelines(api: httpx.AsyncClient, cycle: int,
                                                  role: Role) -> None:
    app = await register(api)
    r = await api.get(f"/v1/applications/{app.id}/history", headers=auth(role))
    assert r.status_code == 403


async def test_unknown_application_is_404(api: httpx.AsyncClient, cycle: int) -> None:
    r = await api.get("/v1/applications/0123456789abcdef/history", headers=auth(Role.auditor))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_export_and_replay(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_security")
    auditor = auth(Role.auditor)
    exported = await quiet_export(api, app)
    assert exported["workflow_id"] == f"application-{app.id}"
    assert len(exported["sha256"]) == 64 and exported["history"]["events"]
    denied = await api.get(f"/v1/applications/{app.id}/history/export", headers=auth(Role.admin))
    assert denied.status_code == 403

    live = (await api.post("/v1/audit/replay", json={"application_id": app.id},
                           headers=auditor)).json()
    assert live["deterministic"] is True and live["events"] == len(exported["history"]["events"])
    offline = (await api.post("/v1/audit/replay", headers=auditor, json={
        "workflow_id": exported["workflow_id"], "history": exported["history"]})).json()
    assert offline == {**live, "workflow_id": exported["workflow_id"]}

    # Four events cut out after the third accepted update: a history no run could produce.
    events = exported["history"]["events"]
    accepted = [i for i, e in enumerate(events)
                if e.get("eventType") in ("EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
                                          "WorkflowExecutionUpdateAccepted")]
    assert len(accepted) >= 3
    tampered = [e for i, e in enumerate(events) if i < accepted[2]]
    r = await api.post("/v1/audit/replay", headers=auditor, json={
        "workflow_id": exported["workflow_id"],
        "history": {"events": tampered + events[accepted[2] + 4:]}})
    assert r.status_code == 200, r.text
    assert r.json()["deterministic"] is False and r.json()["error"]


@pytest.mark.parametrize("body", [{}, {"application_id": "x", "history": {"events": []}}])
async def test_replay_needs_one_source(api: httpx.AsyncClient, body: dict[str, object]) -> None:
    r = await api.post("/v1/audit/replay", json=body, headers=auth(Role.auditor))
    assert r.status_code == 422
