"""The overdue list without a cycle asked for: the active cycle's, in Persian, with a chooser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy import update

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from daftar.store.models import ApplicationRecord
from tests.api.helpers import (
    PASS,
    Applicant,
    Stack,
    advance,
    auth,
    cycle_body,
    eventually,
    load_pass_mark,
    token,
)
from tests.api.helpers import register as applicant_of
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.cycles_now import expected_active
from tests.console.helpers import ADMIN, AUDITOR

#: This module's cycle.
YEAR = 1487
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
async def late(http: httpx.AsyncClient, console_stack: Stack) -> Applicant:
    """An applicant of YEAR waiting for the interview in Isfahan, past its deadline."""
    r = await http.post("/v1/cycles", json=cycle_body(YEAR, "Tehran", "Isfahan"),
                        headers=auth(Role.admin))
    assert r.status_code == 201, r.text
    load_pass_mark(console_stack.engine, YEAR)
    app = await applicant_of(http, YEAR, province="Isfahan", city="Isfahan")
    await advance(http, app, "awaiting_exam")
    r = await http.post(f"/v1/applications/{app.id}/exam-result", json=PASS,
                        headers=auth(Role.exam_officer, sub="sanjesh"))
    assert r.status_code == 200, r.text
    # The interview's deadline passed a day ago (as the read model would hold it then).
    apps = ApplicationRecord.__table__  # type: ignore[attr-defined]

    def past_due() -> bool:
        with console_stack.engine.begin() as conn:
            done = conn.execute(update(apps).where(apps.c.application_id == app.id,
                                                   apps.c.stage == "awaiting_interview")
                                .values(due_at=datetime.now(UTC) - timedelta(days=1)))
        return bool(done.rowcount == 1)

    async def made_late() -> bool:
        return past_due()

    await eventually(made_late, "the applicant waiting for the interview")
    return app


async def _open(browsing: Browsing, role: Role, sub: str, *, phone: bool = False) -> Page:
    context = await browsing.context(phone=phone)
    page = await context.new_page()
    await sign_in(page, token(role, sub=sub))
    return page


async def test_the_overdue_list_opens_on_the_active_cycle(
        browsing: Browsing, http: httpx.AsyncClient, late: Applicant) -> None:
    active = await expected_active(http)
    page = await _open(browsing, Role.admin, ADMIN)
    response = await page.goto("/console/overdue")
    assert response is not None and response.status == 200
    await expect(page.locator("h1")).to_contain_text(
        f"کارهای معوق دورهٔ {to_persian_digits(str(active))}")
    chooser = page.get_by_label("دوره", exact=True)
    await expect(chooser).to_have_value(str(active))

    # Another cycle through the chooser: YEAR's late applicant, its place in Persian.
    await chooser.select_option(str(YEAR))
    await page.get_by_role("button", name="نمایش").click()
    await expect(page.locator("h1")).to_have_text(
        f"کارهای معوق دورهٔ {to_persian_digits(str(YEAR))} (۱)")
    row = page.locator("#overdue tbody tr")
    await expect(row).to_have_count(1)
    await expect(row.get_by_role("link", name=to_persian_digits(late.tracking_code))
                 ).to_have_count(1)
    place = row.locator("td.place")
    await expect(place).to_have_text("اصفهان / اصفهان")
    assert not LATIN.search(await place.inner_text())
    await accessible(page)
    await shot(page, "overdue")
    await page.context.close()


async def test_the_auditor_reads_it_on_a_phone(browsing: Browsing, late: Applicant) -> None:
    page = await _open(browsing, Role.auditor, AUDITOR, phone=True)
    response = await page.goto(f"/console/overdue?cycle={YEAR}")
    assert response is not None and response.status == 200
    await expect(page.locator("#overdue tbody tr")).to_have_count(1)
    await accessible(page)
    await page.context.close()
