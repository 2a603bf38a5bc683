"""DOC-1 and DOC-2 in the console: each document beside the checklist item it proves, read
in place; the request for a document, and the case waiting for the applicant."""

from __future__ import annotations

import httpx
from playwright.async_api import expect

from daftar.domain.stages import Role
from tests.api.helpers import advance, auth, token
from tests.console.conftest import Browsing, accessible, sign_in
from tests.console.helpers import register

PDF = b"%PDF-1.4\n% the degree, as scanned\n%%EOF\n"
OFFICER = "qual-console-docs"


async def test_the_officer_sees_each_document_beside_its_item_and_asks_for_one(
        browsing: Browsing, http: httpx.AsyncClient, console_cycle: int) -> None:
    app = await register(http)
    r = await http.put(f"/v1/applications/{app.id}/documents/degree", content=PDF,
                       headers={**app.headers, "content-type": "application/pdf"})
    assert r.status_code == 204, r.text
    await advance(http, app, "awaiting_qualification")

    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.qualification_officer, sub=OFFICER))
    await page.goto(f"/console/applications/{app.id}")
    # The checklist's degree items (GEN-2, EXP-1) link to the uploaded degree; the national
    # card (GEN-1) is not uploaded yet.
    proof = page.locator("p.proof[data-proves='GEN-2'] a")
    await expect(proof).to_have_text("مدرک تحصیلی")
    await expect(page.locator("p.proof[data-proves='GEN-1']")).to_contain_text(
        "بارگذاری نشده")
    await expect(page.locator("#documents tr[data-kind='degree']")).to_contain_text("بایت")
    href = await proof.get_attribute("href")
    assert href is not None
    served = await page.request.get(href)
    assert (served.status, await served.body()) == (200, PDF)
    await accessible(page)

    # DOC-2: ask for the national card; the case waits for the applicant.
    await page.get_by_label("مدرک", exact=True).select_option("national_card")
    await page.get_by_label("دلیل (متقاضی آن را می‌خواند)").fill("تصویر کارت ملی لازم است.")
    await page.get_by_role("button", name="درخواست مدرک").click()
    await expect(page.locator("#document-request")).to_contain_text("کارت ملی")
    await expect(page.locator("#document-request")).to_contain_text(OFFICER)
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.json()["stage"] == "awaiting_applicant"
    await accessible(page)
