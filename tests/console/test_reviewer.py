"""A reviewer's day: the inbox, a claim, a decision, a refused one, a repeat, and a batch.

The claim, the decision page, the refused and the corrected decision, and the other tab's
copy are steps on one applicant in one browser: each test asserts one step, and the
module-scoped fixtures that take the steps build on each other."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import Applicant, auth, eventually, token
from tests.console.conftest import Browsing, accessible, shot, sign_in, tab_to
from tests.console.helpers import (
    INTERVIEWER,
    OTHER_INTERVIEWER,
    in_inbox,
    register,
    to_interview,
)

LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture(scope="module")
async def waiting(http: httpx.AsyncClient, console_cycle: int) -> list[Applicant]:
    """Five applicants waiting for the interview, in this order."""
    apps = []
    for i in range(5):
        app = await register(http, province="Isfahan" if i % 2 else "Tehran",
                             city="Isfahan" if i % 2 else "Tehran")
        await to_interview(http, app)
        apps.append(app)
    await in_inbox(http, Role.interviewer, apps)
    return apps


@pytest.fixture
async def reviewer(browsing: Browsing) -> AsyncIterator[Page]:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    yield page
    await context.close()


def fa(text: str) -> str:
    return to_persian_digits(text)


def row(page: Page, app: Applicant) -> Locator:
    return page.locator(f"table.inbox tr[data-id='{app.id}']")


async def interview_decisions(http: httpx.AsyncClient, app: Applicant) -> list[dict[str, object]]:
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    return [d for d in r.json()["decisions"] if d["stage"] == "interview"]


async def test_the_inbox_lists_the_waiting_oldest_first_in_persian_digits(
        reviewer: Page, waiting: list[Applicant]) -> None:
    page = reviewer
    # Oldest first: the order in which they reached the interview.
    ids = await page.locator("table.inbox tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
    mine = [i for i in ids if i in {a.id for a in waiting}]
    assert mine == [a.id for a in waiting]
    main_text = await page.locator("main").inner_text()
    assert fa(waiting[0].tracking_code) in main_text
    assert not LATIN_DIGIT.search(main_text), "Latin digits on the inbox"
    await expect(row(page, waiting[0]).locator("time").first).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    await accessible(page)


@dataclass
class Desk:
    """One reviewer's browser over the module's scenario on the first waiting applicant:
    the page they work in, and a second tab with the same decision form."""

    page: Page
    first: Applicant
    other_tab: Page | None = None

    @property
    def form(self) -> Locator:
        return self.page.locator("#decide-interview")


@pytest.fixture(scope="module")
async def desk(browsing: Browsing, waiting: list[Applicant]) -> AsyncIterator[Desk]:
    """The reviewer signed in at the inbox, for the steps that build on each other."""
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    yield Desk(page=page, first=waiting[0])
    await context.close()


@pytest.fixture(scope="module")
async def claimed(desk: Desk) -> Desk:
    """The first applicant claimed from the inbox."""
    name = f"برداشتن پرونده {fa(desk.first.tracking_code)}"
    await desk.page.get_by_role("button", name=name).click()
    await expect(desk.page.locator("#notice")).to_contain_text("برداشته شد")
    return desk


@pytest.fixture(scope="module")
async def deciding(claimed: Desk) -> Desk:
    """The first applicant's decision page, opened from the inbox, and open in a second tab."""
    page = claimed.page
    await row(page, claimed.first).get_by_role("link", name=re.compile("بررسی")).click()
    await expect(page.locator("h1")).to_contain_text(fa(claimed.first.tracking_code))
    claimed.other_tab = await page.context.new_page()  # the same form open twice
    await claimed.other_tab.goto(page.url)
    return claimed


@pytest.fixture(scope="module")
async def refused(deciding: Desk) -> Desk:
    """A failure sent without a reason (INT-1 wants one), score 85 typed in Persian digits."""
    form = deciding.form
    await form.get_by_label("رد", exact=True).check()
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۸۵")
    await form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(form.locator("#decision-error")).to_be_visible()
    return deciding


@pytest.fixture(scope="module")
async def corrected(refused: Desk) -> Desk:
    """The same form sent again as a pass."""
    await refused.form.get_by_label("قبول", exact=True).check()
    await refused.form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(refused.page.locator("#notice")).to_contain_text("تصمیم ثبت شد")
    return refused


async def test_a_claim_shows_its_holder_in_the_inbox(claimed: Desk,
                                                     waiting: list[Applicant]) -> None:
    page, first = claimed.page, claimed.first
    await expect(page.locator("#notice")).to_contain_text("برداشته شد")

    async def shown() -> bool:
        await page.reload()
        return INTERVIEWER in await row(page, first).inner_text()

    await eventually(shown, "the claim shown in the inbox", attempts=50)
    release = row(page, first).get_by_role("button", name=re.compile("رها کردن"))
    await expect(release).to_be_visible()
    # Each row of the grid has its own fields and buttons: more stops on the way there.
    await tab_to(page, f"tr[data-id='{waiting[1].id}'] button", limit=250)
    await shot(page, "inbox")


async def test_the_decision_page_shows_the_photo_and_the_claim(deciding: Desk) -> None:
    # The decision page: documents, photo, the rules found, the form.
    page = deciding.page
    await expect(page.locator("h1")).to_contain_text(fa(deciding.first.tracking_code))
    await page.wait_for_function("() => { const img = document.querySelector('.photo img');"
                                 " return img && img.complete && img.naturalWidth > 0; }")
    await expect(page.locator("#claim")).to_contain_text(INTERVIEWER)
    await accessible(page)


async def test_a_refused_decision_shows_why_and_keeps_what_was_typed(
        refused: Desk, http: httpx.AsyncClient) -> None:
    # The workflow refuses it, the message shows in the form, and what the reviewer typed is
    # kept.
    error = refused.page.locator("#decide-interview #decision-error")
    await expect(error).to_contain_text("INT-1")
    await expect(error).to_contain_text("درست نیست")
    await expect(refused.form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)")).to_have_value("۸۵")
    await expect(refused.form.get_by_label("رد", exact=True)).to_be_checked()
    assert await interview_decisions(http, refused.first) == []
    await accessible(refused.page)
    await shot(refused.page, "decision-refused")


async def test_the_corrected_decision_is_applied_once(corrected: Desk) -> None:
    # The same form, now right: applied once, the page says so.
    page = corrected.page
    await expect(page.locator("#notice")).to_contain_text("تصمیم ثبت شد")
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_qualification")
    await expect(page.locator("#decisions tr[data-stage='interview']")).to_have_count(1)


async def test_the_other_tabs_copy_is_refused_as_already_decided(
        corrected: Desk, http: httpx.AsyncClient) -> None:
    # The other tab sends its copy: refused as already decided, the decision on record shown.
    assert corrected.other_tab is not None
    other_tab = corrected.other_tab
    tab_form = other_tab.locator("#decide-interview")
    await tab_form.get_by_label("قبول", exact=True).check()
    await tab_form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("60")
    await tab_form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(other_tab.locator("#already")).to_be_visible()
    await expect(other_tab.locator("[data-code='duplicate']")).to_contain_text("INT-1")
    await expect(other_tab.locator("#decide-interview")).to_have_count(0)
    [decision] = await interview_decisions(http, corrected.first)
    assert decision["score"] == "85" and decision["actor"] == INTERVIEWER


async def test_a_double_click_sends_one_decision(reviewer: Page, http: httpx.AsyncClient,
                                                 waiting: list[Applicant]) -> None:
    page, third = reviewer, waiting[2]
    await page.goto(f"/console/applications/{third.id}")
    form = page.locator("#decide-interview")
    await form.get_by_label("قبول", exact=True).check()
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("70")
    await form.get_by_role("button", name="ثبت تصمیم").dblclick()
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_qualification")
    assert len(await interview_decisions(http, third)) == 1
    await expect(page.locator("[data-code='duplicate']")).to_have_count(0)


async def test_batch_decision_reports_each_row(reviewer: Page, http: httpx.AsyncClient,
                                               waiting: list[Applicant]) -> None:
    page = reviewer
    held, free = waiting[1], waiting[3:]
    await page.reload()
    for app in (held, *free):
        await row(page, app).get_by_role("checkbox").check()
    await expect(page.locator("#selected-count")).to_have_text("۳")
    # A colleague claims one of the ticked rows before the batch is sent.
    r = await http.post(f"/v1/applications/{held.id}/claim",
                        headers=auth(Role.interviewer, sub=OTHER_INTERVIEWER))
    assert r.status_code == 200, r.text
    batch = page.locator("#batch")
    # The batch's outcome has no default: the reviewer chooses it.
    await expect(batch.get_by_label("قبول", exact=True)).not_to_be_checked()
    await expect(batch.get_by_label("رد", exact=True)).not_to_be_checked()
    await batch.get_by_label("قبول", exact=True).check()
    await batch.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("75")
    await batch.get_by_role("button", name="ثبت تصمیم برای انتخاب‌شده‌ها").click()

    results = page.locator("#batch-results")
    await expect(results).to_contain_text("۲ تصمیم ثبت شد و ۱ تصمیم پذیرفته نشد")
    for app in free:
        await expect(results.locator(f"tr[data-id='{app.id}']")).to_contain_text("ثبت شد")
    refused = results.locator(f"tr[data-id='{held.id}']")
    await expect(refused).to_contain_text("همکار دیگری")
    await expect(refused).to_contain_text("INT-1")
    # The decided rows leave the list; the refused one stays, ticked, its result beside it,
    # and the batch's inputs are as they were.
    for app in free:
        await expect(row(page, app)).to_have_count(0)
    await expect(row(page, held).locator(".row-result")).to_contain_text("همکار دیگری")
    await expect(batch.get_by_label("قبول", exact=True)).to_be_checked()
    await expect(batch.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)")).to_have_value("75")
    await accessible(page)
    await shot(page, "batch")
    for app in free:
        assert len(await interview_decisions(http, app)) == 1
    assert await interview_decisions(http, held) == []

    # Once the inbox knows of the claim, the colleague's row cannot be ticked, and says why
    # in Persian with a Jalali time.
    async def held_shown() -> bool:
        await page.goto("/console/inbox")
        return await row(page, held).locator(f"#held-{held.id}").count() == 1

    await eventually(held_shown, "the colleague's claim shown", attempts=50)
    await expect(row(page, held).get_by_role("checkbox")).to_be_disabled()
    note = row(page, held).locator(f"#held-{held.id}")
    await expect(note).to_contain_text(f"برداشته شده توسط {OTHER_INTERVIEWER} تا")
    assert not LATIN_DIGIT.search(await note.inner_text())
    await expect(note.locator("time")).to_have_count(1)
    await expect(row(page, held).get_by_role("button", name=re.compile("^قبول"))).to_have_count(0)
    await accessible(page)


async def test_inbox_on_a_phone(browsing: Browsing, waiting: list[Applicant]) -> None:
    context = await browsing.context(phone=True)
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    cell = page.locator("table.inbox tbody tr td").first
    await expect(cell).to_be_visible()
    # Rows stack into labelled cards: the header row is hidden, each cell names its column.
    assert await cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert await page.locator("table.inbox thead").evaluate(
        "h => getComputedStyle(h).position") == "absolute"
    assert await cell.evaluate("td => getComputedStyle(td, '::before').content") == '"انتخاب"'
    assert await page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1")
    await accessible(page)
    await shot(page, "inbox-phone")
    await context.close()


async def test_saved_filters_are_shared_by_the_team(reviewer: Page, browsing: Browsing,
                                                    waiting: list[Applicant]) -> None:
    page = reviewer
    # The province is chosen from the 31 by its Persian name; the filter carries its code.
    await page.get_by_label("استان", exact=True).select_option(label="اصفهان")
    await page.get_by_role("button", name="اعمال فیلتر").click()
    await expect(page).to_have_url(re.compile(r"province=10"))
    await page.get_by_label("نام فیلتر فعلی").fill("اصفهانی‌ها")
    await page.get_by_role("button", name="ذخیره برای گروه").click()
    await expect(page.locator("#notice")).to_contain_text("فیلتر ذخیره شد")

    # A colleague of the same role finds it and opens it.
    context = await browsing.context()
    colleague = await context.new_page()
    await sign_in(colleague, token(Role.interviewer, sub=OTHER_INTERVIEWER))
    await colleague.get_by_role("link", name="اصفهانی‌ها").click()
    await expect(colleague).to_have_url(re.compile(r"province=10"))
    await expect(colleague.get_by_label("استان", exact=True)).to_have_value("10")
    cells = colleague.locator("table.inbox td[data-label='استان و شهر']")
    provinces = await cells.all_inner_texts()
    assert provinces and all(p.startswith("اصفهان") for p in provinces)
    await colleague.get_by_role("button", name="حذف فیلتر اصفهانی‌ها").click()
    await expect(colleague.locator("#notice")).to_contain_text("فیلتر حذف شد")
    await expect(colleague.get_by_role("link", name="اصفهانی‌ها")).to_have_count(0)
    await context.close()


async def test_qualification_checklist(browsing: Browsing, http: httpx.AsyncClient,
                                       console_cycle: int) -> None:
    app = await register(http)
    await to_interview(http, app)
    r = await http.post(f"/v1/applications/{app.id}/decisions", json={
        "stage": "interview", "outcome": "pass", "score": 80},
        headers=auth(Role.interviewer, sub=INTERVIEWER))
    assert r.status_code == 200, r.text
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.qualification_officer, sub="qual-desk"))
    await page.goto(f"/console/applications/{app.id}")
    form = page.locator("#decide-qualification")
    boxes = form.get_by_role("checkbox")
    await expect(boxes).to_have_count(11)  # QUAL-1 for a man: GEN-3 included
    await expect(form).to_contain_text("نداشتن سوء پیشینهٔ مؤثر کیفری")  # GEN-6's text

    # A pass with one item left unverified: refused under QUAL-1, the ticks kept.
    for i in range(11):
        if i != 6:
            await boxes.nth(i).check()
    await form.get_by_label("قبول", exact=True).check()
    await form.get_by_role("button", name="ثبت تصمیم").click()
    error = page.locator("#decision-error")
    await expect(error).to_contain_text("QUAL-1")
    await expect(form.get_by_role("checkbox", checked=True)).to_have_count(10)
    await accessible(page)

    await form.get_by_role("checkbox").nth(6).check()
    await form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_security")
    await context.close()


async def test_a_veterans_checklist_has_no_age_item_and_a_related_field_a_note(
        browsing: Browsing, http: httpx.AsyncClient, console_cycle: int) -> None:
    # QUAL-1: a veteran is exempt from AGE-1; GEN-2: a degree in a related field (`other`)
    # is flagged at registration and its checklist item says what to judge.
    app = await register(http, quota={"kind": "veteran", "category": "martyr_family"},
                         birth_date="1340/01/01",
                         degree={"level": "master", "field": "other",
                                 "graduation_date": "1395/04/01"})
    await to_interview(http, app)
    r = await http.post(f"/v1/applications/{app.id}/decisions", json={
        "stage": "interview", "outcome": "pass", "score": 80},
        headers=auth(Role.interviewer, sub=INTERVIEWER))
    assert r.status_code == 200, r.text
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.qualification_officer, sub="qual-desk"))
    await page.goto(f"/console/applications/{app.id}")
    form = page.locator("#decide-qualification")
    boxes = form.get_by_role("checkbox")
    await expect(boxes).to_have_count(10)  # a man's 11 items but AGE-1
    values = await boxes.evaluate_all("bs => bs.map(b => b.value)")
    assert "AGE-1" not in values and "GEN-3" in values and "GEN-2" in values
    note = form.locator("#note-GEN-2")
    await expect(note).to_contain_text("other")
    await expect(form.locator("input[type=checkbox][value='GEN-2']")).to_have_attribute(
        "aria-describedby", "note-GEN-2")
    await expect(form.locator("[id^='note-']")).to_have_count(1)
    await accessible(page)
    for i in range(10):
        await boxes.nth(i).check()
    await form.get_by_label("قبول", exact=True).check()
    await form.get_by_role("button", name="ثبت تصمیم").click()
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_security")
    await context.close()
