"""The cycles' pages: the list, one cycle's settings and amendments, and the admin's amendment
form (CYC-1) with its refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.async_api import Page, expect

from daftar.console.render import fa
from daftar.console.session import COOKIE, csrf_token
from daftar.domain import jalali
from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import SECRET, Stack, auth, open_cycle, token
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.helpers import ADMIN, INTERVIEWER

#: This module's cycles (no other test uses 1460–1469).
LISTED, AMENDED, REFUSED, STALE, PHONE, UNKNOWN = 1460, 1461, 1462, 1463, 1464, 1469


def _day(offset: int) -> str:
    """The Jalali day `offset` days from today in Tehran, as `YYYY/MM/DD`."""
    today = jalali.to_gregorian(jalali.business_day(datetime.now(UTC)))
    return str(jalali.from_gregorian(today + timedelta(days=offset)))


async def _cycle(http: httpx.AsyncClient, year: int) -> dict[str, Any]:
    r = await http.get(f"/v1/cycles/{year}", headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _amend_page(browsing: Browsing, year: int) -> Page:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub=ADMIN))
    await page.goto(f"/console/cycles/{year}")
    return page


async def test_staff_find_the_cycles_and_read_one_without_the_form(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    created = await open_cycle(http, LISTED, "Tehran", "Isfahan", engine=console_stack.engine)
    config = created["config"]
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    await page.get_by_role("link", name="دوره‌ها", exact=True).click()
    await expect(page.locator("h1")).to_have_text("دوره‌ها")
    row = page.locator(f"#cycles tr[data-year='{LISTED}']")
    await expect(row).to_contain_text("در حال ثبت‌نام")
    await expect(row).to_contain_text(
        f"{fa(config['registration_start'])} تا {fa(config['registration_end'])}")
    await accessible(page)

    await row.get_by_role("link").click()
    await expect(page.locator("h1")).to_have_text(f"دورهٔ {to_persian_digits(str(LISTED))}")
    await expect(page.locator("#phase")).to_have_text("در حال ثبت‌نام")
    await expect(page.locator("#registration-end")).to_have_text(fa(config["registration_end"]))
    await expect(page.locator("#reference-day")).to_have_text(fa(config["reference_day"]))
    for stage, days in config["sla_days"].items():
        await expect(page.locator(f"#sla dd[data-stage='{stage}']")).to_have_text(
            f"{fa(days)} روز")
    await expect(page.locator("#claim-hours")).to_have_text(f"{fa(config['claim_hours'])} ساعت")
    await expect(page.locator("#cities tbody tr")).to_have_count(2)
    await expect(page.locator("#cities tr[data-city='Isfahan']")).to_contain_text(fa(5))
    await expect(page.get_by_text("این دوره هنوز اصلاح نشده است.")).to_be_visible()
    await expect(page.locator("#amend")).to_have_count(0)  # reviewers read, never amend
    await accessible(page)
    await context.close()

    # Nor may they send the form: refused like any other console action, nothing changed.
    tok = token(Role.interviewer, sub=INTERVIEWER)
    r = await http.post(f"/console/cycles/{LISTED}/amend",
                        data={"csrf": csrf_token(SECRET, tok), "claim_hours": "5"},
                        headers={"Cookie": f"{COOKIE}={tok}",
                                 "Origin": str(http.base_url).rstrip("/")})
    assert r.status_code == 403
    assert 'data-code="forbidden"' in r.text
    assert (await _cycle(http, LISTED))["amendments"] == 0

    r = await http.get(f"/console/cycles/{UNKNOWN}", headers={"Cookie": f"{COOKIE}={tok}"})
    assert r.status_code == 404
    assert 'data-code="not_found"' in r.text


async def test_an_admin_extends_the_window_through_the_form(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    created = await open_cycle(http, AMENDED, "Tehran", "Isfahan", engine=console_stack.engine)
    old_end, new_end = created["config"]["registration_end"], _day(20)
    old_interview = created["config"]["sla_days"]["interview"]
    page = await _amend_page(browsing, AMENDED)
    form = page.locator("#amend")
    await form.get_by_label("پایان تازهٔ مهلت ثبت‌نام (سال/ماه/روز)").fill(
        to_persian_digits(new_end))
    await form.get_by_label("مصاحبهٔ علمی", exact=True).fill("۴۵")
    # Each city and its province by their Persian names (the province stored as its code).
    await form.get_by_label("ظرفیت تازهٔ تهران (تهران)").fill("8")
    await form.get_by_label("اولویت تازهٔ اصفهان (اصفهان)").fill(" ")  # empty: unchanged
    added = form.locator("fieldset", has_text="افزودن شهر")
    await added.get_by_label("استان").select_option(label="فارس")  # one of the 31
    await added.get_by_label("شهر").fill("Shiraz")
    await added.get_by_label("ظرفیت").fill("۳")
    await added.get_by_label("اولویت").fill("3")
    await form.get_by_role("button", name="ثبت اصلاح").click()

    await expect(page.locator("#notice")).to_contain_text("اصلاح دوره ثبت شد")
    await expect(page.locator("#registration-end")).to_have_text(fa(new_end))
    await expect(page.locator("#reference-day")).to_have_text(fa(old_end))  # AGE-1 keeps it
    await expect(page.locator("#amendment-count")).to_have_text("۱")
    await expect(page.locator("#cities tr[data-city='Shiraz']")).to_contain_text("فارس")

    amendment = page.locator("#amendment-1")
    await expect(amendment.locator(".actor")).to_have_text(ADMIN)
    await expect(amendment.locator("time")).to_have_count(1)

    async def change(setting: str, before: str, after: str) -> None:
        row = amendment.locator("tbody tr", has=page.locator("th", has_text=setting))
        await expect(row.locator(".before")).to_have_text(before)
        await expect(row.locator(".after")).to_have_text(after)

    await change("پایان مهلت ثبت‌نام", fa(old_end), fa(new_end))
    await change("مهلت رسیدگی مصاحبهٔ علمی", f"{fa(old_interview)} روز", "۴۵ روز")
    await change("ظرفیت تهران (تهران)", "۵", "۸")
    await change("شهر افزوده: شیراز (فارس)", "—", "ظرفیت ۳، اولویت ۳، شهرهای مجاور: —")
    await expect(amendment.locator("tbody tr")).to_have_count(4)  # nothing else changed
    await accessible(page)
    await shot(page, "cycle")
    await page.context.close()

    cycle = await _cycle(http, AMENDED)
    assert cycle["config"]["registration_end"] == new_end
    assert cycle["config"]["sla_days"]["interview"] == 45
    assert cycle["config"]["claim_hours"] == created["config"]["claim_hours"]
    cities = {c["city"]: (c["capacity"], c["priority"]) for c in cycle["config"]["cities"]}
    assert cities == {"Tehran": (8, 1), "Isfahan": (5, 2), "Shiraz": (3, 3)}
    # The province chosen in the list is stored as its code (Fars: 07).
    assert {c["city"]: c["province"] for c in cycle["config"]["cities"]}["Shiraz"] == "07"
    r = await http.get(f"/v1/cycles/{AMENDED}/amendments", headers=auth(Role.auditor))
    (recorded,) = r.json()["items"]
    assert recorded["actor"] == ADMIN
    assert set(recorded["after"]) == {"registration_end", "sla_days", "cities"}


async def test_a_refused_amendment_shows_its_rule_and_keeps_the_input(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    created = await open_cycle(http, REFUSED, "Tehran", engine=console_stack.engine)
    page = await _amend_page(browsing, REFUSED)
    form = page.locator("#amend")
    refusal = form.locator("#refusal")
    submit = form.get_by_role("button", name="ثبت اصلاح")
    end = form.get_by_label("پایان تازهٔ مهلت ثبت‌نام (سال/ماه/روز)")

    # Nothing typed: the amendment changes nothing (CYC-1).
    await submit.click()
    await expect(refusal).to_have_attribute("data-code", "invalid")
    await expect(refusal).to_contain_text("CYC-1")
    await expect(refusal).to_contain_text("هیچ تنظیمی را تغییر نمی‌دهد")
    await expect(refusal).to_be_focused()
    await accessible(page)

    # A window ending yesterday: an end in the past (409 CYC-1); what was typed stays.
    yesterday = to_persian_digits(_day(-1))
    await end.fill(yesterday)
    await form.get_by_label("مدت برداشتن پرونده (ساعت)").fill("۴")
    await submit.click()
    await expect(refusal).to_have_attribute("data-code", "conflict")
    await expect(refusal.locator("li[data-rule='CYC-1']")).to_contain_text("در گذشته باشد")
    await expect(end).to_have_value(yesterday)
    await expect(form.get_by_label("مدت برداشتن پرونده (ساعت)")).to_have_value("۴")

    # No such day: REG-1.
    await end.fill("۱۴۰۵/۱۳/۴۰")
    await submit.click()
    await expect(refusal.locator("li[data-rule='REG-1']")).to_contain_text("سال/ماه/روز")
    await expect(end).to_have_value("۱۴۰۵/۱۳/۴۰")

    # A city added without its province: LAUNCH-1, the row kept.
    await end.fill("")
    added = form.locator("fieldset", has_text="افزودن شهر")
    await added.get_by_label("شهر").fill("Shiraz")
    await added.get_by_label("ظرفیت").fill("3")
    await added.get_by_label("اولویت").fill("3")
    await submit.click()
    await expect(refusal).to_have_attribute("data-code", "invalid_request")
    await expect(refusal.locator("li[data-rule='LAUNCH-1']")).to_contain_text("استان و نام")
    await expect(added.get_by_label("شهر")).to_have_value("Shiraz")
    await accessible(page)
    await shot(page, "cycle-refused")
    await page.context.close()

    cycle = await _cycle(http, REFUSED)
    assert cycle["amendments"] == 0
    assert cycle["config"] == created["config"]


async def test_a_form_made_before_another_amendment_is_refused(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    await open_cycle(http, STALE, "Tehran", engine=console_stack.engine)
    page = await _amend_page(browsing, STALE)
    r = await http.patch(f"/v1/cycles/{STALE}", json={"claim_hours": 6},
                         headers=auth(Role.admin, sub="another-admin"))
    assert r.status_code == 200, r.text
    form = page.locator("#amend")
    await form.get_by_label("مدت برداشتن پرونده (ساعت)").fill("2")
    await form.get_by_role("button", name="ثبت اصلاح").click()
    refusal = form.locator("#refusal")
    await expect(refusal).to_have_attribute("data-code", "conflict")
    await expect(refusal).to_contain_text("صفحه را تازه کنید")
    # The page now shows the other amendment; the same form, sent again, is applied.
    await expect(page.locator("#amendment-1 .actor")).to_have_text("another-admin")
    await form.get_by_role("button", name="ثبت اصلاح").click()
    await expect(page.locator("#notice")).to_contain_text("اصلاح دوره ثبت شد")
    await expect(page.locator("#claim-hours")).to_have_text("۲ ساعت")
    await page.context.close()
    assert (await _cycle(http, STALE))["amendments"] == 2


async def test_the_cycle_page_on_a_phone(browsing: Browsing, http: httpx.AsyncClient,
                                         console_stack: Stack) -> None:
    await open_cycle(http, PHONE, "Tehran", "Isfahan", engine=console_stack.engine)
    r = await http.patch(f"/v1/cycles/{PHONE}", headers=auth(Role.admin, sub=ADMIN), json={
        "sla_days": {"security": 21}, "cities": [{"province": "Isfahan", "city": "Isfahan",
                                                  "capacity": 9}]})
    assert r.status_code == 200, r.text
    context = await browsing.context(phone=True)
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub=ADMIN))
    await page.goto(f"/console/cycles/{PHONE}")
    amendment = page.locator("#amendment-1")
    await expect(amendment).to_contain_text("مهلت رسیدگی نظر حفاظت اطلاعات")
    await expect(amendment).to_contain_text("ظرفیت اصفهان (اصفهان)")
    # Rows stack into labelled cards: nothing wider than the screen.
    cell = amendment.locator("td.after").first
    assert await cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert await page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1")
    await accessible(page)
    await shot(page, "cycle-phone")
    await context.close()
