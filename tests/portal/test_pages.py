"""The portal's sign-in (PORTAL-1) from outside: the same answer for any pair, the forms'
CSRF, the keyboard alone, a phone's width; refusals in Persian naming their rule; and a
licensed applicant's office and licence."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect

from daftar.domain.stages import Role
from daftar.portal.session import COOKIE, PENDING_COOKIE, PRE_COOKIE
from tests.api.helpers import Stack, advance, token
from tests.console.conftest import Browsing, accessible, tab_to
from tests.factories import next_national_id
from tests.portal.conftest import PHONE, new_code, shot, sms_to
from tests.portal.helpers import ask_for_code, register, sign_in

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def cookie(**values: str) -> dict[str, str]:
    """The Cookie header of `values` (never the client's jar)."""
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in values.items())}


async def _sign_in_form(base_url: str) -> tuple[dict[str, str], str]:
    """A fresh browser's pre-session cookie header and the sign-in form's CSRF field."""
    async with httpx.AsyncClient(base_url=base_url) as fresh:
        r = await fresh.get("/portal")
    assert r.status_code == 200 and 'lang="fa" dir="rtl"' in r.text
    match = CSRF.search(r.text)
    assert match is not None
    return cookie(**{PRE_COOKIE: r.cookies[PRE_COOKIE]}), match.group(1)


async def test_any_pair_gets_the_same_answer_and_only_a_matching_one_a_code(
        http: httpx.AsyncClient, portal_stack: Stack, portal_cycle: int) -> None:
    app, number = await register(http)
    cookies, csrf = await _sign_in_form(portal_stack.base_url)
    answers = []
    for nid in (app.national_id, next_national_id()):
        r = await http.post("/portal/sign-in", headers=cookies, data={
            "csrf": csrf, "national_id": nid, "tracking_code": app.tracking_code})
        answers.append((r.status_code, r.headers["location"], r.content))
        assert f"{PENDING_COOKIE}={app.tracking_code};" in r.headers["set-cookie"]
    assert answers[0] == answers[1] == (303, "/portal/code", b"")
    await new_code(portal_stack.engine, number, 0)  # the matching pair's code, only
    assert len([t for t in await sms_to(portal_stack.engine, number) if "کد ورود" in t]) == 1
    # an unknown tracking code: the same again
    r = await http.post("/portal/sign-in", headers=cookies, data={
        "csrf": csrf, "national_id": app.national_id, "tracking_code": "0" * 19 + "7"})
    assert (r.status_code, r.headers["location"]) == (303, "/portal/code")

    # the form's CSRF field, and the origin of a POST
    r = await http.post("/portal/sign-in", headers=cookies, data={
        "national_id": app.national_id, "tracking_code": app.tracking_code})
    assert r.status_code == 403 and 'data-code="csrf"' in r.text
    r = await http.post("/portal/sign-in", headers={
        **cookies, "Origin": "https://evil.example"}, data={
        "csrf": csrf, "national_id": app.national_id, "tracking_code": app.tracking_code})
    assert r.status_code == 403 and 'data-code="csrf"' in r.text


async def test_pages_need_an_applicants_session(http: httpx.AsyncClient,
                                                portal_cycle: int) -> None:
    r = await http.get("/portal/home")
    assert (r.status_code, r.headers["location"]) == (303, "/portal?m=unauthenticated")
    staff = token(Role.admin, sub="center-admin")
    r = await http.get("/portal/home", headers=cookie(**{COOKIE: staff}))
    assert (r.status_code, r.headers["location"]) == (303, "/portal?m=forbidden")
    app, _ = await register(http)
    r = await http.get("/portal/home", headers=cookie(**{COOKIE: app.token}))
    assert r.status_code == 200 and app.tracking_code not in r.text  # Persian digits only
    assert re.search(r"[0-9]{4}/[0-9]{2}", r.text.split("<main", 1)[1]) is None
    r = await http.post("/portal/withdraw", headers=cookie(**{COOKIE: app.token}),
                        data={"confirm": "yes"})
    assert r.status_code == 403 and 'data-code="csrf"' in r.text
    r = await http.get("/portal/no-such-page", headers=cookie(**{COOKIE: app.token}))
    assert r.status_code == 404 and 'data-code="not_found"' in r.text
    assert 'lang="fa" dir="rtl"' in r.text
    r = await http.get("/portal/card", headers=cookie(**{COOKIE: app.token}))
    assert r.status_code == 409 and 'data-rule="EXAM-5"' in r.text


async def test_refusals_are_persian_and_name_their_rule(browsing: Browsing,
                                                        http: httpx.AsyncClient,
                                                        portal_stack: Stack,
                                                        portal_cycle: int) -> None:
    app, number = await register(http)
    context = await browsing.context()
    page = await context.new_page()
    # a malformed pair: REG-5 and REG-3, the values kept
    await page.goto("/portal")
    await page.get_by_label("کد ملی").fill("۱۲۳۴۵۶۷۸۹۰")
    await page.get_by_label("کد رهگیری").fill("12")
    await page.get_by_role("button", name="دریافت کد ورود").click()
    refusal = page.locator("#refusal")
    await expect(refusal).to_have_attribute("data-code", "invalid_request")
    await expect(refusal.locator("[data-rule='REG-5']")).to_contain_text("کد ملی ده رقمی")
    await expect(refusal.locator("[data-rule='REG-3']")).to_contain_text("بیست رقمی")
    await expect(page.get_by_label("کد رهگیری")).to_have_value("12")
    await accessible(page)
    # a wrong code: PORTAL-1, the same words whatever was wrong
    await ask_for_code(page, app)
    code = await new_code(portal_stack.engine, number, 0)
    await page.get_by_label("کد پیامک‌شده").fill(f"{(int(code) + 1) % 10**6:06d}")
    await page.get_by_role("button", name="ورود").click()
    refusal = page.locator("#refusal")
    await expect(refusal).to_have_attribute("data-code", "code_refused")
    await expect(refusal.locator("[data-rule='PORTAL-1']")).to_contain_text("پنج دقیقه")
    await expect(refusal).not_to_contain_text("Wrong")
    await accessible(page)
    await shot(page, "code-refused")
    # the right one still signs in (one wrong try of five)
    await page.get_by_label("کد پیامک‌شده").fill(code)
    await page.get_by_role("button", name="ورود").click()
    await expect(page.locator("h1")).to_have_text("پروندهٔ من")
    await expect(page.locator("#notice")).to_have_text("خوش آمدید.")
    await context.close()


async def test_sign_in_works_with_the_keyboard_alone(browsing: Browsing,
                                                     http: httpx.AsyncClient,
                                                     portal_stack: Stack,
                                                     portal_cycle: int) -> None:
    app, number = await register(http)
    context = await browsing.context()
    page = await context.new_page()
    await page.goto("/portal")
    await accessible(page)
    await shot(page, "sign-in")
    await tab_to(page, "#national_id")
    await page.keyboard.type(app.national_id)
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "tracking_code"
    await page.keyboard.type(app.tracking_code)
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.type") == "submit"
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_have_text("کد ورود")
    code = await new_code(portal_stack.engine, number, 0)
    # the code's field has the focus already
    assert await page.evaluate("document.activeElement.id") == "code"
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")
    await expect(page.locator("h1")).to_have_text("پروندهٔ من")
    await accessible(page)
    await tab_to(page, "button.link")  # sign-out, reached by Tab
    await page.keyboard.press("Enter")
    await expect(page.locator(".alert.ok")).to_have_text("از درگاه خارج شدید.")
    await context.close()


#: The elements wider than the phone, for the failure's message.
_WIDE = """() => Array.from(document.querySelectorAll('main *, header *'))
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 1 && (r.right > window.innerWidth + 0.5 || r.left < -0.5); })
  .map(e => e.tagName + '#' + e.id + '.' + e.className)"""


async def _no_sideways_scroll(page: Page) -> None:
    """No page scrolls sideways, nor widens a phone's layout viewport past its width."""
    width, inner = await page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= PHONE["width"] and inner == PHONE["width"], (
        f"{page.url} is {width}px wide at {PHONE['width']}px: {await page.evaluate(_WIDE)}")


async def test_pages_fit_a_phone(browsing: Browsing, http: httpx.AsyncClient,
                                 portal_stack: Stack, portal_cycle: int) -> None:
    app, number = await register(http)
    context = await browsing.browser.new_context(
        base_url=browsing.base_url, viewport=PHONE, locale="fa-IR", timezone_id="Asia/Tehran",
        is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto("/portal")
    await _no_sideways_scroll(page)
    await ask_for_code(page, app)
    await _no_sideways_scroll(page)
    code = await new_code(portal_stack.engine, number, 0)
    await page.get_by_label("کد پیامک‌شده").fill(code)
    await page.get_by_role("button", name="ورود").click()
    await expect(page.locator("h1")).to_have_text("پروندهٔ من")
    await _no_sideways_scroll(page)
    await accessible(page)
    await shot(page, "home-phone")
    await page.get_by_role("link", name="انصراف از ادامهٔ فرایند").click()
    await _no_sideways_scroll(page)
    await context.close()


async def test_a_licensed_applicant_sees_the_office_and_the_licence(
        browsing: Browsing, http: httpx.AsyncClient, portal_stack: Stack,
        portal_cycle: int) -> None:
    app, number = await register(http)
    await advance(http, app, "licensed")
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, portal_stack.engine, app, number)
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "licensed")
    await expect(page.locator("#licence")).not_to_be_empty()
    await expect(page.locator("#office-place")).to_contain_text("تهران")
    await expect(page.locator("#next [data-step='licensed']")).to_be_visible()
    for entry in ("payment", "exam", "interview", "qualification", "security", "launch",
                  "licence"):
        await expect(page.locator(f"#outcomes [data-entry='{entry}']")).to_have_count(1)
    await expect(page.locator("#documents form")).to_have_count(0)
    await expect(page.get_by_role("link", name="انصراف از ادامهٔ فرایند")).to_have_count(0)
    await accessible(page)
    await shot(page, "licensed")
    await context.close()
