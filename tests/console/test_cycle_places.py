"""The cycle page's launch table (LAUNCH-1): provinces and cities by their Persian names, and a
city to add chosen from a list."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import expect

from daftar.domain.stages import Role
from tests.api.helpers import Stack, auth, cycle_body, token
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.helpers import ADMIN

#: This module's cycle.
YEAR = 1448
LATIN = re.compile(r"[A-Za-z]")
CITIES = [("Tehran", "Tehran", "تهران", "تهران"), ("East Azerbaijan", "Tabriz", "آذربایجان شرقی",
                                                    "تبریز"),
          ("اصفهان", "Isfahan", "اصفهان", "اصفهان")]


@pytest.fixture(scope="module")
async def cycle(http: httpx.AsyncClient, console_stack: Stack) -> int:
    r = await http.post("/v1/cycles", json=cycle_body(YEAR, cities=[
        {"province": p, "city": c, "capacity": 4, "priority": i,
         "neighbours": [{"province": "Tehran", "city": "Tehran"}] if c == "Tabriz" else []}
        for i, (p, c, _, _) in enumerate(CITIES, start=1)]), headers=auth(Role.admin))
    assert r.status_code == 201, r.text
    return YEAR


@pytest.mark.parametrize("phone", [False, True])
async def test_the_launch_table_names_places_in_persian(browsing: Browsing, cycle: int,
                                                        phone: bool) -> None:
    context = await browsing.context(phone=phone)
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub=ADMIN))
    await page.goto(f"/console/cycles/{cycle}")
    for _, stored, province, city in CITIES:
        row = page.locator(f"#cities tr[data-city='{stored}']")
        cells = row.locator("td.place")
        await expect(cells).to_have_text([province, city])
    for text in await page.locator("#cities tbody").all_inner_texts():
        assert not LATIN.search(text), text
    # A neighbour by its Persian names too.
    await expect(page.locator("#cities tr[data-city='Tabriz']")).to_contain_text("تهران (تهران)")
    # The amendment form names each city in Persian, and offers the city to add from a list.
    await expect(page.get_by_label("ظرفیت تازهٔ تبریز (آذربایجان شرقی)")).to_have_count(1)
    field = page.locator("#amend").get_by_label("شهر", exact=True)
    assert await field.get_attribute("list") == "new-city-list"
    offered = await page.locator("#new-city-list option").evaluate_all(
        "options => options.map(o => o.value)")
    assert {"تبریز", "شیراز", "کرج", "اصفهان"} <= set(offered)
    assert not any(LATIN.search(o) for o in offered)
    await accessible(page)
    if not phone:
        await shot(page, "cycle-launch-table")
    await context.close()
