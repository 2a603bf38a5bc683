"""Provinces in the console: shown by their official Persian names, chosen from the 31."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import expect

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import auth, token
from tests.console.conftest import YEAR, Browsing, accessible, sign_in
from tests.console.helpers import ADMIN, in_inbox, register, to_interview

#: A reviewer of this module only, so no other module's claims meet its rows.
REVIEWER = "panel-places"


async def test_the_inbox_shows_persian_names_and_offers_the_provinces(
        browsing: Browsing, http: httpx.AsyncClient, console_cycle: int) -> None:
    app = await register(http, province="Tehran", city="Tehran")
    await to_interview(http, app)
    await in_inbox(http, Role.interviewer, [app])
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.json()["registration"]["province"] == "23"  # stored as its code

    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=REVIEWER))
    await page.goto(f"/console/inbox?q={app.tracking_code}")
    row = page.locator(f"table.inbox tr[data-id='{app.id}']")
    # The city too, where the reference data names it in Persian (a province's centre).
    await expect(row.locator("td[data-label='استان و شهر']")).to_have_text("تهران / تهران")

    # The province filter is a list of the 31 by their Persian names, each sending its code.
    province = page.get_by_label("استان", exact=True)
    options = province.locator("option")
    await expect(options).to_have_count(32)  # «all», then the 31 in code order
    await expect(options.first).to_have_attribute("value", "")
    assert await options.evaluate_all("os => os.slice(1).map(o => o.value)") == [
        f"{i:02d}" for i in range(31)]
    await expect(province.locator("option[value='23']")).to_have_text("تهران")
    # The city filter offers the cycles' cities.
    city = page.get_by_label("شهر", exact=True)
    await expect(city).to_have_attribute("list", "f-city-list")
    names = await page.locator("#f-city-list option").evaluate_all(
        "os => os.map(o => o.value)")
    assert {"Tehran", "Isfahan"} <= set(names)
    await accessible(page)

    await page.goto("/console/inbox")
    await province.select_option(label="تهران")
    await page.get_by_label("کد رهگیری").fill(to_persian_digits(app.tracking_code))
    await page.get_by_role("button", name="اعمال فیلتر").click()
    await expect(page).to_have_url(re.compile(r"province=23"))
    await expect(row).to_have_count(1)
    await expect(province).to_have_value("23")

    # A filter by a name (an old saved filter, a typed link) finds the same rows, the list
    # showing that province chosen.
    await page.goto(f"/console/inbox?province=Tehran&q={app.tracking_code}")
    await expect(row).to_have_count(1)
    await expect(province).to_have_value("23")
    await context.close()


async def test_the_dashboard_names_provinces_in_persian(
        browsing: Browsing, http: httpx.AsyncClient, console_cycle: int) -> None:
    await register(http, province="اصفهان", city="Isfahan")
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub=ADMIN))
    await page.goto(f"/console/dashboard?cycle={YEAR}")
    legend = page.locator("ul.legend")
    await expect(legend).to_contain_text("اصفهان")
    assert not re.search(r"\b(10|23|Isfahan|Tehran)\b", await legend.inner_text())
    await context.close()
