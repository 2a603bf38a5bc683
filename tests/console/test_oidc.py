"""Staff sign in to the console through the organisation's OpenID provider: a real one
(oidc-provider, tests/oidc) on another site than the console, driven by Chromium through its
own login and consent forms; the codec's cookie for payload readers; the token paste off in
production."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
import pytest
from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from daftar.console.session import COOKIE, OIDC_COOKIE
from daftar.core.codec import data_converter
from daftar.domain.stages import Role
from daftar.services.auth import CODEC_COOKIE
from tests.api.helpers import SECRET, Stack, auth, open_cycle, token
from tests.conftest import TEST_KEYRING, free_port
from tests.console.conftest import ID_KEY, LAPTOP, PHONE, Browsing, accessible
from tests.console.helpers import register_in
from tests.oidc.provider import OidcProvider, log_in, running_provider
from tests.stacks import running_stack

#: This module's own cycle: its applicants meet no other test's.
YEAR = 1493
CLIENT_ID = "daftar-console"
ACCOUNTS: dict[str, dict[str, Any]] = {
    "oidc-interviewer": {"roles": ["interviewer"], "name": "Interviewer of the provider"},
    "oidc-auditor": {"roles": ["org-auditors"]},  # daftar's auditor through the role map
    "oidc-applicant": {"roles": ["applicant", "payment_gateway"]},
}
BUTTON = "ورود با حساب سازمانی"


@pytest.fixture(scope="module")
def console_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def provider(console_port: int) -> Iterator[OidcProvider]:
    """The provider, with the console as a public client (PKCE, no secret)."""
    client = {"client_id": CLIENT_ID, "token_endpoint_auth_method": "none",
              "redirect_uris": [f"http://127.0.0.1:{console_port}/console/sign-in/callback"]}
    with running_provider(clients=[client], accounts=ACCOUNTS) as running:
        yield running


@pytest.fixture(scope="module")
async def oidc_stack(dev_server: WorkflowEnvironment, console_engine: Engine,
                     provider: OidcProvider, console_port: int) -> AsyncIterator[Stack]:
    """Worker and API (with the console) trusting the provider, on the port it knows."""
    async with running_stack(dev_server, console_engine, queue_prefix="daftar-console-oidc",
                             id_key=ID_KEY, port=console_port, oidc_issuer=provider.issuer,
                             oidc_client_id=CLIENT_ID, oidc_roles_claim="realm_access.roles",
                             oidc_role_map={"org-auditors": "auditor"},
                             token_ttl_hours=8) as running:
        yield running


@pytest.fixture(scope="module")
def oidc_browsing(browsing: Browsing, oidc_stack: Stack) -> Browsing:
    return Browsing(browser=browsing.browser, base_url=oidc_stack.base_url)


@pytest.fixture(scope="module")
async def oidc_http(oidc_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=oidc_stack.base_url, timeout=60) as client:
        yield client


async def ours(context: BrowserContext) -> dict[str, dict[str, Any]]:
    """The console's cookies in the browser (the provider's, on its own site, left out)."""
    return {c["name"]: dict(c) for c in await context.cookies()
            if c["domain"] == "127.0.0.1"}


async def provider_sign_in(page: Page, login: str) -> None:
    """From the console's sign-in page: the button, the provider's login form (any
    password), its consent form when it asks."""
    await page.goto("/console/sign-in")
    await page.get_by_role("link", name=BUTTON, exact=True).click()
    await page.wait_for_url(re.compile(r"http://localhost:\d+/interaction/"))
    await page.locator("input[name=login]").fill(login)
    await page.locator("input[name=password]").fill("any password at all")
    await page.get_by_role("button", name="Sign-in").click()
    await page.wait_for_load_state()
    if urlsplit(page.url).hostname == "localhost":  # the consent form
        await page.get_by_role("button", name="Continue").click()
    await page.wait_for_load_state()


async def test_staff_sign_in_through_the_provider(oidc_browsing: Browsing) -> None:
    context = await oidc_browsing.context()
    page = await context.new_page()
    await page.goto("/console/sign-in")
    await expect(page.get_by_role("link", name=BUTTON, exact=True)).to_be_visible()
    # the embedded stack keeps the token paste beside it
    await expect(page.get_by_label("توکن")).to_be_visible()
    await accessible(page)
    await page.set_viewport_size(PHONE)
    await accessible(page)
    await page.set_viewport_size(LAPTOP)

    await provider_sign_in(page, "oidc-interviewer")
    await page.wait_for_url("**/console/inbox")
    who = page.locator(".who")
    await expect(who).to_contain_text("oidc-interviewer")
    await expect(who).to_contain_text("مصاحبه‌گر")
    cookies = await ours(context)
    assert OIDC_COOKIE not in cookies  # the pending sign-in is answered once
    assert CODEC_COOKIE not in cookies  # an interviewer reads no payloads
    session = cookies[COOKIE]
    assert session["httpOnly"] is True and session["sameSite"] == "Strict"
    assert session["path"] == "/console"
    # a daftar token for the provider's account, for token_ttl_hours
    claims = jwt.decode(session["value"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == "oidc-interviewer" and claims["roles"] == ["interviewer"]
    assert claims["exp"] - claims["iat"] == int(timedelta(hours=8).total_seconds())

    await page.get_by_role("button", name="خروج", exact=True).click()
    await page.wait_for_url("**/console/sign-in?m=signed_out")
    assert await ours(context) == {}
    await page.goto("/console/inbox")
    assert "/console/sign-in" in page.url
    await context.close()


async def test_an_account_without_a_staff_role_is_refused(oidc_browsing: Browsing) -> None:
    context = await oidc_browsing.context()
    page = await context.new_page()
    await provider_sign_in(page, "oidc-applicant")
    assert "/console/sign-in/callback" in page.url
    error = page.locator("#signin-error")
    await expect(error).to_have_attribute("data-code", "no_staff_role")
    await expect(error).to_contain_text("نقش کارکنان")
    assert COOKIE not in await ours(context)
    await accessible(page)
    await context.close()


async def test_a_tampered_or_stray_answer_is_refused(oidc_browsing: Browsing,
                                                     oidc_http: httpx.AsyncClient,
                                                     oidc_stack: Stack) -> None:
    # Someone else's sign-in: its answer (code and state) taken from their browser...
    async with httpx.AsyncClient(base_url=oidc_stack.base_url, timeout=60) as theirs:
        r = await theirs.get("/console/sign-in/oidc")
        answer = await log_in(theirs, r.headers["location"], "oidc-interviewer",
                              f"{oidc_stack.base_url}/console/sign-in/callback")
        # ... with its state altered, in their own browser: refused
        altered = {**answer, "state": answer["state"][:-2] + "xx"}
        r = await theirs.get("/console/sign-in/callback", params=altered)
        assert r.status_code == 400 and 'data-code="oidc_state"' in r.text
        assert COOKIE not in r.cookies
    # ... and unaltered, brought to this browser, which has a sign-in of its own pending
    context = await oidc_browsing.context()
    page = await context.new_page()
    await page.goto("/console/sign-in")
    await page.get_by_role("link", name=BUTTON, exact=True).click()
    await page.wait_for_url(re.compile(r"http://localhost:\d+/interaction/"))
    assert OIDC_COOKIE in await ours(context)
    await page.goto(f"/console/sign-in/callback?{urlencode(answer)}")
    error = page.locator("#signin-error")
    await expect(error).to_have_attribute("data-code", "oidc_state")
    await expect(error).to_contain_text("دوباره از ابتدا وارد شوید")
    assert COOKIE not in await ours(context)

    # the user gives up at the provider: its refusal, told in Persian
    await page.goto("/console/sign-in")
    await page.get_by_role("link", name=BUTTON, exact=True).click()
    await page.wait_for_url(re.compile(r"http://localhost:\d+/interaction/"))
    uid = urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1]
    issuer = f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
    await page.goto(f"{issuer}/interaction/{uid}/abort")
    await page.wait_for_url(re.compile(r"/console/sign-in/callback\?"))
    await expect(page.locator("#signin-error")).to_have_attribute("data-code", "oidc_denied")
    assert COOKIE not in await ours(context)
    await context.close()

    # a callback with no sign-in pending, or with a pending cookie not sealed by daftar
    r = await oidc_http.get("/console/sign-in/callback", params={"code": "c", "state": "s"})
    assert r.status_code == 400 and 'data-code="oidc_state"' in r.text
    assert 'lang="fa"' in r.text
    r = await oidc_http.get("/console/sign-in/callback", params={"code": "c", "state": "s"},
                            headers={"Cookie": f"{OIDC_COOKIE}=eyJ9.{'0' * 64}"})
    assert r.status_code == 400 and 'data-code="oidc_state"' in r.text


async def test_the_pending_sign_in_cookie(oidc_http: httpx.AsyncClient,
                                          provider: OidcProvider) -> None:
    r = await oidc_http.get("/console/sign-in/oidc")
    assert r.status_code == 303
    target = urlsplit(r.headers["location"])
    assert f"{target.scheme}://{target.netloc}" == provider.issuer
    query = dict(p.split("=", 1) for p in target.query.split("&"))
    assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
    for name in ("state", "nonce", "code_challenge"):
        assert len(query[name]) >= 43
    cookie = r.headers["set-cookie"].lower()
    for attribute in (f"{OIDC_COOKIE}=", "httponly", "samesite=lax", "path=/console/sign-in",
                      "max-age=600"):
        assert attribute in cookie


async def test_readers_get_the_codec_cookie_and_the_downloads(
        oidc_browsing: Browsing, oidc_http: httpx.AsyncClient, oidc_stack: Stack) -> None:
    await open_cycle(oidc_http, YEAR, "Tehran", engine=oidc_stack.engine)
    applicant = await register_in(oidc_http, YEAR)
    context = await oidc_browsing.context()
    page = await context.new_page()
    await provider_sign_in(page, "oidc-auditor")
    await page.wait_for_url("**/console/audit")
    cookies = await ours(context)
    codec = cookies[CODEC_COOKIE]
    assert codec["value"] == cookies[COOKIE]["value"]  # the same token, the same lifetime
    assert codec["path"] == "/v1" and codec["httpOnly"] is True
    assert codec["sameSite"] == "Strict"
    assert jwt.decode(codec["value"], SECRET, algorithms=["HS256"])["roles"] == ["auditor"]
    # the Temporal Web UI's call to the codec, with that cookie alone
    [sealed] = await data_converter(TEST_KEYRING).encode([{"national_id": "0012345679"}])
    body = {"payloads": [{"metadata": {k: base64.b64encode(v).decode()
                                       for k, v in sealed.metadata.items()},
                          "data": base64.b64encode(sealed.data).decode()}]}
    r = await oidc_http.post("/v1/codec/decode", json=body,
                             headers={"Cookie": f"{CODEC_COOKIE}={codec['value']}"})
    assert r.status_code == 200, r.text
    [payload] = r.json()["payloads"]
    assert json.loads(base64.b64decode(payload["data"])) == {"national_id": "0012345679"}

    # the history and its export download, with the console's session alone
    await page.goto(f"/console/applications/{applicant.id}/timeline")
    await expect(page.locator("h1")).to_be_visible()
    async with page.expect_download() as download_info:
        await page.locator("#export").click()
    download = await download_info.value
    exported = json.loads(await asyncio.to_thread(Path(await download.path()).read_text))
    assert exported["history"]["events"]

    await page.get_by_role("button", name="خروج", exact=True).click()
    await page.wait_for_url("**/console/sign-in?m=signed_out")
    assert await ours(context) == {}  # the codec's cookie went with the session
    await context.close()


async def test_a_pasted_readers_token_sets_the_codec_cookie_too(
        http: httpx.AsyncClient) -> None:
    def set_cookies(r: httpx.Response) -> dict[str, str]:
        return {h.split("=", 1)[0]: h for h in r.headers.get_list("set-cookie")}

    for role, reads in ((Role.auditor, True), (Role.security_officer, True),
                        (Role.interviewer, False)):
        tok = token(role, sub=f"paste-{role.value}")
        r = await http.post("/console/sign-in", data={"token": tok})
        assert r.status_code == 303, r.text
        cookies = set_cookies(r)
        assert COOKIE in cookies
        assert (CODEC_COOKIE in cookies) is reads, role
        if reads:
            codec = cookies[CODEC_COOKIE].lower()
            assert f"{CODEC_COOKIE}={tok}".lower() in codec
            for attribute in ("httponly", "samesite=strict", "path=/v1"):
                assert attribute in codec
            max_age = int(codec.split("max-age=")[1].split(";")[0])
            assert 3500 < max_age <= 3600  # the token's remaining hour
    # signing out clears the codec's cookie as well
    tok = token(Role.auditor, sub="paste-auditor")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"',
                     (await http.get("/console/audit",
                                     headers={"Cookie": f"{COOKIE}={tok}"})).text)
    assert csrf
    r = await http.post("/console/sign-out", data={"csrf": csrf.group(1)},
                        headers={"Cookie": f"{COOKIE}={tok}"})
    assert r.status_code == 303
    cleared = set_cookies(r)
    for name, path in ((COOKIE, "/console"), (CODEC_COOKIE, "/v1")):
        assert "max-age=0" in cleared[name].lower() and f"path={path}" in cleared[name].lower()


@pytest.fixture(scope="module")
async def production_stacks(dev_server: WorkflowEnvironment, console_engine: Engine,
                            ) -> AsyncIterator[tuple[str, str]]:
    """Two production APIs: one whose provider does not answer, one without a provider."""
    async with (running_stack(dev_server, console_engine, queue_prefix="daftar-console-prod",
                              id_key=ID_KEY, worker=False, environment="production",
                              oidc_issuer=f"https://127.0.0.1:{free_port()}",
                              oidc_client_id=CLIENT_ID) as with_provider,
                running_stack(dev_server, console_engine, queue_prefix="daftar-console-prod",
                              id_key=ID_KEY, worker=False,
                              environment="production") as without):
        yield with_provider.base_url, without.base_url


async def test_production_takes_no_pasted_token(production_stacks: tuple[str, str]) -> None:
    with_provider, without = production_stacks
    admin = token(Role.admin, sub="center-admin")
    async with httpx.AsyncClient(base_url=with_provider, timeout=60) as http:
        r = await http.get("/console/sign-in")
        assert r.status_code == 200
        assert 'id="oidc-sign-in"' in r.text and 'name="token"' not in r.text
        r = await http.post("/console/sign-in", data={"token": admin})
        assert r.status_code == 403 and 'data-code="paste_disabled"' in r.text
        assert "حساب سازمانی" in r.text
        assert not r.headers.get_list("set-cookie")
        # the provider does not answer: told so in Persian, never a 500
        r = await http.get("/console/sign-in/oidc")
        assert r.status_code == 503 and 'data-code="oidc_unavailable"' in r.text
        assert "پاسخ نمی‌دهد" in r.text
        # the API still takes daftar's own tokens (scripts, the payment gateway)
        r = await http.get("/v1/cycles", headers=auth(Role.admin))
        assert r.status_code == 200
    async with httpx.AsyncClient(base_url=without, timeout=60) as http:
        r = await http.get("/console/sign-in")
        assert 'id="signin-off"' in r.text
        assert 'id="oidc-sign-in"' not in r.text and 'name="token"' not in r.text
        r = await http.post("/console/sign-in", data={"token": admin})
        assert r.status_code == 403 and 'data-code="paste_disabled"' in r.text
        r = await http.get("/console/sign-in/oidc")
        assert r.status_code == 404 and 'data-code="oidc_off"' in r.text
