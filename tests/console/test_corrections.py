"""The admin's corrections in the console (COR-1, COR-2, COR-3), the reviewer's «واگذار شده به
من», and the exam session's venues and attendance sheets (EXAM-5) on the cycle's page."""

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
from tests.api.helpers import (
    SECRET,
    Applicant,
    Stack,
    advance,
    auth,
    decide,
    eventually,
    get_app,
    open_cycle,
    register,
    token,
)
from tests.api.test_exam_sessions import close_registration, venue
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.helpers import ADMIN

#: This module's cycles (no other test uses 1470–1479).
REOPENED, REINSTATED, ASSIGNED, REFUSED, SEATED = 1470, 1471, 1472, 1473, 1474
SECOND_ADMIN = "deputy-admin"
#: The reviewer an admin assigns a decision to, and one it is not assigned to.
ASSIGNEE, BYSTANDER = "panel-gamma", "panel-delta"


def _day(offset: int) -> str:
    """The Jalali day `offset` days from today in Tehran, as `YYYY/MM/DD`."""
    today = jalali.to_gregorian(jalali.business_day(datetime.now(UTC)))
    return str(jalali.from_gregorian(today + timedelta(days=offset)))


async def _applicant(http: httpx.AsyncClient, stack: Stack, year: int, until: str,
                     **overrides: Any) -> Applicant:
    """An applicant of cycle `year` (opened on first use), moved on until `until`."""
    r = await http.get(f"/v1/cycles/{year}", headers=auth(Role.admin))
    if r.status_code == 404:
        await open_cycle(http, year, "Tehran", "Isfahan", engine=stack.engine)
    app = await register(http, year, **overrides)
    await advance(http, app, until)
    return app


async def _signed_in(browsing: Browsing, role: Role, sub: str) -> Page:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(role, sub=sub))
    return page


async def _stage(http: httpx.AsyncClient, app: Applicant) -> str:
    stage: str = (await get_app(http, app, auth(Role.admin)))["stage"]
    return stage


async def test_an_admin_reopens_the_latest_decision_and_the_history_keeps_both(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    app = await _applicant(http, console_stack, REOPENED, "awaiting_qualification")
    page = await _signed_in(browsing, Role.admin, ADMIN)
    await page.goto(f"/console/applications/{app.id}")
    form = page.locator("form#reopen")
    await expect(form).to_contain_text("آخرین تصمیم: مصاحبهٔ علمی (قبول)")
    await expect(page.locator("#reinstate")).to_have_count(0)  # nothing to reinstate
    await accessible(page)

    # No reason: refused in the form under COR-1, nothing sent.
    await form.get_by_role("button", name="بازگشایی تصمیم مصاحبهٔ علمی").click()
    refusal = form.locator("#refusal")
    await expect(refusal).to_have_attribute("data-code", "invalid_request")
    await expect(refusal.locator("li[data-rule='COR-1']")).to_contain_text("دلیل بازگشایی")
    await expect(refusal).to_be_focused()
    assert await _stage(http, app) == "awaiting_qualification"

    await form.get_by_label("دلیل بازگشایی").fill("the wrong panel sat")
    await form.get_by_role("button", name="بازگشایی تصمیم مصاحبهٔ علمی").click()
    await expect(page.locator("#notice")).to_contain_text("تصمیم بازگشایی شد")
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_interview")
    # The history keeps the decision and its reopening, with who and why.
    await expect(page.locator("#decisions tr[data-stage='interview']")).to_have_count(1)
    reopening = page.locator("#decisions tr[data-stage='reopening']")
    await expect(reopening).to_have_count(1)
    await expect(reopening).to_contain_text("بازگشایی تصمیم")
    await expect(reopening).to_contain_text("مصاحبهٔ علمی")
    await expect(reopening).to_contain_text(ADMIN)
    await expect(reopening).to_contain_text("the wrong panel sat")
    await expect(reopening).to_contain_text("COR-1")
    # Nothing to reopen now: the latest decision's stage waits again.
    await expect(page.locator("#reopen-closed")).to_contain_text("دوباره در انتظار است")
    await accessible(page)
    await shot(page, "corrections-reopened")

    await page.get_by_role("link", name="سابقهٔ پرونده").click()
    event = page.locator("#timeline li[data-kind='reopened']")
    await expect(event).to_contain_text("بازگشایی تصمیم (اصلاح)")
    await expect(event).to_contain_text("مصاحبهٔ علمی")
    await expect(event).to_contain_text("the wrong panel sat")
    await accessible(page)
    await page.context.close()


async def test_a_reinstatement_needs_a_second_admin(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    app = await _applicant(http, console_stack, REINSTATED, "awaiting_interview")
    r = await decide(http, app, Role.interviewer, {"stage": "interview", "outcome": "fail",
                                                   "score": 30, "reason": "weak answers"})
    assert r.json()["stage"] == "rejected", r.text

    first = await _signed_in(browsing, Role.admin, ADMIN)
    await first.goto(f"/console/applications/{app.id}")
    form = first.locator("form#reinstate")
    await form.get_by_label("دلیل پیشنهاد").fill("the answers were marked against the "
                                                 "wrong key")
    await form.get_by_role("button", name="پیشنهاد اعادهٔ پرونده").click()
    await expect(first.locator("#notice")).to_contain_text("مدیر دیگری باید آن را تأیید کند")
    await expect(first.locator("#stage")).to_have_attribute("data-stage", "rejected")
    pending = first.locator("#pending-reinstatement")
    await expect(pending.locator(".actor")).to_have_text(ADMIN)
    await expect(pending.locator("time")).to_have_count(1)
    await expect(pending.locator(".reason")).to_have_text(
        "the answers were marked against the wrong key")
    await expect(first.locator("#own-proposal")).to_be_visible()

    # The same admin cannot confirm their own proposal (COR-2): refused in place.
    await form.get_by_label("دلیل تأیید").fill("confirming my own")
    await form.get_by_role("button", name="تأیید اعادهٔ پرونده").click()
    refusal = form.locator("#refusal")
    await expect(refusal).to_have_attribute("data-code", "forbidden")
    await expect(refusal).to_contain_text("اعادهٔ پرونده را مدیر دیگری باید تأیید کند")
    await expect(refusal.locator("li[data-rule='COR-2']")).to_contain_text(
        "پیشنهاددهندهٔ اعاده نمی‌تواند پیشنهاد خود را تأیید کند")
    await expect(form.get_by_label("دلیل تأیید")).to_have_value("confirming my own")
    await accessible(first)
    await shot(first, "corrections-refused")
    await first.context.close()
    assert await _stage(http, app) == "rejected"

    second = await _signed_in(browsing, Role.admin, SECOND_ADMIN)
    await second.goto(f"/console/applications/{app.id}")
    await expect(second.locator("#pending-reinstatement .actor")).to_have_text(ADMIN)
    await expect(second.locator("#own-proposal")).to_have_count(0)
    form = second.locator("form#reinstate")
    await form.get_by_label("دلیل تأیید").fill("checked the answer key")
    await form.get_by_role("button", name="تأیید اعادهٔ پرونده").click()
    await expect(second.locator("#notice")).to_contain_text("اعادهٔ پرونده تأیید شد")
    await expect(second.locator("#stage")).to_have_attribute("data-stage", "awaiting_interview")
    rows = second.locator("#decisions tr[data-stage='reinstatement']")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("پیشنهاد شد")
    await expect(rows.nth(1)).to_contain_text("تأیید شد")
    await expect(rows.nth(1)).to_contain_text(SECOND_ADMIN)
    await expect(second.locator("#reinstate")).to_have_count(0)
    await accessible(second)

    await second.goto(f"/console/applications/{app.id}/timeline")
    events = second.locator("#timeline li[data-kind='reinstatement']")
    await expect(events).to_have_count(2)
    await expect(events.nth(0).locator(".outcome")).to_have_text("پیشنهاد شد")
    await expect(events.nth(1).locator(".outcome")).to_have_text("تأیید شد")
    await accessible(second)
    await second.context.close()

    body = await get_app(http, app, auth(Role.admin))
    assert [(d["outcome"], d["actor"]) for d in body["decisions"]
            if d["stage"] == "reinstatement"] == [("proposed", ADMIN), ("confirmed", SECOND_ADMIN)]


async def test_an_assigned_decision_is_in_the_reviewers_assigned_inbox(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    app = await _applicant(http, console_stack, ASSIGNED, "awaiting_interview")
    admin = await _signed_in(browsing, Role.admin, ADMIN)
    await admin.goto(f"/console/applications/{app.id}")
    form = admin.locator("form#assign")
    reviewer = form.get_by_label("نام کاربری بررسی‌کننده")
    await reviewer.fill("panel gamma")  # a sign-in name has no spaces
    await form.get_by_role("button", name="واگذاری").click()
    refusal = form.locator("#refusal")
    await expect(refusal).to_have_attribute("data-code", "invalid_request")
    await expect(refusal.locator("li[data-rule='COR-3']")).to_contain_text("بدون فاصله")
    await expect(reviewer).to_have_value("panel gamma")

    await reviewer.fill(ASSIGNEE)
    await form.get_by_role("button", name="واگذاری").click()
    await expect(admin.locator("#notice")).to_contain_text("واگذار شد")
    await expect(admin.locator("#claim")).to_contain_text(ASSIGNEE)
    await expect(admin.locator("#assigned-by")).to_contain_text(f"واگذار شده توسط {ADMIN}")
    await expect(admin.locator("#decisions tr[data-stage='assignment']")).to_contain_text(
        "واگذار شد")
    await accessible(admin)
    await admin.goto(f"/console/applications/{app.id}/timeline")
    await expect(admin.locator("#timeline li[data-kind='assigned'] .reviewer")).to_have_text(
        ASSIGNEE)
    await admin.context.close()

    page = await _signed_in(browsing, Role.interviewer, ASSIGNEE)
    await page.goto("/console/inbox")
    await page.get_by_role("link", name="واگذار شده به من").click()
    await expect(page.get_by_role("checkbox", name="واگذار شده به من")).to_be_checked()
    row = page.locator(f"table.inbox tr[data-id='{app.id}']")

    async def listed() -> bool:  # the read model follows the workflow
        await page.reload()
        return await row.count() == 1

    await eventually(listed, "the assigned decision in the reviewer's inbox", attempts=50)
    await expect(row).to_contain_text(ASSIGNEE)
    await expect(page.locator("#list-title")).to_contain_text("واگذار شده به من")
    await accessible(page)
    await shot(page, "inbox-assigned")
    # Unchecked, the whole inbox again; the box and the link agree.
    await page.get_by_role("checkbox", name="واگذار شده به من").uncheck()
    await page.get_by_role("button", name="اعمال فیلتر").click()
    await expect(page.get_by_role("link", name="واگذار شده به من")).to_be_visible()
    await page.context.close()

    other = await _signed_in(browsing, Role.interviewer, BYSTANDER)
    await other.goto("/console/inbox?assigned=1")
    await expect(other.locator("#list-title")).to_contain_text("واگذار شده به من")
    await expect(other.locator(f"table.inbox tr[data-id='{app.id}']")).to_have_count(0)
    await other.context.close()


async def test_only_an_admin_corrects(browsing: Browsing, http: httpx.AsyncClient,
                                      console_stack: Stack) -> None:
    app = await _applicant(http, console_stack, REFUSED, "awaiting_qualification")
    page = await _signed_in(browsing, Role.qualification_officer, "qual-desk")
    await page.goto(f"/console/applications/{app.id}")
    await expect(page.locator("h1")).to_contain_text(fa(app.tracking_code))
    await expect(page.locator("#corrections")).to_have_count(0)
    await page.context.close()

    tok = token(Role.qualification_officer, sub="qual-desk")
    headers = {"Cookie": f"{COOKIE}={tok}", "Origin": str(http.base_url).rstrip("/")}
    for what, data in (("reopen", {"stage": "interview", "reason": "x"}),
                       ("reinstate", {"reason": "x"}), ("assign", {"reviewer": "qual-desk"})):
        r = await http.post(f"/console/applications/{app.id}/{what}",
                            data={"csrf": csrf_token(SECRET, tok), **data}, headers=headers)
        assert r.status_code == 403, (what, r.text)
        assert 'data-code="forbidden"' in r.text
    body = await get_app(http, app, auth(Role.admin))
    assert body["stage"] == "awaiting_qualification" and body["claim"] is None
    assert not [d for d in body["decisions"] if d["stage"] in ("reopening", "assignment")]


async def test_the_cycle_lists_its_venues_and_each_attendance_sheet(
        browsing: Browsing, http: httpx.AsyncClient, console_stack: Stack) -> None:
    year = SEATED
    await open_cycle(http, year, "Tehran", "Isfahan", engine=console_stack.engine)
    tehran = [await register(http, year, province="Tehran", city="Tehran") for _ in range(3)]
    isfahan = await register(http, year, province="Isfahan", city="Isfahan")
    for app in [*tehran, isfahan]:
        await advance(http, app, "awaiting_exam")
    unpaid = await register(http, year)  # never seated

    page = await _signed_in(browsing, Role.admin, ADMIN)
    await page.goto(f"/console/cycles/{year}")
    await expect(page.locator("#no-exam-session")).to_contain_text("هنوز روز آزمون")

    close_registration(console_stack, year)
    hall_a = venue("تهران", "تهران", "حوزهٔ الف", 2)
    hall_b = venue("Tehran", "Tehran", "حوزهٔ ب", 5, address="خیابان انقلاب، پلاک 9")
    r = await http.put(f"/v1/cycles/{year}/exam-sessions", json={
        "exam_date": _day(3), "start_time": "09:30", "card_date": _day(0),
        "venues": [hall_a, hall_b, venue("اصفهان", "اصفهان", "سالن اصلی", 10)]},
        headers=auth(Role.exam_officer, sub="sanjesh"))
    assert r.status_code == 200, r.text
    session = r.json()
    by_name = {v["name"]: v for v in session["venues"]}

    await page.reload()
    await expect(page.locator("#exam-date")).to_have_text(fa(_day(3)))
    await expect(page.locator("#exam-time")).to_contain_text("۰۹:۳۰")
    await expect(page.locator("#card-date")).to_have_text(fa(_day(0)))
    await expect(page.locator("#seats-fixed")).to_have_attribute("data-fixed", "true")
    await expect(page.locator("#exam-candidates")).to_have_text("۴")
    await expect(page.locator("#venues tbody tr")).to_have_count(3)
    hall = page.locator(f"#venues tr[data-venue='{by_name['حوزهٔ الف']['venue_id']}']")
    await expect(hall).to_contain_text("تهران")
    await expect(hall).to_contain_text("خیابان آزادی، پلاک ۱")
    await expect(hall.locator("td[data-label='داوطلبان']")).to_have_text("۲")
    await expect(page.locator(f"#venues tr[data-venue='{by_name['حوزهٔ ب']['venue_id']}']")
                 ).to_contain_text("پلاک ۹")
    await accessible(page)
    await shot(page, "cycle-venues")

    # The attendance sheet: the first hall takes the lowest tracking codes, in order.
    await hall.get_by_role("link", name="فهرست حاضران حوزهٔ الف").click()
    await expect(page.locator("h1")).to_have_text("فهرست حاضران: حوزهٔ الف")
    codes = sorted(a.tracking_code for a in tehran)[:2]
    rows = page.locator("#attendance tbody tr")
    await expect(rows).to_have_count(2)
    for seat, code in enumerate(codes, start=1):
        row = page.locator(f"#attendance tr[data-seat='{seat}']")
        await expect(row).to_contain_text(to_persian_digits(code))
    await expect(page.get_by_role("button", name="چاپ فهرست")).to_be_visible()
    await accessible(page)
    await shot(page, "attendance")
    await page.emulate_media(media="print")  # printed: the sheet without the console around it
    await expect(page.locator("header.top")).to_be_hidden()
    await expect(page.get_by_role("button", name="چاپ فهرست")).to_be_hidden()
    await expect(rows).to_have_count(2)
    await shot(page, "attendance-print")
    await page.emulate_media(media="screen")

    # Its first row leads to the candidate, whose page shows the seat and the card.
    first = next(a for a in tehran if a.tracking_code == codes[0])

    async def seated() -> dict[str, Any] | None:
        seat: dict[str, Any] | None = (await get_app(http, first, auth(Role.admin)))["seat"]
        return seat

    seat = await eventually(seated, "the seat reached the candidate's workflow")
    await page.locator("#attendance tr[data-seat='1']").get_by_role("link").click()
    await expect(page.locator("#seat-venue")).to_have_text("حوزهٔ الف")
    await expect(page.locator("#seat-number")).to_have_text(fa(seat["seat"]))
    await expect(page.locator("#seat-date")).to_have_text(fa(_day(3)))
    await expect(page.locator("#seat-time")).to_contain_text("۰۹:۳۰")
    card = page.get_by_role("link", name="کارت ورود به جلسه (PDF)")
    await expect(card).to_have_attribute("href",
                                         f"/console/applications/{first.id}/admission-card")
    await accessible(page)
    await shot(page, "application-seat")
    await page.goto(f"/console/applications/{first.id}/timeline")
    await expect(page.locator("#timeline li[data-kind='seat']")).to_contain_text("حوزهٔ الف")
    await page.context.close()

    tok = token(Role.licensing_officer, sub="lic-desk")
    pdf = await http.get(f"/console/applications/{first.id}/admission-card",
                         headers={"Cookie": f"{COOKIE}={tok}"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # No seat, no card; no such venue, no sheet: refused as pages, with the rule.
    r = await http.get(f"/console/applications/{unpaid.id}/admission-card",
                       headers={"Cookie": f"{COOKIE}={tok}"})
    assert r.status_code == 409 and "EXAM-5" in r.text
    r = await http.get(f"/console/cycles/{year}/venues/99-999",
                       headers={"Cookie": f"{COOKIE}={tok}"})
    assert r.status_code == 404 and 'data-code="not_found"' in r.text
