"""Sign-in, the session cookie, CSRF and sign-out."""

from __future__ import annotations

from datetime import timedelta

import httpx
from playwright.async_api import expect

from daftar.console.session import COOKIE, csrf_token
from daftar.domain.stages import Role
from tests.api.helpers import SECRET, token
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.helpers import INTERVIEWER, register


async def test_only_valid_staff_tokens_sign_in(browsing: Browsing, http: httpx.AsyncClient,
                                                console_cycle: int) -> None:
    context = await browsing.context()
    page = await context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    await page.goto("/console/inbox")  # no session: back to sign-in, told why
    assert "/console/sign-in?m=unauthenticated" in page.url
    # Everything, the Vazirmatn font too, comes from the console itself.
    await page.evaluate("document.fonts.ready.then(() => true)")
    assert await page.evaluate("[...document.fonts].some(f => f.family.includes('Vazirmatn')"
                               " && f.status === 'loaded')")
    assert any(url.endswith(".woff2") for url in fetched)
    assert all(url.startswith(browsing.base_url) for url in fetched), fetched
    await expect(page.locator("#signin-error")).to_contain_text("وارد شوید")
    await accessible(page)
    await shot(page, "sign-in", full_page=False)

    applicant = await register(http)
    refused = {
        applicant.token: "forbidden",
        token(Role.payment_gateway, sub="bank"): "forbidden",
        "not-a-token": "invalid_token",
        token(Role.interviewer, sub=INTERVIEWER, ttl=timedelta(seconds=-5)): "token_expired",
        token(Role.interviewer, secret="another-secret-of-someone-else-0123456789"):
            "invalid_token",
    }
    for tok, code in refused.items():
        await sign_in(page, tok)
        assert page.url.endswith("/console/sign-in"), code
        await expect(page.locator("#signin-error")).to_have_attribute("data-code", code)
    assert await context.cookies() == []

    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    assert page.url.endswith("/console/inbox")
    [cookie] = await context.cookies()
    assert cookie["name"] == COOKIE
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/console"
    assert cookie["secure"] is False  # development; production sets Secure
    await context.close()


async def test_an_expired_session_goes_back_to_sign_in(browsing: Browsing) -> None:
    context = await browsing.context()
    expired = token(Role.interviewer, sub=INTERVIEWER, ttl=timedelta(seconds=-1))
    await context.add_cookies([{"name": COOKIE, "value": expired, "url": browsing.base_url
                                + "/console"}])
    page = await context.new_page()
    await page.goto("/console/inbox")
    assert "/console/sign-in?m=token_expired" in page.url
    await expect(page.locator("#signin-error")).to_contain_text("منقضی")
    await context.close()


async def test_posts_need_the_csrf_field_and_this_origin(http: httpx.AsyncClient,
                                                         console_cycle: int) -> None:
    tok = token(Role.interviewer, sub=INTERVIEWER)
    cookies = {"Cookie": f"{COOKIE}={tok}"}
    good = csrf_token(SECRET, tok)
    form = {"application_id": "unknown-application"}

    r = await http.post("/console/inbox/claim", data={**form, "csrf": "0" * 64},
                        headers=cookies)
    assert r.status_code == 403
    assert 'data-code="csrf"' in r.text
    r = await http.post("/console/inbox/claim", data=form, headers=cookies)
    assert r.status_code == 403
    r = await http.post("/console/inbox/claim", data={**form, "csrf": good},
                        headers={**cookies, "Origin": "http://evil.example"})
    assert r.status_code == 403
    assert 'data-code="csrf"' in r.text
    # Another session's field does not fit this one.
    other = csrf_token(SECRET, token(Role.interviewer, sub="someone-else"))
    r = await http.post("/console/inbox/claim", data={**form, "csrf": other}, headers=cookies)
    assert r.status_code == 403
    # The right field from this origin passes the check; the workflow answers (no such one).
    r = await http.post("/console/inbox/claim", data={**form, "csrf": good},
                        headers={**cookies, "Origin": str(http.base_url).rstrip("/")})
    assert r.status_code == 404
    assert 'lang="fa"' in r.text and "پیدا نشد" in r.text


async def test_sign_out_clears_the_session(browsing: Browsing, console_cycle: int) -> None:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub="center-admin"))
    assert page.url.endswith("/console/dashboard")
    await page.get_by_role("button", name="خروج").click()
    await page.wait_for_url("**/console/sign-in?m=signed_out")
    await expect(page.get_by_role("status")).to_contain_text("خارج شدید")
    assert await context.cookies() == []
    await page.goto("/console/dashboard")
    assert "/console/sign-in" in page.url
    await context.close()


async def test_photos_are_for_staff_only(http: httpx.AsyncClient, console_cycle: int) -> None:
    r = await http.get("/console/applications/anything/photo", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/console/sign-in?m=unauthenticated"
    bad = token(Role.interviewer, secret="another-secret-of-someone-else-0123456789")
    r = await http.get("/console/applications/anything/photo",
                       headers={"Cookie": f"{COOKIE}={bad}"}, follow_redirects=False)
    assert r.status_code == 303


async def test_console_requests_are_labelled_by_their_full_route(
        http: httpx.AsyncClient, console_cycle: int) -> None:
    app = await register(http)
    cookie = {"cookie": f"{COOKIE}={token(Role.admin, sub='center-admin')}"}
    assert (await http.get(f"/console/applications/{app.id}", headers=cookie)).status_code == 200
    metrics = (await http.get("/metrics")).text
    assert 'route="/console/applications/{app_id}"' in metrics
    assert 'route="/applications/{app_id}"' not in metrics
