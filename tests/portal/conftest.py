"""The portal's harness: the real stack of the API tests (Temporal dev server, worker, read
model, uvicorn) with the portal mounted, and Debian's Chromium driven by Playwright, as the
console's tests have it (`tests.console.conftest`: its browser wrapper and checks)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, async_playwright
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from daftar.domain.digits import normalize_digits
from daftar.store.models import LocalSmsRecord, NoticeRecord
from tests.api.helpers import Stack, eventually, open_cycle
from tests.conftest import read_model
from tests.console.conftest import CHROMIUM, Browsing
from tests.stacks import running_stack

#: The portal's cycles and identity key: its applications never meet the others'. WALK's only
#: applicant is the walk's (its exam results are loaded for it alone); the other tests
#: register in YEAR.
WALK = 1496
YEAR = 1497
ID_KEY = "portal-test-identity-key"
#: Where the screenshots go: a temporary directory, or with DAFTAR_SCREENSHOTS=docs/portal
#: (`DAFTAR_SCREENSHOTS=docs/portal ./test tests/portal`) the README's copies.
SHOTS = Path(os.environ.get("DAFTAR_SCREENSHOTS")
             or Path(tempfile.gettempdir()) / "daftar-portal-screenshots")
#: A small phone: no page may scroll sideways at this width.
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def portal_engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    with read_model(read_model_url("portal")) as engine:
        yield engine


@pytest.fixture(scope="session")
async def portal_stack(dev_server: WorkflowEnvironment,
                       portal_engine: Engine) -> AsyncIterator[Stack]:
    """Worker and API (with the portal, SMS to the local provider's `sms_local`)."""
    async with running_stack(dev_server, portal_engine, queue_prefix="daftar-portal",
                             id_key=ID_KEY) as running:
        yield running


@pytest.fixture(scope="session")
async def http(portal_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=portal_stack.base_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
async def portal_cycle(http: httpx.AsyncClient, portal_stack: Stack) -> int:
    """Cycle YEAR, its registration window holding today in Tehran, with a pass mark for
    single candidates' exam results (EXAM-2)."""
    await open_cycle(http, YEAR, "Tehran", "Isfahan", capacity=20, engine=portal_stack.engine)
    return YEAR


@pytest.fixture(scope="session")
async def browsing(portal_stack: Stack) -> AsyncIterator[Browsing]:
    """Debian's Chromium (never a downloaded browser), one for the session."""
    await asyncio.to_thread(SHOTS.mkdir, parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM)
        try:
            yield Browsing(browser=browser, base_url=portal_stack.base_url)
        finally:
            await browser.close()


async def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    await page.evaluate("document.fonts.ready.then(() => true)")
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _messages(engine: Engine, to: str) -> list[LocalSmsRecord]:
    with Session(engine) as session:
        return list(session.exec(select(LocalSmsRecord).where(LocalSmsRecord.to == to)
                                 .order_by(col(LocalSmsRecord.id))))


async def sms_to(engine: Engine, to: str) -> list[str]:
    """The texts the local provider stored for `to`, oldest first."""
    return [m.text for m in await asyncio.to_thread(_messages, engine, to)]


async def new_code(engine: Engine, to: str, seen: int) -> str:
    """The sign-in code of the first code SMS to `to` after the first `seen` messages."""

    async def arrived() -> str | None:
        texts = [t for t in await sms_to(engine, to) if "کد ورود" in t]
        if len(texts) <= seen:
            return None
        digits = [c for c in normalize_digits(texts[seen]) if c.isdigit()]
        return "".join(digits[:6])

    return await eventually(arrived, f"a sign-in code SMS to {to}")


def _notices(engine: Engine, app_id: str) -> list[NoticeRecord]:
    with Session(engine) as session:
        return list(session.exec(select(NoticeRecord)
                                 .where(NoticeRecord.application_id == app_id)
                                 .order_by(col(NoticeRecord.created_at))))


async def outbox(engine: Engine, app_id: str) -> list[tuple[str, str]]:
    """NOTE-1's outbox of one application: (event, status), oldest first."""
    return [(n.event, n.status) for n in await asyncio.to_thread(_notices, engine, app_id)]


async def sent(engine: Engine, app_id: str, event: str) -> None:
    """Wait until the outbox holds `event` for the application, sent."""

    async def there() -> bool:
        return (event, "sent") in await outbox(engine, app_id)

    await eventually(there, f"the {event} SMS of {app_id} sent", attempts=300)


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    await eventually(check, what, attempts=300)
