"""Malformed or rule-breaking input: 422 in docs/api.md's error shape, naming every rule."""

from __future__ import annotations

import httpx

from daftar.domain.stages import Role
from tests.api.helpers import (
    FEE,
    YEAR,
    advance,
    auth,
    decide,
    image,
    pay,
    put_photo,
    register,
    rules_of,
)
from tests.factories import form, next_national_id

URL = f"/v1/cycles/{YEAR}/applications"


def _invalid(r: httpx.Response) -> list[str]:
    assert r.status_code == 422, r.text
    rules = rules_of(r)
    assert rules, r.text
    return rules


async def test_unknown_registration_field(api: httpx.AsyncClient, cycle: int) -> None:
    data = form(favourite_colour="blue")
    r = await api.post(URL, json=data)
    _invalid(r)
    error = r.json()["error"]
    assert error["code"] == "invalid_request"
    assert any(v["field"] == "favourite_colour" for v in error["rules"]), r.text
    del data["favourite_colour"]  # nothing was started: the same person may still register
    assert (await api.post(URL, json=data)).status_code == 201


async def test_missing_registration_field(api: httpx.AsyncClient, cycle: int) -> None:
    data = form()
    del data["computer_certificate"]
    r = await api.post(URL, json=data)
    assert "GEN-5" in _invalid(r)
    assert any(v["field"] == "computer_certificate" for v in r.json()["error"]["rules"])


async def test_every_broken_registration_rule_at_once(api: httpx.AsyncClient,
                                                      cycle: int) -> None:
    good = next_national_id()
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)  # wrong check digit
    data = form(national_id=bad, birth_date="1395/01/01", computer_certificate=False,
                degree={"level": "bachelor", "graduation_date": "1395/04/01"})  # no field
    rules = _invalid(await api.post(URL, json=data))
    assert {"REG-5", "AGE-1", "GEN-2", "GEN-5"} <= set(rules), rules


async def test_registration_in_an_unknown_cycle(api: httpx.AsyncClient, cycle: int) -> None:
    r = await api.post("/v1/cycles/1499/applications", json=form())
    assert r.status_code == 404, r.text


async def test_city_outside_the_cycle(api: httpx.AsyncClient, cycle: int) -> None:
    rules = _invalid(await api.post(URL, json=form(province="Fars", city="Shiraz")))
    assert "REG-7" in rules


async def test_bad_decision_outcome(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    r = await decide(api, app, Role.interviewer,
                     {"stage": "interview", "outcome": "maybe", "score": 50})
    _invalid(r)
    assert any(v["field"] == "outcome" for v in r.json()["error"]["rules"]), r.text


async def test_interview_without_score(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_interview")
    r = await decide(api, app, Role.interviewer, {"stage": "interview", "outcome": "pass"})
    assert _invalid(r) == ["INT-1"]
    r = await api.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_interview"


async def test_png_photo_is_refused(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    r = await put_photo(api, app, image("PNG"))
    assert _invalid(r) == ["REG-4"]
    r = await api.get(f"/v1/applications/{app.id}", headers=app.headers)
    assert r.json()["photo"] is None


async def test_photo_too_small_is_refused(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    assert _invalid(await put_photo(api, app, image(size=(100, 100)))) == ["REG-4"]


async def test_wrong_payment_amount(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    r = await pay(api, app, amount=FEE - 1)
    assert _invalid(r) == ["REG-2"]
    r = await api.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.json()["payment"] is None
    r = await pay(api, app)  # the right amount afterwards is accepted
    assert r.status_code == 200, r.text


async def test_malformed_payment_body(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    r = await api.post(f"/v1/applications/{app.id}/payment", json={"reference": "X"},
                       headers=auth(Role.payment_gateway))
    assert "REG-2" in _invalid(r)
