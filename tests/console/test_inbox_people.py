"""Whose application a row is: the applicant's name in the inbox, and a search by part of the
name, or by national id for a role that may see national ids."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import Applicant, Stack, advance, open_cycle, token
from tests.console.conftest import Browsing, accessible, sign_in
from tests.console.helpers import in_inbox_of, register_in, to_interview
from tests.factories import next_national_id

#: This module's own cycle and reviewers (no digits in their names).
YEAR = 1436
QUALIFIER = "people-desk"
PANEL = "people-panel"
#: The applicants waiting for the qualification officer, then for the interviewer.
QUALIFYING = [("زهرا", "کریمی"), ("علی", "کریم‌زاده"), ("مریم", "احمدی")]
INTERVIEWING = [("رضا", "کریمی"), ("سارا", "نوری")]


@pytest.fixture(scope="module")
async def people(http: httpx.AsyncClient,
                 console_stack: Stack) -> tuple[list[Applicant], list[Applicant]]:
    """Three applicants at the qualification, two at the interview, each named as listed."""
    await open_cycle(http, YEAR, "Tehran", capacity=10, engine=console_stack.engine)
    qualifying = []
    for first, last in QUALIFYING:
        app = await register_in(http, YEAR, first_name=first, last_name=last)
        await advance(http, app, "awaiting_qualification")
        qualifying.append(app)
    interviewing = []
    for first, last in INTERVIEWING:
        app = await register_in(http, YEAR, first_name=first, last_name=last)
        await to_interview(http, app)
        interviewing.append(app)
    await in_inbox_of(http, Role.qualification_officer, qualifying, YEAR)
    await in_inbox_of(http, Role.interviewer, interviewing, YEAR)
    return qualifying, interviewing


async def listed(page: Page) -> list[str]:
    ids: list[str] = await page.locator("table.inbox tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
    return ids


async def search(page: Page, text: str, *, cycle: bool = True) -> list[str]:
    """Type `text` into the search box of the inbox (of this cycle) and send it."""
    await page.goto(f"/console/inbox?cycle={YEAR}" if cycle else "/console/inbox")
    await page.locator("#f-q").fill(text)
    await page.get_by_role("button", name="اعمال فیلتر").click()
    await page.wait_for_load_state()
    return await listed(page)


async def signed_in(browsing: Browsing, role: Role, sub: str, *,
                    phone: bool = False) -> Page:
    context = await browsing.context(phone=phone)
    page = await context.new_page()
    await sign_in(page, token(role, sub=sub))
    return page


async def test_each_row_names_its_applicant(
        browsing: Browsing, people: tuple[list[Applicant], list[Applicant]]) -> None:
    qualifying, _ = people
    page = await signed_in(browsing, Role.qualification_officer, QUALIFIER)
    await page.goto(f"/console/inbox?cycle={YEAR}")
    assert await listed(page) == [a.id for a in qualifying]
    for app, (first, last) in zip(qualifying, QUALIFYING, strict=True):
        name = page.locator(f"tr[data-id='{app.id}'] td[data-label='نام'] bdi")
        await expect(name).to_have_text(f"{first} {last}")
    await expect(page.locator("table.inbox thead")).to_contain_text("نام")
    await accessible(page)
    await page.context.close()

    phone = await signed_in(browsing, Role.qualification_officer, QUALIFIER, phone=True)
    await phone.goto(f"/console/inbox?cycle={YEAR}")
    await expect(phone.locator(f"tr[data-id='{qualifying[0].id}'] td[data-label='نام']")) \
        .to_be_visible()
    await accessible(phone)
    await phone.context.close()


async def test_part_of_a_name_finds_exactly_the_rows_that_hold_it(
        browsing: Browsing, people: tuple[list[Applicant], list[Applicant]]) -> None:
    (zahra, ali, maryam), _ = people
    page = await signed_in(browsing, Role.qualification_officer, QUALIFIER)
    # Typed with an Arabic keyboard's yeh: the same letters as the Persian name.
    assert await search(page, "كريم") == [zahra.id, ali.id]
    await expect(page.locator("#f-q")).to_have_value("كريم")
    assert await search(page, "زهرا  کریمی") == [zahra.id]
    assert await search(page, "احمد") == [maryam.id]
    # The interviewer's Karimi is at another stage: not in this inbox.
    assert await search(page, "رضا") == []
    await expect(page.locator("p.empty")).to_be_visible()
    await page.context.close()


async def test_a_qualification_officer_finds_an_applicant_by_national_id(
        browsing: Browsing, people: tuple[list[Applicant], list[Applicant]]) -> None:
    (_, ali, _), _ = people
    page = await signed_in(browsing, Role.qualification_officer, QUALIFIER)
    await page.goto(f"/console/inbox?cycle={YEAR}")
    await expect(page.locator("label[for='f-q']")).to_contain_text("کد ملی")
    await expect(page.locator("#f-q-hint")).to_contain_text("کد ملی ۱۰ رقمی")
    # In Persian digits, in this cycle or in any.
    assert await search(page, to_persian_digits(ali.national_id)) == [ali.id]
    assert await search(page, ali.national_id, cycle=False) == [ali.id]
    # A valid national id no one registered finds nobody.
    assert await search(page, next_national_id()) == []
    await page.context.close()


async def test_an_interviewer_cannot_search_by_national_id(
        browsing: Browsing, people: tuple[list[Applicant], list[Applicant]]) -> None:
    _, (reza, sara) = people
    page = await signed_in(browsing, Role.interviewer, PANEL)
    await page.goto(f"/console/inbox?cycle={YEAR}")
    assert await listed(page) == [reza.id, sara.id]
    await expect(page.locator("label[for='f-q']")).not_to_contain_text("کد ملی")
    await expect(page.locator("#f-q-hint")).not_to_contain_text("کد ملی")
    assert await search(page, sara.national_id) == []
    assert await search(page, to_persian_digits(sara.national_id), cycle=False) == []
    # Ten digits are still the end of a tracking code, and a name still a name.
    assert await search(page, to_persian_digits(sara.tracking_code[-10:])) == [sara.id]
    assert await search(page, "کریمی") == [reza.id]
    main_text = await page.locator("main").inner_text()
    assert not re.search(r"[0-9]", main_text), "Latin digits on the inbox"
    await page.context.close()
