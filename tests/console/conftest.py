"""The console's harness: the real stack of the API tests (Temporal dev server, worker, read
model, uvicorn) with the console mounted, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from tests.api.helpers import Stack, open_cycle
from tests.conftest import read_model
from tests.stacks import running_stack

#: The console's own cycle and identity key: its applications never meet the API tests'.
YEAR = 1413  # no other test module uses this cycle (its ExamCycleWorkflow id is shared)
ID_KEY = "console-test-identity-key"
CHROMIUM = "/usr/bin/chromium"
#: Where the screenshots go: a temporary directory, or with DAFTAR_SCREENSHOTS=docs/console
#: (`DAFTAR_SCREENSHOTS=docs/console ./test tests/console`) the README's copies.
SHOTS = Path(os.environ.get("DAFTAR_SCREENSHOTS")
             or Path(tempfile.gettempdir()) / "daftar-console-screenshots")
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def console_engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    with read_model(read_model_url("console")) as engine:
        yield engine


@pytest.fixture(scope="session")
async def console_stack(dev_server: WorkflowEnvironment,
                        console_engine: Engine) -> AsyncIterator[Stack]:
    """Worker and API (with the console) for the console's tests."""
    async with running_stack(dev_server, console_engine, queue_prefix="daftar-console",
                             id_key=ID_KEY) as running:
        yield running


@pytest.fixture(scope="session")
async def http(console_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=console_stack.base_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
async def console_cycle(http: httpx.AsyncClient, console_stack: Stack) -> int:
    """Cycle YEAR, its registration window holding today in Tehran, with a pass mark for
    single candidates' exam results (EXAM-2)."""
    await open_cycle(http, YEAR, "Tehran", "Isfahan", capacity=20, engine=console_stack.engine)
    return YEAR


@dataclass
class Browsing:
    browser: Browser
    base_url: str

    async def context(self, *, phone: bool = False) -> BrowserContext:
        return await self.browser.new_context(
            base_url=self.base_url, viewport=PHONE if phone else LAPTOP, locale="fa-IR",
            timezone_id="Asia/Tehran", accept_downloads=True)


@pytest.fixture(scope="session")
async def browsing(console_stack: Stack) -> AsyncIterator[Browsing]:
    """Debian's Chromium (never a downloaded browser), one for the session."""
    await asyncio.to_thread(SHOTS.mkdir, parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM)
        try:
            yield Browsing(browser=browser, base_url=console_stack.base_url)
        finally:
            await browser.close()


async def sign_in(page: Page, token: str) -> None:
    """Sign in through the form, as a person would."""
    await page.goto("/console/sign-in")
    await page.get_by_label("توکن").fill(token)
    await page.get_by_role("button", name="ورود").click()
    await page.wait_for_load_state()


async def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    await page.evaluate("document.fonts.ready.then(() => true)")
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


#: WCAG 2.1 A and AA rules of axe-core: labels, names, contrast, landmarks, language.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                    "wcag21aa"]},
               "resultTypes": ["violations"]}
#: Every visible form control must have a label (a `<label>`, aria-label or aria-labelledby).
_UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML)"""


async def accessible(page: Page) -> None:
    """axe-core finds no WCAG A/AA violation, and every form control is labelled."""
    results = await Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, results.generate_report()
    assert await page.evaluate(_UNLABELLED) == []
    assert await page.evaluate("document.documentElement.lang") == "fa"
    assert await page.evaluate("document.documentElement.dir") == "rtl"


async def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Tab from the top of the page until `selector` has the focus, and see it shown."""
    await page.locator("body").focus()
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement.matches(s)", selector):
            outline = await page.evaluate(
                "() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), f"no visible focus on {selector}"
            return
    raise AssertionError(f"Tab never reached {selector}")
