"""An interviewer's day through the inbox's grid: fifty interviews, each its own score, some
failed with their reasons; and a selection made across the inbox's pages.

How the counts are taken: `Counts` (tests/console/helpers.py) counts each click()/check()/
select_option() the test makes on the reviewer's behalf (choosing an outcome from a row's list
is one click), each field it fills (typing a score or a reason: counted apart, not as a click),
and the page's `load` events (every navigation and every form sent), from the moment the
reviewer opens the inbox. They are printed (`pytest -s`), not asserted: correctness is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Page, expect

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import Applicant, Stack, eventually, open_cycle, token
from tests.console.conftest import Browsing, accessible, sign_in
from tests.console.helpers import Counts, decisions_at, in_inbox_of, register_in, to_interview

#: This module's own cycle and interviewer.
YEAR = 1434
INTERVIEWER = "panel-day"
#: The day's interviews, and the two more a selection across pages decides first.
DAY = 50
ACROSS = 2
#: The inbox's page size (daftar/console/routes/inbox.py).
PAGE = 25
FAIL_REASON = "پاسخ‌های ناکافی در مصاحبه"


@pytest.fixture(scope="module")
async def waiting(http: httpx.AsyncClient, console_stack: Stack) -> list[Applicant]:
    """Fifty-two applicants at the interview, oldest first."""
    await open_cycle(http, YEAR, "Tehran", "Isfahan", capacity=100, engine=console_stack.engine)
    apps = []
    for _ in range(DAY + ACROSS):
        app = await register_in(http, YEAR)
        await to_interview(http, app)
        apps.append(app)
    await in_inbox_of(http, Role.interviewer, apps, YEAR)
    return apps


@pytest.fixture
async def interviewer(browsing: Browsing) -> AsyncIterator[Page]:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    yield page
    await context.close()


async def listed(page: Page) -> list[str]:
    ids: list[str] = await page.locator("table.inbox tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
    return ids


async def test_a_selection_across_pages_is_decided_together(
        interviewer: Page, http: httpx.AsyncClient, waiting: list[Applicant]) -> None:
    page = interviewer
    await page.goto(f"/console/inbox?cycle={YEAR}")
    on_first = await listed(page)
    assert len(on_first) == PAGE
    await page.locator(f"#pick-{on_first[0]}").check()
    await expect(page.locator("#selected-count")).to_have_text("۱")
    await page.get_by_role("link", name="صفحهٔ بعد").click()
    on_second = await listed(page)
    assert on_second and not set(on_second) & set(on_first)
    await page.locator(f"#pick-{on_second[0]}").check()
    # The count is of the whole selection, this page's and the others'.
    await expect(page.locator("#selected-count")).to_have_text("۲")
    await expect(page.locator("#selected-elsewhere")).to_contain_text("۱ از صفحه‌های دیگر")
    await accessible(page)
    batch = page.locator("#batch")
    await batch.get_by_label("قبول", exact=True).check()
    await batch.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۷۷")
    await batch.get_by_role("button", name="ثبت تصمیم برای انتخاب‌شده‌ها").click()
    await expect(page.locator("#batch-results")).to_contain_text("۲ تصمیم ثبت شد")
    await expect(page.locator("#selected-count")).to_have_text("۰")
    by_id = {a.id: a for a in waiting}
    for app_id in (on_first[0], on_second[0]):
        [d] = await decisions_at(http, by_id[app_id], "interview")
        assert (d["outcome"], d["score"]) == ("pass", "77")


def planned(index: int) -> tuple[str, str, str]:
    """The day's `index`th interview: its score, outcome and reason (a fail below 50)."""
    score = 30 + (index * 37) % 66
    return (str(score), "fail", FAIL_REASON) if score < 50 else (str(score), "pass", "")


async def test_fifty_interviews_in_a_day_through_the_grid(
        interviewer: Page, http: httpx.AsyncClient, waiting: list[Applicant]) -> None:
    page = interviewer
    by_id = {a.id: a for a in waiting}
    undecided = [a for a in waiting if not await decisions_at(http, a, "interview")]
    assert len(undecided) == DAY
    plan = {a.id: planned(i) for i, a in enumerate(undecided)}
    todo = set(plan)
    counts = Counts()
    counts.watch(page)
    await page.goto(f"/console/inbox?cycle={YEAR}")
    while todo:
        here = [i for i in await listed(page) if i in todo]
        if not here:  # the read model has yet to drop what was just decided elsewhere
            await page.reload()
            continue
        for app_id in here:
            score, outcome, reason = plan[app_id]
            code = to_persian_digits(by_id[app_id].tracking_code)
            cells = page.locator(f"tr[data-id='{app_id}']")
            await counts.fill(cells.get_by_label(f"نمرهٔ پرونده {code} (۰ تا ۱۰۰)"),
                              to_persian_digits(score))
            await counts.choose(cells.get_by_label(f"نتیجهٔ پرونده {code}"), outcome)
            if reason:
                await counts.fill(cells.get_by_label(f"دلیل ردِ پرونده {code}"), reason)
        await counts.click(page.get_by_role("button", name="ثبت همهٔ ردیف‌هایی که نتیجه دارند"))
        results = page.locator("#batch-results")
        await expect(results).to_contain_text(
            f"{to_persian_digits(str(len(here)))} تصمیم ثبت شد و ۰ تصمیم پذیرفته نشد")
        todo -= set(here)
    print(f"\n{DAY} interviews with their own scores through the grid: {counts}")  # noqa: T201
    fails = sum(p[1] == "fail" for p in plan.values())
    assert 0 < fails < DAY

    # Each decided once, with its own score and outcome, read back through the API.
    async def recorded() -> bool:
        for app_id, (score, outcome, reason) in plan.items():
            decisions = await decisions_at(http, by_id[app_id], "interview")
            assert len(decisions) <= 1
            if not decisions:
                return False
            [d] = decisions
            assert (d["score"], d["outcome"]) == (score, outcome), app_id
            assert d["actor"] == INTERVIEWER
            if outcome == "fail":
                assert d["reason"] == reason
        return True

    await eventually(recorded, "the day's fifty decisions on record")
    await page.goto(f"/console/inbox?cycle={YEAR}")
    await expect(page.locator("p.empty")).to_be_visible()
