"""CYC-1 over HTTP: `PATCH /v1/cycles/{year}`, `GET /v1/cycles`, `GET .../amendments`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlmodel import Session

from daftar.domain import jalali
from daftar.domain.stages import Role
from daftar.store.models import PlacementRecord
from tests.api.helpers import (
    Stack,
    advance,
    auth,
    cycle_body,
    eventually,
    get_app,
    open_cycle,
    register,
    rules_of,
)

ADMIN = auth(Role.admin, sub="admin-amends")


def _day(offset: int) -> str:
    today = jalali.to_gregorian(jalali.business_day(datetime.now(UTC)))
    return str(jalali.from_gregorian(today + timedelta(days=offset)))


async def _patch(api: httpx.AsyncClient, year: int, body: dict[str, Any],
                 headers: dict[str, str] = ADMIN) -> httpx.Response:
    return await api.patch(f"/v1/cycles/{year}", json=body, headers=headers)


async def test_an_extension_reaches_open_applications_and_is_recorded(
        api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1450
    created = await open_cycle(api, year, "Tehran", engine=stack.engine)
    old_end = created["config"]["registration_end"]
    unpaid = await register(api, year)
    reviewing = await register(api, year)
    await advance(api, reviewing, "awaiting_interview")
    before = await get_app(api, reviewing, auth(Role.admin))

    r = await _patch(api, year, {"registration_end": _day(15), "sla_days": {"interview": 45},
                                 "claim_hours": 3})
    assert r.status_code == 200, r.text
    cycle = r.json()
    assert cycle["amendments"] == 1
    assert cycle["config"]["registration_end"] == _day(15)
    assert cycle["config"]["sla_days"]["interview"] == 45
    assert cycle["config"]["claim_hours"] == 3
    assert cycle["reference_day"] == old_end  # AGE-1/AGE-2 keep the day first announced
    closes = cycle["registration_closes"]["at"]

    listed = (await api.get(f"/v1/cycles/{year}/amendments", headers=auth(Role.auditor))).json()
    assert listed["total"] == 1
    (amendment,) = listed["items"]
    assert (amendment["number"], amendment["actor"]) == (1, "admin-amends")
    assert amendment["before"]["registration_end"] == old_end
    assert amendment["after"]["registration_end"] == _day(15)
    assert amendment["after"]["sla_days"]["interview"] == 45
    assert (amendment["before"]["claim_hours"], amendment["after"]["claim_hours"]) == (2, 3)

    async def moved() -> bool:
        view = await get_app(api, unpaid, auth(Role.admin))
        return bool(view["due_at"] and view["due_at"]["at"] == closes)

    await eventually(moved, "the unpaid application waits for the new end")

    async def sla_moved() -> dict[str, Any] | None:
        view = await get_app(api, reviewing, auth(Role.admin))
        due = view["due_at"] and datetime.fromisoformat(view["due_at"]["at"])
        old_due = datetime.fromisoformat(before["due_at"]["at"])
        return view if due and due - old_due == timedelta(days=15) else None

    await eventually(sla_moved, "the interview's deadline follows the new SLA days")
    timeline = (await api.get(f"/v1/applications/{unpaid.id}/history",
                              headers=auth(Role.auditor))).json()
    events = timeline["events"] if isinstance(timeline, dict) else timeline
    amended = [e for e in events if e["kind"] == "amended"]
    assert len(amended) == 1 and amended[0]["rules"] == ["CYC-1"]
    assert amended[0]["actor"] == "admin-amends"


async def test_the_reference_day_stays_for_registrations_after_an_extension(
        api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1451
    created = await open_cycle(api, year, engine=stack.engine)
    ref = jalali.parse_jalali(created["config"]["registration_end"])
    r = await _patch(api, year, {"registration_end": _day(20)})
    assert r.status_code == 200, r.text
    # Exactly 50 on the reference day first announced: eligible (AGE-1), though 50 years and
    # some days old on the new end.
    fifty = f"{ref.year - 50:04d}/{ref.month:02d}/{ref.day:02d}"
    late = await register(api, year, birth_date=fifty)
    view = await get_app(api, late, auth(Role.admin))
    assert view["due_at"]["at"] == r.json()["registration_closes"]["at"]


async def test_refusals_name_the_rule(api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1452
    await open_cycle(api, year, "Tehran", "Qom", engine=stack.engine)
    r = await _patch(api, year, {})
    assert (r.status_code, rules_of(r)) == (422, ["CYC-1"])
    r = await _patch(api, year, {"claim_hours": 3}, headers=auth(Role.interviewer))
    assert r.status_code == 403
    r = await _patch(api, year, {"registration_end": _day(-1)})  # ended yesterday
    assert (r.status_code, r.json()["error"]["code"], rules_of(r)) == (409, "conflict",
                                                                       ["CYC-1"])
    r = await _patch(api, year, {"registration_end": "1399/13/40"})
    assert (r.status_code, rules_of(r)) == (422, ["REG-1"])
    r = await _patch(api, year, {"cities": [{"province": "Fars", "city": "Shiraz"}]})
    assert (r.status_code, rules_of(r)) == (422, ["CYC-1"])
    r = await _patch(api, year, {"cities": [{"province": "Tehran", "city": "Tehran",
                                             "neighbours": [{"province": "X", "city": "Y"}]}]})
    assert (r.status_code, rules_of(r)) == (422, ["LAUNCH-1"])
    r = await api.patch("/v1/cycles/1453", json={"claim_hours": 3}, headers=ADMIN)
    assert r.status_code == 404
    assert (await api.get(f"/v1/cycles/{year}/amendments", headers=ADMIN)).json()["total"] == 0


async def test_a_closed_window_stays_closed(api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1454
    body = cycle_body(year, registration_start=_day(-10), registration_end=_day(-2))
    assert (await api.post("/v1/cycles", json=body, headers=ADMIN)).status_code == 201
    r = await _patch(api, year, {"registration_end": _day(5)})
    assert (r.status_code, r.json()["error"]["code"], rules_of(r)) == (409, "conflict",
                                                                       ["CYC-1"])
    assert "closed" in r.json()["error"]["message"]
    # Other settings may still change after the window closed.
    r = await _patch(api, year, {"sla_days": {"security": 20}})
    assert r.status_code == 200, r.text


async def test_cities_change_and_are_added_never_below_the_seats_given(
        api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1455
    await open_cycle(api, year, "Tehran", "Qom", capacity=5, engine=stack.engine)
    with Session(stack.engine) as session:
        for i in range(3):
            session.add(PlacementRecord(cycle=year, application_id=f"given-{i}", round=1,
                                        rank=i + 1, province="23", city="Tehran",
                                        reserved=False, relocation="none"))
        session.commit()
    r = await _patch(api, year, {"cities": [{"province": "Tehran", "city": "Tehran",
                                             "capacity": 2}]})
    assert (r.status_code, r.json()["error"]["code"], rules_of(r)) == (409, "conflict",
                                                                       ["CYC-1"])
    assert "3 seats" in r.json()["error"]["rules"][0]["message"]
    r = await _patch(api, year, {"cities": [
        {"province": "Tehran", "city": "Tehran", "capacity": 3, "priority": 9},
        {"province": "Fars", "city": "Shiraz", "capacity": 4, "priority": 3,
         "neighbours": [{"province": "Qom", "city": "Qom"}]}]})
    assert r.status_code == 200, r.text
    # Stored by their provinces' codes: Tehran 23, Fars 07, Qom 25.
    cities = {(c["province"], c["city"]): c for c in r.json()["config"]["cities"]}
    assert (cities[("23", "Tehran")]["capacity"], cities[("23", "Tehran")]["priority"]) \
        == (3, 9)
    assert cities[("07", "Shiraz")]["neighbours"] == [{"province": "25", "city": "Qom"}]
    # The added city is one applicants may now choose (REG-7).
    await register(api, year, province="Fars", city="Shiraz")
    listed = (await api.get("/v1/cycles", headers=auth(Role.auditor))).json()
    years = [c["year"] for c in listed["items"]]
    assert year in years and years == sorted(years, reverse=True)
    assert listed["total"] >= len(years)
