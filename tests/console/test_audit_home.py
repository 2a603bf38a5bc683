"""The auditor's home: the search box, and one reviewer's decisions within a range of days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy import update

from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from daftar.store.models import DecisionRow
from tests.api.helpers import (
    PASS,
    Applicant,
    Stack,
    advance,
    auth,
    cycle_body,
    decide,
    eventually,
    load_pass_mark,
    token,
)
from tests.api.helpers import register as applicant_of
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.cycles_now import day
from tests.console.helpers import AUDITOR

#: This module's cycle and reviewers (no other test uses them).
YEAR = 1449
REVIEWER, OTHER = "ledger-panel", "ledger-other"


async def _interviewed(http: httpx.AsyncClient, sub: str, outcome: str) -> Applicant:
    app = await applicant_of(http, YEAR)
    await advance(http, app, "awaiting_exam")
    r = await http.post(f"/v1/applications/{app.id}/exam-result", json=PASS,
                        headers=auth(Role.exam_officer, sub="sanjesh"))
    assert r.status_code == 200, r.text
    r = await decide(http, app, Role.interviewer, {"stage": "interview", "outcome": outcome,
                                                   "score": 85 if outcome == "pass" else 30,
                                                   "reason": "asked"}, sub=sub)
    assert r.status_code == 200, r.text
    return app


@pytest.fixture(scope="module")
async def decided(http: httpx.AsyncClient, console_stack: Stack) -> dict[str, Applicant]:
    """REVIEWER decided two interviews (one of them ten days ago), OTHER one."""
    r = await http.post("/v1/cycles", json=cycle_body(YEAR), headers=auth(Role.admin))
    assert r.status_code == 201, r.text
    load_pass_mark(console_stack.engine, YEAR)
    apps = {"today": await _interviewed(http, REVIEWER, "pass"),
            "earlier": await _interviewed(http, REVIEWER, "fail"),
            "other": await _interviewed(http, OTHER, "pass")}
    decisions = DecisionRow.__table__  # type: ignore[attr-defined]

    async def backdated() -> bool:
        with console_stack.engine.begin() as conn:
            done = conn.execute(update(decisions).where(
                decisions.c.application_id == apps["earlier"].id,
                decisions.c.actor == REVIEWER).values(
                at=datetime.now(UTC) - timedelta(days=10)))
        return bool(done.rowcount == 1)

    await eventually(backdated, "the earlier decision in the read model")

    async def recorded() -> bool:
        with console_stack.engine.connect() as conn:
            n = conn.execute(decisions.select().where(
                decisions.c.actor.in_([REVIEWER, OTHER]))).fetchall()
        return len(n) == 3

    await eventually(recorded, "three decisions in the read model")
    return apps


async def _auditor(browsing: Browsing, *, phone: bool = False) -> Page:
    context = await browsing.context(phone=phone)
    page = await context.new_page()
    await sign_in(page, token(Role.auditor, sub=AUDITOR))
    return page


async def _show(page: Page, reviewer: str, since: str, until: str) -> None:
    form = page.locator("#decision-log form")
    await form.get_by_label("کارشناس (شناسهٔ توکن)").fill(reviewer)
    await form.get_by_label("از روز (مثلاً ۱۴۰۵/۰۹/۰۱)").fill(since)
    await form.get_by_label("تا روز (خود روز هم)").fill(until)
    await form.get_by_role("button", name="نمایش تصمیم‌ها").click()
    await page.wait_for_load_state()


async def _ids(page: Page) -> list[str]:
    ids: list[str] = await page.locator("#decisions tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
    return ids


async def test_a_reviewers_decisions_within_a_range_of_days(
        browsing: Browsing, decided: dict[str, Applicant]) -> None:
    page = await _auditor(browsing)
    await page.goto("/console/audit")
    # The search box is still there.
    await expect(page.get_by_label("کد رهگیری یا شناسهٔ پرونده")).to_be_visible()
    # The reviewers who decided anything are offered.
    for sub in (REVIEWER, OTHER):
        await expect(page.locator(f"#a-reviewers option[value='{sub}']")).to_have_count(1)

    # Today only (Persian digits): today's decision, not the earlier one nor OTHER's.
    await _show(page, REVIEWER, to_persian_digits(day(0)), to_persian_digits(day(0)))
    assert await _ids(page) == [decided["today"].id]
    row = page.locator("#decisions tbody tr")
    await expect(row.locator("td").nth(1)).to_have_text("مصاحبهٔ علمی")
    await expect(row.locator("td").nth(2)).to_have_text("قبول")
    await expect(row.locator("td").nth(3)).to_contain_text(REVIEWER)
    await expect(row.locator("time")).to_have_count(1)
    await expect(page.locator("#log-count")).to_contain_text("۱ تصمیم")
    await accessible(page)
    await shot(page, "audit-decisions")

    # Twelve to eight days ago (Latin digits): the earlier decision only.
    await _show(page, REVIEWER, day(-12), day(-8))
    assert await _ids(page) == [decided["earlier"].id]
    await expect(page.locator("#decisions tbody tr td").nth(2)).to_have_text("رد")

    # Both, newest first; then a week with none.
    await _show(page, REVIEWER, day(-12), day(0))
    assert await _ids(page) == [decided["today"].id, decided["earlier"].id]
    await _show(page, REVIEWER, day(-7), day(-1))
    await expect(page.locator("#decisions")).to_have_count(0)
    await expect(page.locator("#decision-log .empty")).to_contain_text(
        "تصمیمی از این کارشناس ثبت نشده")

    # Each row opens its application.
    await _show(page, OTHER, day(0), day(0))
    assert await _ids(page) == [decided["other"].id]
    await page.locator("#decisions tbody tr a").first.click()
    await page.wait_for_url(f"**/console/applications/{decided['other'].id}")
    await page.context.close()


async def test_a_day_that_is_not_one_is_refused_in_persian(
        browsing: Browsing, decided: dict[str, Applicant]) -> None:
    page = await _auditor(browsing, phone=True)
    response = await page.goto(f"/console/audit?reviewer={REVIEWER}&since=1405/13/40")
    assert response is not None and response.status == 422
    error = page.locator("#log-error")
    await expect(error).to_contain_text("روز شمسی درستی نیست")
    await expect(error).to_contain_text("REQUEST")
    await expect(page.get_by_label("از روز (مثلاً ۱۴۰۵/۰۹/۰۱)")).to_have_value("1405/13/40")
    await accessible(page)

    await _show(page, REVIEWER, day(-12), day(0))
    assert len(await _ids(page)) == 2
    await accessible(page)
    await shot(page, "audit-phone")
    await page.context.close()
