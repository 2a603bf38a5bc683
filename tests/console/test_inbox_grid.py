"""The inbox as a grid: a decision in at most two actions from the inbox, each row its own
score and outcome, and nothing typed lost when a row or the form is refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import Applicant, Stack, advance, open_cycle, token
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.helpers import Counts, decisions_at, in_inbox_of, register_in, to_interview

#: This module's own cycle and reviewers: no other module meets its rows.
YEAR = 1432
INTERVIEWER = "panel-grid"
SECURITY = "security-grid"
QUALIFIER = "qual-grid"


@pytest.fixture(scope="module")
async def cycle(http: httpx.AsyncClient, console_stack: Stack) -> int:
    await open_cycle(http, YEAR, "Tehran", "Isfahan", capacity=50, engine=console_stack.engine)
    return YEAR


async def at_interview(http: httpx.AsyncClient, n: int) -> list[Applicant]:
    apps = []
    for _ in range(n):
        app = await register_in(http, YEAR)
        await to_interview(http, app)
        apps.append(app)
    await in_inbox_of(http, Role.interviewer, apps, YEAR)
    return apps


async def desk(browsing: Browsing, role: Role, sub: str) -> AsyncIterator[Page]:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(role, sub=sub))
    yield page
    await context.close()


@pytest.fixture
async def interviewer(browsing: Browsing) -> AsyncIterator[Page]:
    async for page in desk(browsing, Role.interviewer, INTERVIEWER):
        yield page


def row(page: Page, app: Applicant) -> Locator:
    return page.locator(f"table.inbox tr[data-id='{app.id}']")


def fa(text: str) -> str:
    return to_persian_digits(text)


async def test_one_interview_decision_takes_a_score_and_a_click(
        interviewer: Page, http: httpx.AsyncClient, cycle: int) -> None:
    [app] = await at_interview(http, 1)
    page = interviewer
    counts = Counts()
    counts.watch(page)
    # How the counts are taken: `Counts` counts each click()/check()/select_option() the test
    # makes, each field it fills, and the page's `load` events from here on.
    await page.goto(f"/console/inbox?cycle={YEAR}")
    mine = row(page, app)
    await counts.fill(mine.get_by_label(f"نمرهٔ پرونده {fa(app.tracking_code)} (۰ تا ۱۰۰)"),
                      "۸۸")
    await counts.click(mine.get_by_role("button", name=f"قبول پرونده {fa(app.tracking_code)}"))
    results = page.locator("#batch-results")
    await expect(results.locator(f"tr[data-id='{app.id}']")).to_contain_text("ثبت شد")
    await expect(mine).to_have_count(0)  # decided: it leaves the list
    print(f"\none interview decision from the inbox: {counts}")  # noqa: T201
    # Opening the inbox is one load; the decision itself: one fill, one click, one load.
    assert counts.clicks == 1 and counts.fills == 1
    [decision] = await decisions_at(http, app, "interview")
    assert decision["outcome"] == "pass" and decision["score"] == "88"
    assert decision["actor"] == INTERVIEWER


async def test_security_passes_in_one_click_and_fails_with_a_typed_reason(
        browsing: Browsing, http: httpx.AsyncClient, cycle: int) -> None:
    passing, failing = (await register_in(http, YEAR), await register_in(http, YEAR))
    for app in (passing, failing):
        await advance(http, app, "awaiting_security")
    await in_inbox_of(http, Role.security_officer, [passing, failing], YEAR)
    async for page in desk(browsing, Role.security_officer, SECURITY):
        await page.goto(f"/console/inbox?cycle={YEAR}")
        counts = Counts()
        counts.watch(page)
        await counts.click(row(page, passing).get_by_role(
            "button", name=f"قبول پرونده {fa(passing.tracking_code)}"))
        await expect(page.locator(f"#batch-results tr[data-id='{passing.id}']")).to_contain_text(
            "ثبت شد")
        print(f"\none security pass from the inbox: {counts}")  # noqa: T201
        assert counts.clicks == 1 and counts.fills == 0 and counts.loads == 1

        # A fail without its reason is refused beside the row (SEC-1), the row kept.
        failed = row(page, failing)
        await failed.get_by_role("button", name=f"رد پرونده {fa(failing.tracking_code)}").click()
        await expect(failed.locator(".row-result")).to_contain_text("SEC-1")
        await expect(failed.locator(".row-result")).to_contain_text("پذیرفته نشد")
        await accessible(page)

        counts = Counts()
        counts.watch(page)
        await counts.fill(failed.get_by_label(f"دلیل ردِ پرونده {fa(failing.tracking_code)}"),
                          "استعلام منفی")
        await counts.click(failed.get_by_role(
            "button", name=f"رد پرونده {fa(failing.tracking_code)}"))
        await expect(page.locator(f"#batch-results tr[data-id='{failing.id}']")).to_contain_text(
            "ثبت شد")
        await expect(row(page, failing)).to_have_count(0)
        print(f"one security fail from the inbox: {counts}")  # noqa: T201
        assert counts.clicks == 1 and counts.fills == 1 and counts.loads == 1
    [ok] = await decisions_at(http, passing, "security")
    [bad] = await decisions_at(http, failing, "security")
    assert ok["outcome"] == "pass" and bad["outcome"] == "fail"


async def test_the_grid_decides_each_row_with_its_own_score_and_keeps_the_refused(
        interviewer: Page, http: httpx.AsyncClient, cycle: int) -> None:
    high, low, unexplained, blank = await at_interview(http, 4)
    page = interviewer
    await page.goto(f"/console/inbox?cycle={YEAR}")

    async def type_row(app: Applicant, score: str, outcome: str, reason: str = "") -> None:
        code = fa(app.tracking_code)
        await row(page, app).get_by_label(f"نمرهٔ پرونده {code} (۰ تا ۱۰۰)").fill(score)
        await row(page, app).get_by_label(f"نتیجهٔ پرونده {code}").select_option(outcome)
        if reason:
            await row(page, app).get_by_label(f"دلیل ردِ پرونده {code}").fill(reason)

    await type_row(high, "۹۱", "pass")
    await type_row(low, "۳۵", "fail", "پاسخ‌های ناقص")
    await type_row(unexplained, "۴۰", "fail")  # INT-1: a fail needs its reason
    await page.get_by_role("button", name="ثبت همهٔ ردیف‌هایی که نتیجه دارند").click()

    results = page.locator("#batch-results")
    await expect(results).to_contain_text("۲ تصمیم ثبت شد و ۱ تصمیم پذیرفته نشد")
    await expect(row(page, high)).to_have_count(0)
    await expect(row(page, low)).to_have_count(0)
    kept = row(page, unexplained)
    code = fa(unexplained.tracking_code)
    await expect(kept.locator(".row-result")).to_contain_text("INT-1")
    await expect(kept.get_by_label(f"نمرهٔ پرونده {code} (۰ تا ۱۰۰)")).to_have_value("۴۰")
    await expect(kept.get_by_label(f"نتیجهٔ پرونده {code}")).to_have_value("fail")
    # The row left blank was not sent.
    await expect(row(page, blank)).to_have_count(1)
    await expect(row(page, blank).locator(".row-result")).to_have_count(0)
    await expect(results.locator(f"tr[data-id='{blank.id}']")).to_have_count(0)
    await accessible(page)
    await shot(page, "inbox-grid")

    [h] = await decisions_at(http, high, "interview")
    [lo] = await decisions_at(http, low, "interview")
    assert (h["outcome"], h["score"]) == ("pass", "91")
    assert (lo["outcome"], lo["score"]) == ("fail", "35")
    assert await decisions_at(http, unexplained, "interview") == []
    assert await decisions_at(http, blank, "interview") == []

    # Nothing chosen at all: refused in Persian, naming what is missing.
    await row(page, unexplained).get_by_label(f"نتیجهٔ پرونده {code}").select_option("")
    await page.get_by_role("button", name="ثبت همهٔ ردیف‌هایی که نتیجه دارند").click()
    await expect(page.locator("#batch-error")).to_contain_text("هیچ پرونده‌ای انتخاب نشده")
    await expect(row(page, unexplained).get_by_label(
        f"نمرهٔ پرونده {code} (۰ تا ۱۰۰)")).to_have_value("۴۰")

    # A score that is no number: nothing sent, the row named, what was typed kept.
    await row(page, unexplained).get_by_label(f"نمرهٔ پرونده {code} (۰ تا ۱۰۰)").fill("ده")
    await row(page, unexplained).get_by_label(f"نتیجهٔ پرونده {code}").select_option("pass")
    await page.get_by_role("button", name="ثبت همهٔ ردیف‌هایی که نتیجه دارند").click()
    await expect(page.locator("#batch-error")).to_contain_text(f"نمرهٔ پرونده {code}")
    await expect(row(page, unexplained).get_by_label(
        f"نمرهٔ پرونده {code} (۰ تا ۱۰۰)")).to_have_value("ده")
    await expect(row(page, unexplained).get_by_label(f"نتیجهٔ پرونده {code}")).to_have_value(
        "pass")
    assert await decisions_at(http, unexplained, "interview") == []


async def test_a_batch_without_an_outcome_is_refused_and_keeps_the_selection(
        interviewer: Page, http: httpx.AsyncClient, cycle: int) -> None:
    first, second = await at_interview(http, 2)
    page = interviewer
    await page.goto(f"/console/inbox?cycle={YEAR}")
    batch = page.locator("#batch")
    for app in (first, second):
        await row(page, app).get_by_role("checkbox").check()
    await batch.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۷۰")
    await batch.get_by_label("دلیل (برای رد الزامی است)").fill("یادداشت")
    # No outcome chosen: nothing is sent, the form says which field is missing.
    await batch.get_by_role("button", name="ثبت تصمیم برای انتخاب‌شده‌ها").click()
    error = page.locator("#batch-error")
    await expect(error).to_contain_text("«نتیجه»")
    for app in (first, second):
        await expect(row(page, app).get_by_role("checkbox")).to_be_checked()
    await expect(page.locator("#selected-count")).to_have_text("۲")
    await expect(batch.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)")).to_have_value("۷۰")
    await expect(batch.get_by_label("دلیل (برای رد الزامی است)")).to_have_value("یادداشت")
    await expect(batch.get_by_label("قبول", exact=True)).not_to_be_checked()
    await expect(batch.get_by_label("رد", exact=True)).not_to_be_checked()
    await accessible(page)
    assert await decisions_at(http, first, "interview") == []

    # A fail, chosen, stays chosen when the workflow refuses it (no flip back to a pass).
    await batch.get_by_label("رد", exact=True).check()
    await batch.get_by_label("دلیل (برای رد الزامی است)").fill("")
    await batch.get_by_role("button", name="ثبت تصمیم برای انتخاب‌شده‌ها").click()
    await expect(page.locator("#batch-results")).to_contain_text("۲ تصمیم پذیرفته نشد")
    await expect(batch.get_by_label("رد", exact=True)).to_be_checked()
    for app in (first, second):
        await expect(row(page, app).get_by_role("checkbox")).to_be_checked()
        await expect(row(page, app).locator(".row-result")).to_contain_text("INT-1")
    assert await decisions_at(http, first, "interview") == []


async def test_the_qualification_checklist_is_kept_after_a_refused_batch(
        browsing: Browsing, http: httpx.AsyncClient, cycle: int) -> None:
    apps = [await register_in(http, YEAR) for _ in range(2)]
    for app in apps:
        await advance(http, app, "awaiting_qualification")
    await in_inbox_of(http, Role.qualification_officer, apps, YEAR)
    async for page in desk(browsing, Role.qualification_officer, QUALIFIER):
        await page.goto(f"/console/inbox?cycle={YEAR}")
        batch = page.locator("#batch")
        for app in apps:
            await row(page, app).get_by_role("checkbox").check()
        boxes = batch.locator("fieldset.checklist input[type=checkbox]")
        n = await boxes.count()
        assert n >= 10
        for i in range(n - 1):  # one item left unverified
            await boxes.nth(i).check()
        await batch.get_by_label("قبول", exact=True).check()
        await batch.get_by_role("button", name="ثبت تصمیم برای انتخاب‌شده‌ها").click()
        await expect(page.locator("#batch-results")).to_contain_text("پذیرفته نشد")
        await expect(boxes.and_(page.locator(":checked"))).to_have_count(n - 1)
        await expect(batch.get_by_label("قبول", exact=True)).to_be_checked()
        for app in apps:
            await expect(row(page, app).get_by_role("checkbox")).to_be_checked()
        await expect(page.locator("#batch-results")).to_contain_text("QUAL-1")
        await accessible(page)

        # The last item ticked: the same batch now passes both.
        await boxes.nth(n - 1).check()
        await batch.get_by_role("button", name="ثبت تصمیم برای انتخاب‌شده‌ها").click()
        await expect(page.locator("#batch-results")).to_contain_text("۲ تصمیم ثبت شد")
        await expect(page.locator("table.inbox tr[data-id]").filter(
            has=page.locator("a", has_text=re.compile(fa(apps[0].tracking_code))))).to_have_count(0)
    for app in apps:
        [d] = await decisions_at(http, app, "qualification")
        assert d["outcome"] == "pass"


async def test_the_grid_works_without_javascript(browsing: Browsing, http: httpx.AsyncClient,
                                                 cycle: int) -> None:
    ticked, own = await at_interview(http, 2)
    context = await browsing.browser.new_context(
        base_url=browsing.base_url, java_script_enabled=False, locale="fa-IR",
        timezone_id="Asia/Tehran")
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    await page.goto(f"/console/inbox?cycle={YEAR}")
    # One row ticked for the batch's outcome, another with its own: one submit sends both.
    await row(page, ticked).get_by_role("checkbox").check()
    batch = page.locator("#batch")
    await batch.get_by_label("قبول", exact=True).check()
    await batch.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۶۶")
    code = fa(own.tracking_code)
    await row(page, own).get_by_label(f"نمرهٔ پرونده {code} (۰ تا ۱۰۰)").fill("۵۵")
    await row(page, own).get_by_label(f"نتیجهٔ پرونده {code}").select_option("pass")
    await batch.get_by_role("button", name="ثبت تصمیم برای انتخاب‌شده‌ها").click()
    await expect(page.locator("#batch-results")).to_contain_text("۲ تصمیم ثبت شد")
    [t] = await decisions_at(http, ticked, "interview")
    [o] = await decisions_at(http, own, "interview")
    assert t["score"] == "66" and o["score"] == "55"
    await context.close()
