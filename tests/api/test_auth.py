"""Who may do what: 403 for a role that may not act, 401 without a valid token."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from daftar.domain.stages import Role
from tests.api.helpers import (
    FEE,
    YEAR,
    advance,
    auth,
    bearer,
    decide,
    register,
    rules_of,
    token,
)


def _forbidden(r: httpx.Response) -> None:
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "forbidden"
    rules_of(r)


async def test_interviewer_may_not_decide_security(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_security")
    r = await decide(api, app, Role.interviewer, {"stage": "security", "outcome": "pass"})
    _forbidden(r)
    assert rules_of(r) == ["SEC-1"]
    state = (await api.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))).json()
    assert state["stage"] == "awaiting_security"
    assert not any(d["stage"] == "security" for d in state["decisions"])


async def test_applicant_may_not_confirm_their_own_payment(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    r = await api.post(f"/v1/applications/{app.id}/payment",
                       json={"reference": "SELF", "amount_rials": FEE}, headers=app.headers)
    _forbidden(r)


async def test_exam_officer_may_not_create_a_cycle(api: httpx.AsyncClient) -> None:
    body = {"year": 1406, "registration_start": "1406/01/15", "registration_end": "1406/01/25",
            "fee_rials": FEE, "cities": [{"province": "Tehran", "city": "Tehran",
                                          "capacity": 1, "priority": 1}]}
    _forbidden(await api.post("/v1/cycles", json=body, headers=auth(Role.exam_officer)))
    r = await api.get("/v1/cycles/1406", headers=auth(Role.admin))
    assert r.status_code == 404, r.text


async def test_applicant_may_not_read_or_act_on_another_application(
        api: httpx.AsyncClient, cycle: int) -> None:
    mine, theirs = await register(api), await register(api)
    _forbidden(await api.get(f"/v1/applications/{theirs.id}", headers=mine.headers))
    _forbidden(await api.post(f"/v1/applications/{theirs.id}/withdraw", headers=mine.headers))
    r = await api.get(f"/v1/applications/{mine.id}", headers=mine.headers)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("role", [Role.applicant, Role.payment_gateway])
async def test_list_needs_a_staff_role(api: httpx.AsyncClient, role: Role) -> None:
    _forbidden(await api.get("/v1/applications", params={"cycle": YEAR}, headers=auth(role)))


async def test_inbox_needs_a_reviewer_role(api: httpx.AsyncClient) -> None:
    _forbidden(await api.get("/v1/inbox", headers=auth(Role.auditor)))
    r = await api.get("/v1/inbox", headers=auth(Role.interviewer))
    assert r.status_code == 200, r.text


async def test_only_admin_disqualifies(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    for headers in (auth(Role.auditor), auth(Role.security_officer), app.headers):
        _forbidden(await api.post(f"/v1/applications/{app.id}/disqualify",
                                  json={"reason": "fraud"}, headers=headers))


async def test_reviewer_role_must_match_stage_for_exam_result(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_exam")
    _forbidden(await api.post(f"/v1/applications/{app.id}/exam-result",
                              json={"total_score": "6000", "pass_mark": "5500"},
                              headers=auth(Role.interviewer)))


ADMIN_URL = f"/v1/cycles/{YEAR}"


def _unauthorized(r: httpx.Response, code: str) -> None:
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == code


async def test_no_token_is_401(api: httpx.AsyncClient, cycle: int) -> None:
    _unauthorized(await api.get(ADMIN_URL), "unauthenticated")
    _unauthorized(await api.get("/v1/applications"), "unauthenticated")


async def test_bad_signature_is_401(api: httpx.AsyncClient, cycle: int) -> None:
    forged = token(Role.admin, secret="not-the-servers-secret-0123456789abcdefghijklmnop")
    _unauthorized(await api.get(ADMIN_URL, headers=bearer(forged)), "invalid_token")
    _unauthorized(await api.get(ADMIN_URL, headers=bearer("not.a.jwt")), "invalid_token")


async def test_expired_token_is_401(api: httpx.AsyncClient, cycle: int) -> None:
    expired = token(Role.admin, ttl=timedelta(seconds=-60))
    _unauthorized(await api.get(ADMIN_URL, headers=bearer(expired)), "token_expired")
    r = await api.get(ADMIN_URL, headers=auth(Role.admin))
    assert r.status_code == 200, r.text
