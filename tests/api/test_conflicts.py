"""409s (duplicates, wrong stage, closed) and 404 for the unknown."""

from __future__ import annotations

from collections.abc import Awaitable

import httpx
from temporalio.client import WorkflowExecutionStatus

from daftar.contracts.ids import applicant_workflow_id
from daftar.domain.stages import Role
from tests.api.helpers import (
    FEE,
    YEAR,
    Applicant,
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
INTERVIEW = {"stage": "interview", "outcome": "pass", "score": 70}


def _conflict(r: httpx.Response) -> list[str]:
    assert r.status_code == 409, r.text
    return rules_of(r)


async def test_duplicate_registration(api: httpx.AsyncClient, cycle: int) -> None:
    data = form()
    first = await api.post(URL, json=data)
    assert first.status_code == 201, first.text
    again = {**data, "first_name": "Someone", "mobile": "09351112233"}
    assert _conflict(await api.post(URL, json=again)) == ["REG-5"]


async def test_second_interview_decision(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    r = await decide(api, app, Role.interviewer, INTERVIEW, sub="first")
    assert r.status_code == 200, r.text
    r = await decide(api, app, Role.interviewer, {**INTERVIEW, "score": 10}, sub="second")
    assert _conflict(r) == ["INT-1"]
    view = await get_app(api, app, auth(Role.admin))
    interviews = [d for d in view["decisions"] if d["stage"] == "interview"]
    assert [d["actor"] for d in interviews] == ["first"]


async def test_decision_for_the_wrong_stage(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    r = await decide(api, app, Role.security_officer, {"stage": "security", "outcome": "pass"})
    assert _conflict(r) == ["SEC-1"]
    r = await decide(api, app, Role.qualification_officer,
                     {"stage": "qualification", "outcome": "pass", "checks": {}})
    assert _conflict(r) == ["QUAL-1"]
    assert (await get_app(api, app, auth(Role.admin)))["stage"] == "awaiting_interview"


async def test_payment_replay_is_a_no_op(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    first = await pay(api, app, reference=f"REF-1-{app.id}")
    assert first.status_code == 200, first.text
    recorded = (await get_app(api, app, auth(Role.admin)))["payment"]
    replay = await pay(api, app, reference=f"REF-1-{app.id}")
    assert replay.status_code == 200, replay.text
    assert replay.json() == first.json() == {"application_id": app.id,
                                             "stage": "awaiting_payment"}
    view = await get_app(api, app, auth(Role.admin))
    assert view["payment"] == recorded
    assert [d["stage"] for d in view["decisions"]].count("payment") == 1
    assert _conflict(await pay(api, app, reference=f"REF-2-{app.id}")) == ["REG-2"]
    view = await get_app(api, app, auth(Role.admin))
    assert view["payment"]["reference"] == f"REF-1-{app.id}"


def _closing_attempts(api: httpx.AsyncClient, app: Applicant) -> list[Awaitable[httpx.Response]]:
    path = f"/v1/applications/{app.id}"
    return [
        decide(api, app, Role.interviewer, INTERVIEW),
        api.post(f"{path}/withdraw", headers=app.headers),
        api.post(f"{path}/disqualify", json={"reason": "late"}, headers=auth(Role.admin)),
        api.post(f"{path}/documents", json={"kind": "veteran_certificate", "reference": "D"},
                 headers=app.headers),
        api.post(f"{path}/licence", headers=auth(Role.licensing_officer)),
        pay(api, app, reference=f"LATE-{app.id}"),
    ]


async def test_every_update_after_withdrawal_is_closed(api: httpx.AsyncClient, stack: Stack,
                                                      cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    r = await api.post(f"/v1/applications/{app.id}/withdraw", headers=app.headers)
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "withdrawn"
    for attempt in _closing_attempts(api, app):  # the workflow may still be finishing
        r = await attempt
        assert r.status_code == 409, r.text

    handle = stack.env.client.get_workflow_handle(applicant_workflow_id(app.id))

    async def completed() -> bool:
        return (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED

    await eventually(completed, "the withdrawn application's workflow completed")
    *attempts, payment = _closing_attempts(api, app)
    for attempt in attempts:  # and once it has ended
        r = await attempt
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "closed", r.text
        assert rules_of(r) == ["WD-1"]
    # The payment gateway learns that the fee is paid, not that the applicant withdrew.
    r = await payment
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "duplicate" and rules_of(r) == ["REG-2"]
    assert "withdr" not in r.text.lower()
    assert (await get_app(api, app, app.headers))["stage"] == "withdrawn"


async def test_photo_after_registration_is_wrong_stage(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_exam")
    assert _conflict(await put_photo(api, app)) == ["REG-4"]


async def test_unknown_application_is_404(api: httpx.AsyncClient, cycle: int) -> None:
    unknown = "0123456789abcdef"
    for r in (
        await api.get(f"/v1/applications/{unknown}", headers=auth(Role.admin)),
        await api.post(f"/v1/applications/{unknown}/payment",
                       json={"reference": "R", "amount_rials": FEE},
                       headers=auth(Role.payment_gateway)),
        await api.post(f"/v1/applications/{unknown}/decisions", json=INTERVIEW,
                       headers=auth(Role.interviewer)),
    ):
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "not_found"


async def test_existing_cycle_is_409(api: httpx.AsyncClient, cycle: int) -> None:
    body = {"year": YEAR, "registration_start": "1405/01/01", "registration_end": "1405/01/10",
            "fee_rials": 1, "cities": [{"province": "Qom", "city": "Qom", "capacity": 1,
                                        "priority": 1}]}
    r = await api.post("/v1/cycles", json=body, headers=auth(Role.admin))
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "duplicate"
    config = (await api.get(f"/v1/cycles/{YEAR}", headers=auth(Role.admin))).json()["config"]
    assert config["fee_rials"] == FEE


async def test_a_retried_payment_answers_200_and_is_recorded_once(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    assert (await put_photo(api, app)).status_code == 204
    first = await pay(api, app, reference=f"GW-RETRY-1-{app.id}")
    again = await pay(api, app, reference=f"GW-RETRY-1-{app.id}")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["stage"] == first.json()["stage"] == "awaiting_exam"
    other = await pay(api, app, reference=f"GW-RETRY-2-{app.id}")
    assert other.status_code == 409 and rules_of(other) == ["REG-2"]
    history = await api.get(f"/v1/applications/{app.id}/history", headers=auth(Role.auditor))
    assert [e["kind"] for e in history.json()].count("paid") == 1
