"""Provinces as reference data over HTTP: taken by Persian or English name or code, stored as
the Statistical Centre of Iran's code, filtered by any of them (REG-7, LAUNCH-1).

Cycles 1482-1486 are this module's.
"""

from __future__ import annotations

from typing import Any

import httpx
from sqlmodel import Session, select

from daftar.domain.stages import Role
from daftar.store.models import CityRecord, CycleRecord
from tests.api.helpers import (
    Stack,
    auth,
    cycle_body,
    eventually,
    get_app,
    register,
    rules_of,
)
from tests.factories import form

ADMIN = auth(Role.admin, sub="admin-places")
STAFF = auth(Role.auditor)


def _city(province: str, city: str, priority: int, *neighbours: tuple[str, str],
          capacity: int = 5) -> dict[str, Any]:
    return {"province": province, "city": city, "capacity": capacity, "priority": priority,
            "neighbours": [{"province": p, "city": c} for p, c in neighbours]}


async def _create(api: httpx.AsyncClient, year: int, *cities: dict[str, Any]) -> httpx.Response:
    return await api.post("/v1/cycles", json=cycle_body(year, cities=list(cities)),
                          headers=ADMIN)


async def _listed(api: httpx.AsyncClient, year: int, province: str) -> set[str]:
    r = await api.get("/v1/applications", params={"cycle": year, "province": province},
                      headers=STAFF)
    assert r.status_code == 200, r.text
    return {i["application_id"] for i in r.json()["items"]}


async def test_the_provinces_are_public_reference_data(api: httpx.AsyncClient) -> None:
    r = await api.get("/v1/places/provinces")  # no token
    assert r.status_code == 200, r.text
    provinces = r.json()
    assert len(provinces) == 31
    assert [p["code"] for p in provinces] == [f"{i:02d}" for i in range(31)]
    assert provinces[23] == {"code": "23", "name_fa": "تهران", "name_en": "Tehran",
                             "centre_fa": "تهران", "centre_en": "Tehran"}
    assert provinces[3] == {"code": "03", "name_fa": "آذربایجان شرقی",
                            "name_en": "East Azerbaijan", "centre_fa": "تبریز",
                            "centre_en": "Tabriz"}


async def test_a_cycle_stores_codes_and_a_registration_is_found_by_any_name(
        api: httpx.AsyncClient) -> None:
    year = 1482
    r = await _create(api, year, _city("تهران", "تهران", 1, ("قم", "قم")),
                      _city("Qom", "قم", 2), _city("استان اصفهان", "کاشان", 3))
    assert r.status_code == 201, r.text
    cities = r.json()["config"]["cities"]
    assert [(c["province"], c["city"]) for c in cities] == [
        ("23", "تهران"), ("25", "قم"), ("10", "کاشان")]
    assert cities[0]["neighbours"] == [{"province": "25", "city": "قم"}]

    # A registration naming the province in English is stored with its code (REG-7), the
    # city as the cycle spells it.
    tehrani = await register(api, year, province="Tehran", city="تهران")
    kashani = await register(api, year, province="Esfahan", city="كاشان")
    view = await get_app(api, tehrani, auth(Role.admin))
    assert (view["registration"]["province"], view["registration"]["city"]) == ("23", "تهران")
    view = await get_app(api, kashani, auth(Role.admin))
    assert (view["registration"]["province"], view["registration"]["city"]) == ("10", "کاشان")

    async def listed_by_code() -> bool:
        return await _listed(api, year, "23") == {tehrani.id}

    await eventually(listed_by_code, "the read model lists the registration")
    r = await api.get("/v1/applications", params={"cycle": year}, headers=STAFF)
    assert {i["province"] for i in r.json()["items"]} == {"23", "10"}
    # The list filter takes the Persian name, the English name or the code alike.
    for given in ("تهران", "Tehran", "teheran", "23", "۲۳", "استان تهران"):
        assert await _listed(api, year, given) == {tehrani.id}, given
    for given in ("اصفهان", "Isfahan", "10"):
        assert await _listed(api, year, given) == {kashani.id}, given
    assert await _listed(api, year, "Qom") == set()
    assert await _listed(api, year, "Atlantis") == set()

    # A city outside the cycle is still REG-7, however its province is named.
    r = await api.post(f"/v1/cycles/{year}/applications",
                       json=form(province="تهران", city="کاشان"))
    assert (r.status_code, rules_of(r)) == (422, ["REG-7"])


async def test_an_unknown_province_is_refused_naming_its_field(api: httpx.AsyncClient) -> None:
    year = 1483
    r = await _create(api, year, _city("Tehran", "Tehran", 1, ("Atlantis", "Poseidonia")),
                      _city("Khorasan", "Mashhad", 2))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    by_field = {v["field"]: v for v in error["rules"] if v["field"].endswith("province")}
    assert set(by_field) == {"cities.0.neighbours.0.province", "cities.1.province"}
    assert {v["rule"] for v in by_field.values()} == {"LAUNCH-1"}
    assert by_field["cities.1.province"]["message"] == (
        "«Khorasan» names none of Iran's 31 provinces: give its Persian or English name or "
        "its two-digit code (GET /v1/places/provinces lists them).")
    assert (await api.get(f"/v1/cycles/{year}", headers=ADMIN)).status_code == 404


async def test_a_neighbour_in_the_same_province_under_another_name_is_refused(
        api: httpx.AsyncClient) -> None:
    year = 1484
    r = await _create(api, year, _city("Tehran", "Tehran", 1, ("تهران", "Rey")),
                      _city("23", "Rey", 2))
    assert (r.status_code, rules_of(r)) == (422, ["LAUNCH-1"])
    assert "same province" in r.json()["error"]["rules"][0]["message"]
    assert (await api.get(f"/v1/cycles/{year}", headers=ADMIN)).status_code == 404


async def test_an_amendment_finds_a_city_by_its_provinces_name_and_adds_codes(
        api: httpx.AsyncClient) -> None:
    year = 1485
    r = await _create(api, year, _city("Tehran", "Tehran", 1), _city("Qom", "Qom", 2))
    assert r.status_code == 201, r.text

    r = await api.patch(f"/v1/cycles/{year}", headers=ADMIN, json={"cities": [
        {"province": "تهران", "city": "tehran", "capacity": 9},
        {"province": "Fars", "city": "Shiraz", "capacity": 2, "priority": 3,
         "neighbours": [{"province": "قم", "city": "Qom"}]}]})
    assert r.status_code == 200, r.text
    cities = r.json()["config"]["cities"]
    assert [(c["province"], c["city"], c["capacity"]) for c in cities] == [
        ("23", "Tehran", 9), ("25", "Qom", 5), ("07", "Shiraz", 2)]
    assert cities[2]["neighbours"] == [{"province": "25", "city": "Qom"}]
    (amendment,) = (await api.get(f"/v1/cycles/{year}/amendments", headers=STAFF)).json()["items"]
    assert amendment["before"]["cities"][0]["capacity"] == 5  # the city found, not added
    assert amendment["before"]["cities"][1] is None

    r = await api.patch(f"/v1/cycles/{year}", headers=ADMIN, json={"cities": [
        {"province": "Khorasan", "city": "Mashhad", "capacity": 1, "priority": 4}]})
    assert (r.status_code, rules_of(r)) == (422, ["LAUNCH-1"])
    assert r.json()["error"]["rules"][0]["field"] == "cities.0.province"


async def test_a_cycle_stored_with_names_keeps_working(api: httpx.AsyncClient,
                                                       stack: Stack) -> None:
    """A cycle created before provinces were codes holds the names the admin typed."""
    year = 1486
    r = await _create(api, year, _city("Tehran", "Tehran", 1, ("Qom", "Qom")),
                      _city("Qom", "Qom", 2))
    assert r.status_code == 201, r.text
    names = {"23": "Tehran", "25": "Qom"}
    with Session(stack.engine) as session:  # as such a cycle was stored
        record = session.get(CycleRecord, year)
        assert record is not None
        record.config = {**record.config, "cities": [
            {**c, "province": names[c["province"]],
             "neighbours": [{**n, "province": names[n["province"]]} for n in c["neighbours"]]}
            for c in record.config["cities"]]}
        session.add(record)
        for city in session.exec(select(CityRecord).where(CityRecord.cycle == year)):
            city.province = names[city.province]
            city.neighbours = [{**n, "province": names[n["province"]]} for n in city.neighbours]
            session.add(city)
        session.commit()

    # Registered in the cycle's own spelling, found by the code and the Persian name.
    app = await register(api, year, province="تهران", city="Tehran")
    view = await get_app(api, app, auth(Role.admin))
    assert view["registration"]["province"] == "Tehran"

    async def listed() -> bool:
        return await _listed(api, year, "23") == {app.id}

    await eventually(listed, "the read model lists the registration by its province's code")
    assert await _listed(api, year, "تهران") == {app.id}

    # An amendment names the city by its province's code; a new city's neighbour by name.
    r = await api.patch(f"/v1/cycles/{year}", headers=ADMIN, json={"cities": [
        {"province": "23", "city": "Tehran", "capacity": 7},
        {"province": "Isfahan", "city": "Isfahan", "capacity": 2, "priority": 3,
         "neighbours": [{"province": "قم", "city": "Qom"}]}]})
    assert r.status_code == 200, r.text
    cities = r.json()["config"]["cities"]
    assert [(c["province"], c["city"], c["capacity"]) for c in cities] == [
        ("Tehran", "Tehran", 7), ("Qom", "Qom", 5), ("10", "Isfahan", 2)]
    assert cities[2]["neighbours"] == [{"province": "Qom", "city": "Qom"}]
    with Session(stack.engine) as session:
        stored = {(c.province, c.city): c.capacity for c in session.exec(
            select(CityRecord).where(CityRecord.cycle == year))}
    assert stored == {("Tehran", "Tehran"): 7, ("Qom", "Qom"): 5, ("10", "Isfahan"): 2}
