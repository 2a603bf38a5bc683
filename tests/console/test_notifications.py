"""The console's notifications page: NOTE-1's outbox and the local provider's messages."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import expect

from daftar.console.session import COOKIE
from daftar.contracts.notices import NoticeEvent
from daftar.domain.digits import ascii_to_persian_digits
from daftar.domain.notices import mask_mobile
from daftar.domain.stages import Role
from tests.api.helpers import Stack, token
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.helpers import ADMIN, AUDITOR, INTERVIEWER
from tests.outbox import Refusing, application_id, deliver, notice


def cookie(*roles: Role, sub: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={token(*roles, sub=sub)}"}


async def test_admins_and_auditors_read_the_outbox(http: httpx.AsyncClient,
                                                   console_stack: Stack) -> None:
    app = application_id()
    office = notice(app, NoticeEvent.office, province="23", city="تهران")
    licence = notice(app, NoticeEvent.licence, to=office.mobile, licence_number="1405-1")
    await deliver(console_stack.engine, office)
    await deliver(console_stack.engine, licence, provider=Refusing())

    for roles, sub in (((Role.admin,), ADMIN), ((Role.auditor,), AUDITOR)):
        r = await http.get("/console/notifications", params={"application": app},
                           headers=cookie(*roles, sub=sub))
        assert r.status_code == 200, r.text
        assert 'lang="fa" dir="rtl"' in r.text
        assert re.findall(r'data-key="([^"]+)" data-status="([^"]+)"', r.text) == [
            (licence.key, "failed"), (office.key, "sent")]
        assert ascii_to_persian_digits(mask_mobile(office.mobile)) in r.text  # Persian digits
        assert office.mobile not in r.text
        assert ascii_to_persian_digits(office.mobile) not in r.text
        assert "تعیین محل دفتر" in r.text and "اعتبار حساب کافی نمی باشد" in r.text
        # the local provider's section: what the applicant would have been sent
        assert 'id="local-sms"' in r.text and f'<li data-key="{office.key}">' in r.text
        assert f'<li data-key="{licence.key}">' not in r.text  # refused: never stored

    r = await http.get("/console/notifications", headers=cookie(Role.admin, sub=ADMIN),
                       params={"application": app, "status": "sent"})
    assert re.findall(r'data-status="([^"]+)"', r.text) == ["sent"]
    r = await http.get("/console/notifications", headers=cookie(Role.interviewer,
                                                                sub=INTERVIEWER))
    assert r.status_code == 403 and 'data-code="forbidden"' in r.text


async def test_admins_find_the_page_in_their_menu(browsing: Browsing, http: httpx.AsyncClient,
                                                  console_stack: Stack) -> None:
    app = application_id()
    await deliver(console_stack.engine,
                  notice(app, NoticeEvent.registered, cycle="1413", deadline="1413/02/01"),
                  notice(app, NoticeEvent.card_available, exam_date="1413/03/10",
                         start_time="09:00"))
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    await expect(page.get_by_role("link", name="پیامک‌ها")).to_have_count(0)
    await sign_in(page, token(Role.admin, sub=ADMIN))
    await page.get_by_role("link", name="پیامک‌ها").click()
    await expect(page.locator("h1")).to_contain_text("پیامک‌های متقاضیان")
    await page.get_by_label("کد رهگیری یا شناسهٔ پرونده").fill(app)
    await page.get_by_label("وضعیت").select_option("sent")
    await page.get_by_role("button", name="اعمال فیلتر").click()
    rows = page.locator("#notifications tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("آماده شدن کارت ورود به جلسه")
    await expect(rows.last).to_contain_text("۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۷۷۷۷")
    await expect(page.locator("#local-sms")).to_contain_text("کارت ورود به جلسهٔ آزمون شما")
    await accessible(page)
    await shot(page, "notifications")
    await context.close()
