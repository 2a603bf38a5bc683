"""One applicant through the portal, start to withdrawal: sign in by SMS code (never in the
outbox), upload the documents, see every stage's outcome (the exam's per subject), answer a
reviewer's request for a document (DOC-2), withdraw with confirmation; the SMS of each event
(NOTE-1) checked in the outbox at each step."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import expect
from sqlmodel import Session, select

from daftar.domain import jalali
from daftar.domain.digits import ascii_to_persian_digits as persian
from daftar.domain.digits import normalize_digits
from daftar.domain.stages import Role
from daftar.store.access_log import AccessLogEntry
from tests.api.helpers import Stack, auth, decide, get_app, open_cycle, pay, put_photo
from tests.console.conftest import Browsing, accessible
from tests.portal.conftest import WALK, outbox, sent, shot, sms_to, until
from tests.portal.helpers import PDF, jpeg, register, sign_in, upload

#: The documents of a man of the free quota with no occupation (DOC-1), as the page names them.
DOCUMENTS = {
    "degree": "مدرک تحصیلی",
    "national_card": "کارت ملی",
    "military_service": "کارت پایان خدمت یا معافیت",
    "no_criminal_record": "گواهی عدم سوء پیشینه",
    "computer_certificate": "گواهی مهارت رایانه",
}
SUBJECTS = ("civil_law", "civil_procedure", "criminal_procedure", "criminal_law",
            "commercial_law", "public_law_1", "public_law_2", "literature")
OFFICER = "qual-portal"


def _day(offset: int) -> str:
    today = jalali.business_day(datetime.now(UTC))
    return str(jalali.from_gregorian(jalali.to_gregorian(today) + timedelta(days=offset)))


async def test_one_applicant_walks_the_portal(http: httpx.AsyncClient, portal_stack: Stack,
                                              browsing: Browsing) -> None:
    engine = portal_stack.engine
    await open_cycle(http, WALK, "Tehran", capacity=5)
    app, number = await register(http, WALK)

    context = await browsing.context()
    page = await context.new_page()

    # Registered: the tracking code by SMS (NOTE-1).
    await sent(engine, app.id, "registered")
    # Sign in by SMS code: the code is its own message, never in the outbox.
    await sign_in(page, engine, app, number)
    assert await outbox(engine, app.id) == [("registered", "sent")]
    texts = await sms_to(engine, number)
    assert any(persian(app.tracking_code) in t and "دریافت شد" in t for t in texts)
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_payment")
    await expect(page.locator("#next [data-step='pay'] bdi.day")).to_have_text(
        re.compile("^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}$"))
    await expect(page.locator("#next [data-step='photo']")).to_be_visible()
    await accessible(page)
    await shot(page, "home")

    # Upload the documents from the page; a file that is no PDF or JPEG is refused in place.
    await upload(page, "degree", DOCUMENTS["degree"], b"GIF89a not a document", "degree.gif",
                 "image/gif")
    refusal = page.locator("#doc-degree .alert.error")
    await expect(refusal).to_have_attribute("data-code", "rule_violation")
    await expect(refusal.locator("[data-rule='DOC-1']")).to_contain_text("PDF یا JPEG")
    await accessible(page)
    for kind, name in DOCUMENTS.items():
        data, filename, mime = ((jpeg(), f"{kind}.jpg", "image/jpeg") if kind == "national_card"
                                else (PDF, f"{kind}.pdf", "application/pdf"))
        await upload(page, kind, name, data, filename, mime)
        await expect(page.locator("#notice")).to_have_text("مدرک شما بارگذاری شد.")
        await expect(page.locator(f"#doc-{kind} .status")).to_contain_text("بارگذاری شد")
    await expect(page.locator("#next [data-step='documents']")).to_have_count(0)

    # Photo and fee through the registration front-end's API; the exam session seats the
    # candidate and the card opens today (EXAM-5).
    assert (await put_photo(http, app)).status_code == 204
    assert (await pay(http, app)).status_code == 200
    r = await http.put(f"/v1/cycles/{WALK}/exam-sessions", headers=auth(Role.exam_officer),
                       json={"exam_date": _day(14), "start_time": "09:00",
                             "card_date": _day(0), "venues": [{
                                 "province": "Tehran", "city": "Tehran",
                                 "name": "دانشگاه تهران", "address": "خیابان انقلاب",
                                 "seats": 10}]})
    assert r.status_code == 200, r.text

    async def seated() -> bool:  # the seat reaches the workflow by the session's fan-out
        return (await get_app(http, app, auth(Role.admin)))["seat"] is not None

    await until(seated, "the seat in the candidate's record")
    await sent(engine, app.id, "card_available")  # the card opens today
    await page.reload()
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_exam")
    await expect(page.locator("#next [data-step='card'] a")).to_have_text(
        "دریافت کارت ورود به جلسه")
    await expect(page.locator("#exam")).to_contain_text("دانشگاه تهران")
    card = await page.request.get("/portal/card")
    assert card.status == 200 and (await card.body()).startswith(b"%PDF")
    await accessible(page)
    await shot(page, "card")

    # The exam's results, loaded for this cycle's one candidate and published (EXAM-2, EXAM-4).
    counts = {code: {"correct": 20 + i, "wrong": i} for i, code in enumerate(SUBJECTS)}
    r = await http.post(f"/v1/cycles/{WALK}/exam-results", headers=auth(Role.exam_officer),
                        json={"rows": [{"tracking_code": app.tracking_code,
                                        "subjects": counts}], "taraz_scale": "2000"})
    assert r.status_code == 200, r.text
    r = await http.post(f"/v1/cycles/{WALK}/exam-results/publish",
                        headers=auth(Role.exam_officer))
    assert r.status_code == 202, r.text

    async def published() -> bool:  # publication reaches the workflow by its fan-out
        return (await get_app(http, app, auth(Role.admin)))["exam_result"] is not None

    await until(published, "the exam result in the candidate's record")
    await sent(engine, app.id, "exam_result")
    await page.reload()
    await expect(page.locator("#exam-outcome")).to_have_text("قبول")
    rows = page.locator("#subjects tbody tr")
    await expect(rows).to_have_count(8)
    # civil law: 20 correct, 0 wrong of 40: (3·20 − 0) / (3·40) = 50%; T = 5000 (one candidate)
    await expect(page.locator("[data-subject='civil_law']")).to_contain_text("۵۰٪")
    await expect(page.locator("[data-subject='civil_law']")).to_contain_text("۵٬۰۰۰")
    await expect(page.locator("[data-subject='civil_law']")).to_contain_text("حقوق مدنی")
    await expect(page.locator("#pass-mark")).to_have_text(re.compile("^[۰-۹٬٫]+$"))
    await expect(page.locator("#total")).to_have_text(re.compile("^[۰-۹٬٫]+$"))
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_interview")
    await accessible(page)
    await shot(page, "results")

    # Interview passed; the qualification officer asks for the national card again (DOC-2).
    r = await decide(http, app, Role.interviewer, {"stage": "interview", "outcome": "pass",
                                                   "score": 84})
    assert r.status_code == 200, r.text
    r = await http.post(f"/v1/applications/{app.id}/document-requests",
                        headers=auth(Role.qualification_officer, sub=OFFICER),
                        json={"kind": "national_card", "days": 7,
                              "reason": "تصویر کارت ملی ناخواناست؛ پشت و روی کارت را بفرستید."})
    assert r.status_code == 200, r.text
    await sent(engine, app.id, "document_requested")
    assert [e for e, _ in await outbox(engine, app.id)] == [
        "registered", "card_available", "exam_result", "stage_passed", "document_requested"]
    await page.reload()
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_applicant")
    request = page.locator("#document-request")
    await expect(request).to_contain_text("کارت ملی")
    await expect(request).to_contain_text("ناخواناست")
    await expect(request.locator("time")).to_have_count(2)  # asked, and the deadline
    await expect(page.locator("#next [data-step='request']")).to_be_visible()
    await expect(page.locator("#doc-national_card")).to_have_class("requested")
    await expect(page.locator("#outcomes [data-entry='interview']")).to_contain_text("قبول")
    await accessible(page)
    await shot(page, "request")

    # The applicant answers it by upload; the case returns to the qualification check.
    await page.locator("#next [data-step='request'] a").click()
    await upload(page, "national_card", DOCUMENTS["national_card"], jpeg(), "card.jpg",
                 "image/jpeg")
    await expect(page.locator("#stage")).to_have_attribute("data-stage",
                                                           "awaiting_qualification")
    await expect(page.locator("#document-request")).to_have_count(0)

    # Qualification and security pass; the office is placed (LAUNCH-1).
    r = await decide(http, app, Role.qualification_officer,
                     {"stage": "qualification", "outcome": "pass", "checks": app.checks},
                     sub=OFFICER)
    assert r.status_code == 200, r.text
    r = await decide(http, app, Role.security_officer, {"stage": "security", "outcome": "pass"})
    assert r.status_code == 200, r.text
    r = await http.post(f"/v1/applications/{app.id}/office", headers=auth(Role.licensing_officer),
                        json={"province": "Tehran", "city": "Tehran"})
    assert r.status_code == 200, r.text
    await sent(engine, app.id, "office")
    office_sms = (await sms_to(engine, number))[-1]
    assert "تهران" in office_sms and persian(app.tracking_code) in office_sms

    await page.reload()
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "awaiting_licence")
    for entry in ("interview", "qualification", "security"):
        await expect(page.locator(f"#outcomes [data-entry='{entry}']")).to_contain_text("قبول")
    await expect(page.locator("#documents .badge.ok")).to_have_count(5)  # verified (QUAL-1)
    await expect(page.locator("#office-place")).to_contain_text("تهران")

    # Withdraw (WD-1), after the confirmation page says what it means.
    await page.get_by_role("link", name="انصراف از ادامهٔ فرایند").click()
    await expect(page.locator("#withdraw-terms")).to_contain_text("بازگردانده نمی‌شود")
    await accessible(page)
    await shot(page, "withdraw")
    await page.get_by_label("دلیل (اختیاری)").fill("تغییر برنامه")
    await page.get_by_label("می‌دانم که انصراف بازگشت‌پذیر نیست", exact=False).check()
    await page.get_by_role("button", name="انصراف می‌دهم").click()
    await expect(page.locator("#notice")).to_have_text("انصراف شما ثبت شد.")
    await expect(page.locator("#stage")).to_have_attribute("data-stage", "withdrawn")
    await expect(page.locator("#outcomes [data-entry='withdrawal']")).to_be_visible()
    await expect(page.locator("#documents form")).to_have_count(0)
    await expect(page.get_by_role("link", name="انصراف از ادامهٔ فرایند")).to_have_count(0)
    view = await get_app(http, app, auth(Role.admin))
    assert view["stage"] == "withdrawn"
    await sent(engine, app.id, "withdrawn")
    # One SMS per event, each sent; the sign-in codes are no event's notice.
    assert await outbox(engine, app.id) == [(e, "sent") for e in (
        "registered", "card_available", "exam_result", "stage_passed", "document_requested",
        "stage_passed", "stage_passed", "office", "withdrawn")]
    texts = await sms_to(engine, number)
    assert len([t for t in texts if "کد ورود" not in t]) == 9
    assert not any(app.national_id in normalize_digits(t) for t in texts)
    await accessible(page)

    # The applicant's own reads are not in the access log (staff reads only).
    with Session(engine) as session:
        assert not list(session.exec(select(AccessLogEntry).where(
            AccessLogEntry.application_id == app.id,
            AccessLogEntry.actor == app.id)))

    await page.get_by_role("button", name="خروج").click()
    await expect(page.locator(".alert.ok")).to_have_text("از درگاه خارج شدید.")
    await page.goto("/portal/home")
    await expect(page.locator("h1")).to_have_text("ورود متقاضیان")
    await context.close()
