"""Simultaneous requests: Temporal's workflow id and update validators let one through."""

from __future__ import annotations

import asyncio

import httpx

from daftar.domain.stages import Role
from tests.api.helpers import (
    YEAR,
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


async def test_concurrent_registrations_of_one_person(api: httpx.AsyncClient,
                                                      cycle: int) -> None:
    data = form()
    responses = await asyncio.gather(*(api.post(URL, json=data) for _ in range(10)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9, [r.text for r in responses]
    created = next(r.json() for r in responses if r.status_code == 201)
    assert all(rules_of(r) == ["REG-5"] for r in responses if r.status_code == 409)

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


async def test_concurrent_interview_decisions(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    responses = await asyncio.gather(*(
        decide(api, app, Role.interviewer,
               {"stage": "interview", "outcome": "pass", "score": 50 + i}, sub=f"int-{i}")
        for i in range(8)))
    assert sorted(r.status_code for r in responses) == [200] + [409] * 7
    winner = next(r.json() for r in responses if r.status_code == 200)
    view = await get_app(api, app, auth(Role.admin))
    interviews = [d for d in view["decisions"] if d["stage"] == "interview"]
    assert len(interviews) == 1
    assert interviews == [d for d in winner["decisions"] if d["stage"] == "interview"]
    assert view["stage"] == "awaiting_qualification"


async def test_concurrent_payments_with_different_references(api: httpx.AsyncClient,
                                                             cycle: int) -> None:
    app = await register(api)
    assert (await put_photo(api, app)).status_code == 204
    responses = await asyncio.gather(*(pay(api, app, reference=f"REF-{i}") for i in range(6)))
    assert sorted(r.status_code for r in responses) == [200] + [409] * 5
    view = await get_app(api, app, auth(Role.admin))
    assert [d["stage"] for d in view["decisions"]].count("payment") == 1
    assert view["stage"] == "awaiting_exam"
