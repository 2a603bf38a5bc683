"""Deciding from one application's page: the decision panel in view beside the facts, «ثبت و
پروندهٔ بعدی», QUAL-1 ticked at once with the applicant's own values beside each item, a
colleague's case read-only, a licensed record's licence and office, and scores in one format.

Each test keeps to its own cycle (1438-1442) so the next case and the lists it reads meet no
other test's applicants.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, Locator, Page, expect

from daftar.domain.eligibility import age_on
from daftar.domain.jalali import parse_jalali, to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import Applicant, Stack, advance, auth, eventually, open_cycle, token
from tests.api.helpers import register as applicant_of
from tests.console.conftest import LAPTOP, Browsing, accessible, shot, sign_in

PANEL_YEAR, NEXT_YEAR, QUAL_YEAR, HELD_YEAR, LICENSED_YEAR = 1438, 1439, 1440, 1441, 1442
#: Reviewers' subjects: no digits, so a page's text can be checked for Latin digits.
INTERVIEWER = "deciding-desk"
COLLEAGUE = "deciding-colleague"
QUALIFIER = "deciding-qualifier"
ADMIN = "deciding-admin"
LATIN_DIGIT = re.compile(r"[0-9]")
#: An instant written as ISO 8601, as the page must never show one.
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def fa(text: object) -> str:
    return to_persian_digits(str(text))


@pytest.fixture(scope="module")
async def cycles(http: httpx.AsyncClient, console_stack: Stack) -> dict[int, dict[str, Any]]:
    """This module's cycles, as the API created them."""
    return {year: await open_cycle(http, year, "Tehran", "Isfahan", capacity=20,
                                   engine=console_stack.engine)
            for year in (PANEL_YEAR, NEXT_YEAR, QUAL_YEAR, HELD_YEAR, LICENSED_YEAR)}


async def at_stage(http: httpx.AsyncClient, year: int, stage: str,
                   apps: list[Applicant]) -> None:
    """Wait until the read model lists every one of `apps` of `year` at `stage`."""
    wanted = {a.id for a in apps}

    async def listed() -> bool:
        r = await http.get("/v1/applications", params={"cycle": year, "stage": stage,
                                                       "size": 500}, headers=auth(Role.admin))
        assert r.status_code == 200, r.text
        return wanted <= {i["application_id"] for i in r.json()["items"]}

    await eventually(listed, f"{len(apps)} applications of {year} at {stage}")


async def waiting(http: httpx.AsyncClient, year: int, stage: str, count: int,
                  **overrides: Any) -> list[Applicant]:
    """`count` applicants of `year` brought to `stage` one after the other (oldest first)."""
    apps = []
    for _ in range(count):
        app = await applicant_of(http, year, **overrides)
        await advance(http, app, stage)
        apps.append(app)
    await at_stage(http, year, stage, apps)
    return apps


@pytest.fixture
async def contexts(browsing: Browsing) -> AsyncIterator[list[BrowserContext]]:
    """The browser contexts a test opens, closed after it."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        await context.close()


async def signed_in(browsing: Browsing, contexts: list[BrowserContext], who: str,
                    *roles: Role, phone: bool = False, script: bool = True) -> Page:
    if script:
        context = await browsing.context(phone=phone)
    else:
        context = await browsing.browser.new_context(
            base_url=browsing.base_url, viewport=LAPTOP, locale="fa-IR",
            timezone_id="Asia/Tehran", java_script_enabled=False)
    contexts.append(context)
    page = await context.new_page()
    await sign_in(page, token(*roles, sub=who))
    return page


async def in_view(page: Page, target: Locator) -> None:
    """`target` lies wholly inside the viewport as the page loads (no scrolling)."""
    box = await target.bounding_box()
    assert box is not None
    size = page.viewport_size
    assert size is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box


async def fits_width(page: Page) -> None:
    """Nothing on the page is wider than the screen."""
    assert await page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"), "page overflows"


async def test_the_decision_panel_is_in_view_on_a_laptop_and_fits_a_phone(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[int, dict[str, Any]],
        contexts: list[BrowserContext]) -> None:
    [interview] = await waiting(http, PANEL_YEAR, "awaiting_interview", 1)
    [qualification] = await waiting(http, PANEL_YEAR, "awaiting_qualification", 1)

    page = await signed_in(browsing, contexts, INTERVIEWER, Role.interviewer)
    await page.goto(f"/console/applications/{interview.id}")
    form = page.locator("#decide-interview")
    await in_view(page, form.get_by_role("button", name="ثبت تصمیم"))
    await in_view(page, form.get_by_role("button", name="ثبت و پروندهٔ بعدی"))
    # Beside the facts: the registration data and the panel side by side.
    facts = await page.locator("#form-title").bounding_box()
    panel = await page.locator("#decide-panel").bounding_box()
    assert facts is not None and panel is not None
    assert panel["x"] + panel["width"] <= facts["x"] + 1  # RTL: the panel on the left
    await accessible(page)

    # The longest form, QUAL-1's eleven items with their values: its buttons still in view,
    # and still there after scrolling the facts (the panel stays).
    page = await signed_in(browsing, contexts, QUALIFIER, Role.qualification_officer)
    await page.goto(f"/console/applications/{qualification.id}")
    form = page.locator("#decide-qualification")
    await expect(form.get_by_role("checkbox")).to_have_count(11)
    submit = form.get_by_role("button", name="ثبت تصمیم")
    await in_view(page, submit)
    await in_view(page, form.get_by_role("button", name="ثبت و پروندهٔ بعدی"))
    await page.locator("#decisions-title").scroll_into_view_if_needed()
    await in_view(page, submit)
    await page.evaluate("window.scrollTo(0, 0)")
    await accessible(page)
    await shot(page, "decision", full_page=False)

    phone = await signed_in(browsing, contexts, QUALIFIER, Role.qualification_officer,
                            phone=True)
    await phone.goto(f"/console/applications/{qualification.id}")
    await expect(phone.locator("#decide-qualification")).to_be_visible()
    await fits_width(phone)
    await accessible(phone)
    await shot(phone, "decision-phone")


async def test_save_and_next_opens_the_oldest_case_left_then_the_inbox(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[int, dict[str, Any]],
        contexts: list[BrowserContext]) -> None:
    first, held, third = await waiting(http, NEXT_YEAR, "awaiting_interview", 3)
    # A colleague holds the second: it is skipped.
    r = await http.post(f"/v1/applications/{held.id}/claim",
                        headers=auth(Role.interviewer, sub=COLLEAGUE))
    assert r.status_code == 200, r.text

    page = await signed_in(browsing, contexts, INTERVIEWER, Role.interviewer)
    await page.goto(f"/console/applications/{first.id}")
    form = page.locator("#decide-interview")
    await expect(form.get_by_role("radio", checked=True)).to_have_count(0)  # no default
    await form.get_by_label("قبول", exact=True).check()
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۸۰")
    await form.get_by_role("button", name="ثبت و پروندهٔ بعدی").click()
    await expect(page).to_have_url(re.compile(f"/console/applications/{third.id}\\?"))
    await expect(page.locator("#notice")).to_contain_text("پروندهٔ بعدی")
    await expect(page.locator("h1")).to_contain_text(fa(third.tracking_code))
    r = await http.get(f"/v1/applications/{first.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_qualification"

    # The last one left: back to the inbox.
    form = page.locator("#decide-interview")
    await form.get_by_label("قبول", exact=True).check()
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("75.5")
    await form.get_by_role("button", name="ثبت و پروندهٔ بعدی").click()
    await expect(page).to_have_url(re.compile(r"/console/inbox\?done=none_left$"))
    await expect(page.locator("h1")).to_contain_text("کارتابل")
    await expect(page.locator("#notice")).to_contain_text("منتظر شما نمانده است")
    r = await http.get(f"/v1/applications/{third.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_qualification"
    r = await http.get(f"/v1/applications/{held.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_interview"


async def test_qualification_ticked_at_once_beside_the_applicants_values(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[int, dict[str, Any]],
        contexts: list[BrowserContext]) -> None:
    cycle = cycles[QUAL_YEAR]
    ref = parse_jalali(cycle["config"]["reference_day"])
    [app, other] = await waiting(
        http, QUAL_YEAR, "awaiting_qualification", 2, birth_date="1365/05/10",
        experience_years="4.5",
        degree={"level": "master", "field": "judicial_sciences",
                "graduation_date": "1390/06/20"})
    age = age_on(parse_jalali("1365/05/10"), ref)

    page = await signed_in(browsing, contexts, QUALIFIER, Role.qualification_officer)
    await page.goto(f"/console/applications/{app.id}")
    form = page.locator("#decide-qualification")
    # The applicant's own values beside each item.
    await expect(form.locator("#declared-AGE-1")).to_contain_text(
        f"{fa(age)} سال در {fa(ref)}")
    await expect(form.locator("#declared-AGE-1")).to_contain_text("۱۳۶۵/۰۵/۱۰")
    await expect(form.locator("#declared-EXP-1")).to_contain_text("۴٫۵ سال")
    await expect(form.locator("#declared-EXP-1")).to_contain_text("کمینه برای کارشناسی ارشد: ۲")
    await expect(form.locator("#declared-GEN-2")).to_contain_text("کارشناسی ارشد — علوم قضایی")
    await expect(form.locator("#declared-GEN-2")).to_contain_text("۱۳۹۰/۰۶/۲۰")
    await expect(form.locator("#declared-GEN-3")).to_contain_text("پایان خدمت")
    await expect(form.locator("#declared-GEN-5")).to_contain_text("دارد")
    await expect(form.locator("#declared-REG-4")).to_contain_text("پیکسل")
    for values in await form.locator("dl.declared").all_inner_texts():
        assert not LATIN_DIGIT.search(values), values

    # One click ticks all eleven; one is unticked again; the refusal keeps every tick.
    await form.get_by_role("button", name="همهٔ موارد تأیید شد").click()
    await expect(form.get_by_role("checkbox", checked=True)).to_have_count(11)
    await expect(page).to_have_url(re.compile(f"/console/applications/{app.id}$"))
    await form.locator("input[type=checkbox][value='GEN-6']").uncheck()
    await form.get_by_label("قبول", exact=True).check()
    await form.get_by_label("دلیل").fill("مدرک سوء پیشینه دیده نشد")
    await form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(page.locator("#decision-error")).to_contain_text("QUAL-1")
    await expect(form.get_by_role("checkbox", checked=True)).to_have_count(10)
    await expect(form.locator("input[type=checkbox][value='GEN-6']")).not_to_be_checked()
    await expect(form.get_by_label("قبول", exact=True)).to_be_checked()
    await expect(form.get_by_label("دلیل")).to_have_value("مدرک سوء پیشینه دیده نشد")
    await accessible(page)
    await form.locator("input[type=checkbox][value='GEN-6']").check()
    await form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_security")

    # Without the page's script the same button asks the server to tick every item.
    bare = await signed_in(browsing, contexts, QUALIFIER, Role.qualification_officer,
                           script=False)
    await bare.goto(f"/console/applications/{other.id}")
    form = bare.locator("#decide-qualification")
    await expect(form.get_by_role("checkbox", checked=True)).to_have_count(0)
    await form.get_by_role("button", name="همهٔ موارد تأیید شد").click()
    await expect(bare.locator("#notice")).to_contain_text("نتیجه را برگزینید")
    await expect(form.get_by_role("checkbox", checked=True)).to_have_count(11)
    r = await http.get(f"/v1/applications/{other.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_qualification"  # nothing decided yet
    await form.locator("input[type=checkbox][value='AGE-2']").uncheck()
    await form.get_by_label("رد", exact=True).check()
    await form.get_by_label("دلیل").fill("تاریخ فراغت با مدرک نمی‌خواند")
    await form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(bare.locator("#stage")).to_have_attribute("data-stage", "rejected")
    r = await http.get(f"/v1/applications/{other.id}", headers=auth(Role.admin))
    [decision] = [d for d in r.json()["decisions"] if d["stage"] == "qualification"]
    assert decision["checks"]["AGE-2"] is False and decision["checks"]["AGE-1"] is True


async def test_a_refused_interview_keeps_score_outcome_and_reason(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[int, dict[str, Any]],
        contexts: list[BrowserContext]) -> None:
    [app] = await waiting(http, PANEL_YEAR, "awaiting_interview", 1)
    page = await signed_in(browsing, contexts, INTERVIEWER, Role.interviewer)
    await page.goto(f"/console/applications/{app.id}")
    form = page.locator("#decide-interview")
    # Sent with no outcome chosen: refused, not taken as either.
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۹۰")
    await form.get_by_label("دلیل").fill("پاسخ‌ها کامل بود")
    await form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(page.locator("#decision-error")).to_contain_text("INT-1")
    await expect(form.get_by_role("radio", checked=True)).to_have_count(0)
    await expect(form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)")).to_have_value("۹۰")
    await expect(form.get_by_label("دلیل")).to_have_value("پاسخ‌ها کامل بود")
    # Out of range: refused, all three kept.
    await form.get_by_label("قبول", exact=True).check()
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("120")
    await form.get_by_role("button", name="ثبت و پروندهٔ بعدی").click()
    await expect(page.locator("#decision-error")).to_contain_text("INT-1")
    await expect(form.get_by_label("قبول", exact=True)).to_be_checked()
    await expect(form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)")).to_have_value("120")
    await expect(form.get_by_label("دلیل")).to_have_value("پاسخ‌ها کامل بود")
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_interview"


async def test_a_case_a_colleague_holds_is_read_only(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[int, dict[str, Any]],
        contexts: list[BrowserContext]) -> None:
    [app] = await waiting(http, HELD_YEAR, "awaiting_interview", 1)
    # The colleague's page is open before the claim: what they then send is refused, and
    # what they typed stays on the page.
    colleague = await signed_in(browsing, contexts, COLLEAGUE, Role.interviewer)
    await colleague.goto(f"/console/applications/{app.id}")
    stale = colleague.locator("#decide-interview")
    await stale.get_by_label("رد", exact=True).check()
    await stale.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۴۰")
    await stale.get_by_label("دلیل").fill("پاسخ به پرسش‌های حقوقی ناقص بود")

    holder = await signed_in(browsing, contexts, INTERVIEWER, Role.interviewer)
    await holder.goto(f"/console/applications/{app.id}")
    await holder.get_by_role("button", name="برداشتن پرونده").click()
    await expect(holder.locator("#notice")).to_contain_text("برداشته شد")
    await expect(holder.locator("#decide-interview")).to_be_visible()  # the holder decides
    await expect(holder.locator("#held")).to_have_count(0)

    await stale.get_by_role("button", name="ثبت تصمیم").click()
    await expect(colleague.locator("[data-code='claimed']")).to_be_visible()
    await expect(colleague.locator("#kept-typed")).to_contain_text(
        "پاسخ به پرسش‌های حقوقی ناقص بود")
    await expect(colleague.locator("#kept-typed")).to_contain_text("۴۰")
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_interview"

    await colleague.goto(f"/console/applications/{app.id}")
    banner = colleague.locator("#held")
    await expect(banner).to_contain_text(INTERVIEWER)
    text = await banner.inner_text()
    assert not LATIN_DIGIT.search(text) and not ISO.search(text), text
    assert re.search(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", text), text  # the Jalali expiry
    await expect(colleague.locator("form[action$='/decision']")).to_have_count(0)
    await expect(colleague.get_by_role("button", name="ثبت تصمیم")).to_have_count(0)
    await expect(colleague.get_by_role("button", name="برداشتن پرونده")).to_have_count(0)
    await accessible(colleague)

    # The admin sees the same banner and may still release the claim.
    admin = await signed_in(browsing, contexts, ADMIN, Role.admin)
    await admin.goto(f"/console/applications/{app.id}")
    await expect(admin.locator("#held")).to_contain_text(INTERVIEWER)
    await admin.get_by_role("button", name="رها کردن پرونده").click()
    await expect(admin.locator("#notice")).to_contain_text("رها شد")

    # Released: the colleague may decide now.
    await colleague.reload()
    await expect(colleague.locator("#held")).to_have_count(0)
    await expect(colleague.locator("#decide-interview")).to_be_visible()

    # The timeline says both in Persian, the claim's expiry in Jalali.
    await admin.goto(f"/console/applications/{app.id}/timeline")
    claimed = admin.locator("#timeline li[data-kind='claimed']")
    await expect(claimed.locator("strong")).to_have_text("برداشتن پرونده")
    until = await claimed.locator(".until").inner_text()
    assert not LATIN_DIGIT.search(until) and not ISO.search(until), until
    await expect(admin.locator("#timeline li[data-kind='released'] strong")).to_have_text(
        "رها کردن پرونده")


async def test_a_licensed_record_shows_its_licence_office_and_scores_in_one_format(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[int, dict[str, Any]],
        contexts: list[BrowserContext]) -> None:
    app = await applicant_of(http, LICENSED_YEAR)
    await advance(http, app, "licensed")
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    number = r.json()["licence_number"]
    assert number

    page = await signed_in(browsing, contexts, ADMIN, Role.admin)
    await page.goto(f"/console/applications/{app.id}")
    await expect(page.locator("#licence-number")).to_have_text(fa(number))
    await expect(page.locator("#office-city")).to_have_text("تهران")
    await expect(page.locator("#office-province")).to_have_text("تهران")
    await expect(page.locator("#office-round")).to_contain_text("۱")
    # Every score in one format: Persian digits, the Persian thousands separator.
    scores = await page.locator(".score").all_inner_texts()
    assert "۶٬۰۰۰" in scores and "۸۰" in scores, scores
    for score in scores:
        assert re.fullmatch(r"[۰-۹]{1,3}(٬[۰-۹]{3})*(٫[۰-۹]{1,2})?", score), score
    await expect(page.locator("#exam-score")).to_contain_text("۶٬۰۰۰")
    await accessible(page)

    # The timeline: every event's name in Persian, the licence number with it.
    await page.goto(f"/console/applications/{app.id}/timeline")
    kinds = await page.locator("#timeline li strong").all_inner_texts()
    assert len(kinds) >= 8
    for kind in kinds:
        assert not re.search(r"[A-Za-z]", kind), kind
    await expect(page.locator("#timeline li[data-kind='licence']")).to_contain_text(fa(number))
