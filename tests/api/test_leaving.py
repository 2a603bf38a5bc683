"""Leaving the path (WD-1, FRAUD-1) and what each role may see of an application (SEC-1)."""

from __future__ import annotations

import httpx
import pytest

from daftar.domain.stages import Role
from tests.api.helpers import (
    YEAR,
    Applicant,
    advance,
    auth,
    eventually,
    get_app,
    register,
    rules_of,
)

REASON = "Cleared after a registry check on 1405/09/01."


async def _listed_at(api: httpx.AsyncClient, app: Applicant, stage: str) -> bool:
    r = await api.get("/v1/applications",
                      params={"cycle": YEAR, "q": app.tracking_code, "stage": stage},
                      headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    return [i["application_id"] for i in r.json()["items"]] == [app.id]


async def test_applicant_withdraws(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_qualification")
    r = await api.post(f"/v1/applications/{app.id}/withdraw", json={"reason": "moving abroad"},
                       headers=app.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stage"] == "withdrawn"
    assert body["status"] == "closed"
    assert body["rules"] == ["WD-1"]
    last = body["decisions"][-1]
    assert (last["stage"], last["actor"], last["role"]) == ("withdrawal", app.id, "applicant")
    await eventually(lambda: _listed_at(api, app, "withdrawn"), "listed as withdrawn")


async def test_withdrawal_after_licence_is_refused(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "licensed")
    r = await api.post(f"/v1/applications/{app.id}/withdraw", headers=app.headers)
    assert r.status_code == 409, r.text
    assert rules_of(r) == ["WD-1"]


async def test_disqualifying_a_licensee_revokes(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "licensed")
    r = await api.post(f"/v1/applications/{app.id}/disqualify",
                       json={"reason": "forged degree"}, headers=auth(Role.admin, sub="boss"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stage"] == "revoked"
    assert body["rejected_stage"] == "licensed"
    assert body["rules"] == ["FRAUD-1"]
    last = body["decisions"][-1]
    assert (last["stage"], last["outcome"], last["actor"], last["role"]) == (
        "disqualification", "revoked", "boss", "admin")
    await eventually(lambda: _listed_at(api, app, "revoked"), "listed as revoked")


async def test_disqualifying_before_licence(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_exam")
    r = await api.post(f"/v1/applications/{app.id}/disqualify",
                       json={"reason": "impersonation"}, headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "disqualified"
    assert r.json()["rejected_stage"] == "awaiting_exam"


@pytest.fixture(scope="module")
async def cleared(api: httpx.AsyncClient, cycle: int) -> Applicant:
    """An applicant past security, whose security pass carries a reason."""
    app = await register(api)
    await advance(api, app, "awaiting_launch", security_reason=REASON)
    return app


async def _security_reason(api: httpx.AsyncClient, app: Applicant,
                           headers: dict[str, str]) -> str | None:
    view = await get_app(api, app, headers)
    (security,) = [d for d in view["decisions"] if d["stage"] == "security"]
    assert security["outcome"] == "pass"
    assert security["role"] == "security_officer"
    reason: str | None = security["reason"]
    return reason


@pytest.mark.parametrize("role", [Role.security_officer, Role.auditor])
async def test_security_reason_visible_to(api: httpx.AsyncClient, cleared: Applicant,
                                          role: Role) -> None:
    assert await _security_reason(api, cleared, auth(role)) == REASON


@pytest.mark.parametrize("role", [Role.admin, Role.interviewer, Role.licensing_officer])
async def test_security_reason_hidden_from(api: httpx.AsyncClient, cleared: Applicant,
                                           role: Role) -> None:
    assert await _security_reason(api, cleared, auth(role)) is None


async def test_security_reason_hidden_from_the_applicant(api: httpx.AsyncClient,
                                                         cleared: Applicant) -> None:
    assert await _security_reason(api, cleared, cleared.headers) is None


async def test_national_id_masked_for_interviewer(api: httpx.AsyncClient,
                                                  cleared: Applicant) -> None:
    nid = cleared.national_id
    seen = (await get_app(api, cleared, auth(Role.interviewer)))["registration"]["national_id"]
    assert seen != nid
    assert seen == f"{nid[:3]}****{nid[-3:]}"


@pytest.mark.parametrize("who", ["admin", "applicant"])
async def test_national_id_in_full(api: httpx.AsyncClient, cleared: Applicant, who: str) -> None:
    headers = auth(Role.admin) if who == "admin" else cleared.headers
    view = await get_app(api, cleared, headers)
    assert view["registration"]["national_id"] == cleared.national_id
