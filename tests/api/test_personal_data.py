"""Applicants' personal data at registration and in staff views: Persian text stored in one
spelling, control characters refused (REG-2), the mobile number masked for staff who need not
see it."""

from __future__ import annotations

import httpx
import pytest

from daftar.domain.digits import ascii_to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import YEAR, auth, get_app, open_cycle, register, rules_of
from tests.factories import form, next_national_id

URL = f"/v1/cycles/{YEAR}/applications"


@pytest.mark.parametrize(("field", "value"), [
    ("first_name", "Ali\x00"),
    ("last_name", "\u202eieazeR"),  # RIGHT-TO-LEFT OVERRIDE: displays reversed
    ("father_name", "Ha\u2067san\u2069"),  # an isolate
    ("city", "Teh\u200fran"),  # RIGHT-TO-LEFT MARK
    ("province", "Teh\x85ran"),  # a C1 control
    ("mobile", "0912\x1b1234567"),
])
async def test_control_characters_are_refused(api: httpx.AsyncClient, cycle: int, field: str,
                                              value: str) -> None:
    data = form(**{field: value})
    r = await api.post(URL, json=data)
    assert r.status_code == 422, r.text
    refused = [v for v in r.json()["error"]["rules"] if v["field"] == field]
    control = next(ch for ch in value if not ch.isprintable())
    # REG-2 naming the character (a city is also unknown, REG-7; a mobile also malformed).
    assert any(v["rule"] == "REG-2" and f"U+{ord(control):04X}" in v["message"]
               for v in refused), r.text
    # Nothing was started: the same person registers once the field is typed again.
    data[field] = form()[field]
    assert (await api.post(URL, json=data)).status_code == 201


async def test_persian_text_is_stored_in_one_spelling(api: httpx.AsyncClient,
                                                      cycle: int) -> None:
    national_id = next_national_id()
    app = await register(
        api, national_id=ascii_to_persian_digits(national_id),
        first_name="علي", last_name="  كاظمي   زاده ", father_name="مهدی\u200cرضا",
        birth_date="۱۳۷۰/۰۱/۰۱", mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷",
        degree={"level": "bachelor", "field": "law", "graduation_date": "١٣٩٥/٠٤/٠١"})
    registration = (await get_app(api, app, app.headers))["registration"]
    assert registration["first_name"] == "علی"  # Arabic yeh → Persian
    assert registration["last_name"] == "کاظمی زاده"  # Arabic kaf, spaces collapsed
    assert registration["father_name"] == "مهدی\u200cرضا"  # ZWNJ kept
    assert registration["mobile"] == "09121234567"
    assert registration["birth_date"] == "1370/01/01"
    assert registration["degree"]["graduation_date"] == "1395/04/01"
    assert registration["national_id"] == national_id


async def test_a_city_is_stored_as_the_cycle_spells_it(api: httpx.AsyncClient) -> None:
    await open_cycle(api, 1416, "كرمان", capacity=1)
    r = await api.post("/v1/cycles/1416/applications",
                       json=form(province="کرمان", city=" کرمان "))
    assert r.status_code == 201, r.text
    view = (await api.get(f"/v1/applications/{r.json()['application_id']}",
                          headers=auth(Role.admin))).json()
    # The province as the cycle stores it, its code (Kerman: 08); the city as the cycle spells it.
    assert (view["registration"]["province"], view["registration"]["city"]) == (
        "08", "كرمان")


async def test_the_mobile_is_masked_for_staff_who_need_not_see_it(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api, mobile="09127654321")
    masked = "091****321"
    for role in (Role.interviewer, Role.qualification_officer, Role.security_officer,
                 Role.exam_officer, Role.licensing_officer, Role.auditor):
        seen = (await get_app(api, app, auth(role)))["registration"]["mobile"]
        assert seen == masked, role
    assert (await get_app(api, app, auth(Role.admin)))["registration"]["mobile"] == \
        "09127654321"
    assert (await get_app(api, app, app.headers))["registration"]["mobile"] == "09127654321"


async def test_a_refusal_names_the_character(api: httpx.AsyncClient, cycle: int) -> None:
    r = await api.post(URL, json=form(first_name="A\u202ab"))
    assert r.status_code == 422, r.text
    assert rules_of(r) == ["REG-2"]
    assert "U+202A" in r.json()["error"]["rules"][0]["message"]
