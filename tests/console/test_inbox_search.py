"""Finding a case in the inbox: the last digits of its tracking code, the overdue ones only,
the soonest deadline first, and places named in Persian."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlmodel import Session

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from daftar.store.models import ApplicationRecord
from tests.api.helpers import Applicant, Stack, open_cycle, token
from tests.console.conftest import Browsing, accessible, sign_in
from tests.console.helpers import in_inbox_of, register_in, to_interview

#: This module's own cycle and reviewer.
YEAR = 1433
REVIEWER = "panel-search"
LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture(scope="module")
async def waiting(http: httpx.AsyncClient, console_stack: Stack) -> list[Applicant]:
    """Three applicants at the interview, in this order; the second past its deadline, the
    third's deadline before the first's."""
    await open_cycle(http, YEAR, "Tehran", "Isfahan", engine=console_stack.engine)
    apps = []
    for city in ("Tehran", "Isfahan", "Tehran"):
        app = await register_in(http, YEAR, province=city, city=city)
        await to_interview(http, app)
        apps.append(app)
    await in_inbox_of(http, Role.interviewer, apps, YEAR)
    now = datetime.now(UTC)
    # The deadlines as the read model holds them (the cycle's SLA would put them days away).
    with Session(console_stack.engine) as session:
        for app, due in zip(apps, (now + timedelta(days=9), now - timedelta(hours=2),
                                   now + timedelta(days=2)), strict=True):
            record = session.get(ApplicationRecord, app.id)
            assert record is not None
            record.due_at = due
            session.add(record)
        session.commit()
    return apps


async def listed(page: Page) -> list[str]:
    ids: list[str] = await page.locator("table.inbox tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
    return ids


@pytest.fixture
async def reviewer(browsing: Browsing) -> Page:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=REVIEWER))
    return page


async def test_last_digits_of_a_tracking_code_find_the_case(
        reviewer: Page, waiting: list[Applicant]) -> None:
    page, wanted = reviewer, waiting[2]
    await page.goto(f"/console/inbox?cycle={YEAR}")
    await page.get_by_label("کد رهگیری").fill(to_persian_digits(wanted.tracking_code[-6:]))
    await page.get_by_role("button", name="اعمال فیلتر").click()
    assert await listed(page) == [wanted.id]
    await expect(page.get_by_label("کد رهگیری")).to_have_value(wanted.tracking_code[-6:])
    # The whole code finds it too; digits that end no code find nothing.
    await page.goto(f"/console/inbox?cycle={YEAR}&q={wanted.tracking_code}")
    assert await listed(page) == [wanted.id]
    others = {a.tracking_code[-4:] for a in waiting}
    missing = next(f"{n:04d}" for n in range(10_000) if f"{n:04d}" not in others)
    await page.goto(f"/console/inbox?cycle={YEAR}&q={missing}")
    assert not set(await listed(page)) & {a.id for a in waiting}
    await page.context.close()


async def test_overdue_only_and_the_soonest_deadline_first(
        reviewer: Page, waiting: list[Applicant]) -> None:
    page = reviewer
    first, late, soon = waiting
    await page.goto(f"/console/inbox?cycle={YEAR}")
    assert await listed(page) == [first.id, late.id, soon.id]  # oldest first

    await page.get_by_label("ترتیب").select_option(label="نزدیک‌ترین مهلت اول")
    await page.get_by_role("button", name="اعمال فیلتر").click()
    await expect(page).to_have_url(re.compile(r"sort=due"))
    assert await listed(page) == [late.id, soon.id, first.id]
    await expect(page.locator("table.inbox caption")).to_contain_text("نزدیک‌ترین مهلت اول")

    await page.get_by_role("link", name="فقط معوق‌ها").click()
    await expect(page).to_have_url(re.compile(r"overdue=1"))
    assert await listed(page) == [late.id]
    await expect(page.get_by_label("فقط معوق‌ها")).to_be_checked()
    await expect(page.locator(f"tr[data-id='{late.id}']")).to_contain_text("معوق")
    main_text = await page.locator("main").inner_text()
    assert not LATIN_DIGIT.search(main_text), "Latin digits on the inbox"
    await accessible(page)

    # Back to every case, still by deadline.
    await page.get_by_role("link", name="همه، نه فقط معوق‌ها").click()
    assert await listed(page) == [late.id, soon.id, first.id]
    await page.context.close()


async def test_cities_of_the_reference_data_are_named_in_persian(
        reviewer: Page, waiting: list[Applicant]) -> None:
    page = reviewer
    await page.goto(f"/console/inbox?cycle={YEAR}")
    place = page.locator(f"tr[data-id='{waiting[1].id}'] td[data-label='استان و شهر']")
    await expect(place).to_have_text("اصفهان / اصفهان")
    await page.context.close()
