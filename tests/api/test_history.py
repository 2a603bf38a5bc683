"""An application's timeline over HTTP: who may read it, and what each of them sees."""

from __future__ import annotations

import httpx
import pytest

from daftar.domain.stages import Role
from tests.api.helpers import advance, auth, register

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
