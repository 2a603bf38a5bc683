"""The console's reads of one applicant in the access log, and the auditors' page listing it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from playwright.async_api import expect

from daftar.console.session import COOKIE
from daftar.domain.jalali import business_day, to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import Applicant, auth, token
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.helpers import ADMIN, AUDITOR, INTERVIEWER, at_stage, register, to_exam

#: A reader of this module only, so its entries are told apart from the other modules'.
READER = "panel-reader"


def cookie(*roles: Role, sub: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={token(*roles, sub=sub)}"}


async def read_in_console(http: httpx.AsyncClient, app: Applicant) -> None:
    """The reviewer opens the application page and its photo; the auditor its timeline."""
    reviewer = cookie(Role.interviewer, sub=READER)
    for path in ("", "/photo"):
        r = await http.get(f"/console/applications/{app.id}{path}", headers=reviewer)
        assert r.status_code == 200, r.text
    r = await http.get(f"/console/applications/{app.id}/timeline",
                       headers=cookie(Role.auditor, sub=AUDITOR))
    assert r.status_code == 200, r.text


async def test_console_reads_are_recorded(http: httpx.AsyncClient, console_cycle: int) -> None:
    app = await register(http)
    await to_exam(http, app)
    await read_in_console(http, app)
    # Refused pages read nothing: an applicant's page for a reviewer of no such application.
    r = await http.get("/console/applications/0123456789abcdef",
                       headers=cookie(Role.interviewer, sub=READER))
    assert r.status_code == 404
    r = await http.get("/v1/access-log", params={"application_id": app.id},
                       headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    assert [(e["what"], e["actor"], e["role"]) for e in r.json()["items"]] == [
        ("console:timeline", AUDITOR, "auditor"),
        ("console:photo", READER, "interviewer"),
        ("console:application", READER, "interviewer")]
    r = await http.get("/v1/access-log", params={"application_id": "0123456789abcdef"},
                       headers=auth(Role.auditor))
    assert r.json()["total"] == 0


async def test_the_page_lists_entries_for_auditors_only(http: httpx.AsyncClient,
                                                        console_cycle: int) -> None:
    app = await register(http)
    await to_exam(http, app)
    await read_in_console(http, app)
    await at_stage(http, "awaiting_exam", [app])  # a tracking code is looked up there
    auditor = cookie(Role.auditor, sub=AUDITOR)

    for application in (app.id, to_persian_digits(app.tracking_code)):
        r = await http.get("/console/access-log", params={"application": application},
                           headers=auditor)
        assert r.status_code == 200, r.text
        assert 'lang="fa" dir="rtl"' in r.text
        assert re.findall(r'data-what="([^"]+)"', r.text) == [
            "console:timeline", "console:photo", "console:application"]
        assert set(re.findall(r'data-application="([^"]+)"', r.text)) == {app.id}
        assert to_persian_digits(app.tracking_code) in r.text
        assert "صفحهٔ پرونده" in r.text and READER in r.text

    today = str(business_day(datetime.now(UTC)))
    r = await http.get("/console/access-log", headers=auditor, params={
        "application": app.id, "actor": READER, "since": to_persian_digits(today)})
    assert re.findall(r'data-what="([^"]+)"', r.text) == ["console:photo",
                                                          "console:application"]
    r = await http.get("/console/access-log", headers=auditor,
                       params={"application": app.id, "since": "1405/13/01"})
    assert r.status_code == 422
    assert 'data-code="invalid_request"' in r.text and 'value="1405/13/01"' in r.text

    for roles, sub in (((Role.admin,), ADMIN), ((Role.interviewer,), INTERVIEWER)):
        r = await http.get("/console/access-log", headers=cookie(*roles, sub=sub))
        assert r.status_code == 403
        assert 'data-code="forbidden"' in r.text


async def test_auditors_find_the_page_in_their_menu(browsing: Browsing, http: httpx.AsyncClient,
                                                   console_cycle: int) -> None:
    app = await register(http)
    await to_exam(http, app)
    await read_in_console(http, app)
    await at_stage(http, "awaiting_exam", [app])
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub=ADMIN))
    await expect(page.get_by_role("link", name="گزارش دسترسی")).to_have_count(0)
    await sign_in(page, token(Role.auditor, sub=AUDITOR))
    await page.get_by_role("link", name="گزارش دسترسی").click()
    await expect(page.locator("h1")).to_contain_text("گزارش دسترسی")
    await page.get_by_label("کد رهگیری یا شناسهٔ پرونده").fill(
        to_persian_digits(app.tracking_code))
    await page.get_by_role("button", name="اعمال فیلتر").click()
    rows = page.locator("#access-log tbody tr")
    await expect(rows).to_have_count(3)
    await expect(rows.first).to_contain_text("سابقهٔ پرونده")
    await expect(rows.last).to_contain_text(READER)
    await expect(rows.last).to_contain_text("مصاحبه‌گر")
    await accessible(page)
    await shot(page, "access-log")
    await context.close()
