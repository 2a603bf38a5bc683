"""Applicants of the portal's tests: registered through the JSON API, signed in on the portal
with the code the local SMS provider stored."""

from __future__ import annotations

import io
import itertools
from typing import Any

import httpx
from PIL import Image
from playwright.async_api import Page, expect
from sqlalchemy.engine import Engine

from tests.api.helpers import Applicant
from tests.api.helpers import register as applicant_of
from tests.portal.conftest import YEAR, new_code, sms_to

PDF = b"%PDF-1.4\n% a scanned document\n%%EOF\n"
_mobiles = itertools.count(1)


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(buf, "JPEG")
    return buf.getvalue()


def mobile() -> str:
    """A mobile number no other portal test uses, so its SMS are this test's alone."""
    return f"0912149{next(_mobiles):04d}"


async def register(http: httpx.AsyncClient, year: int = YEAR,
                   **overrides: Any) -> tuple[Applicant, str]:
    """An applicant of `year` with a mobile of their own: the applicant and the mobile."""
    number = overrides.pop("mobile", None) or mobile()
    return await applicant_of(http, year, mobile=number, **overrides), number


async def ask_for_code(page: Page, app: Applicant) -> None:
    """The sign-in form filled in and sent, as a person would."""
    await page.goto("/portal")
    await page.get_by_label("کد ملی").fill(app.national_id)
    await page.get_by_label("کد رهگیری").fill(app.tracking_code)
    await page.get_by_role("button", name="دریافت کد ورود").click()
    await expect(page.locator("h1")).to_have_text("کد ورود")


async def sign_in(page: Page, engine: Engine, app: Applicant, number: str) -> None:
    """Sign in on the portal by SMS code: the code read from the stack's `sms_local`."""
    seen = len([t for t in await sms_to(engine, number) if "کد ورود" in t])
    await ask_for_code(page, app)
    code = await new_code(engine, number, seen)
    await page.get_by_label("کد پیامک‌شده").fill(code)
    await page.get_by_role("button", name="ورود").click()
    await expect(page.locator("h1")).to_have_text("پروندهٔ من")


async def upload(page: Page, kind: str, name: str, data: bytes, filename: str,
                 mime: str) -> None:
    """Upload one document from its row on the home page."""
    row = page.locator(f"#doc-{kind}")
    await row.get_by_label(f"فایل {name}").set_input_files(
        files=[{"name": filename, "mimeType": mime, "buffer": data}])
    await row.get_by_role("button", name=f"بارگذاری {name}").click()
    await page.wait_for_load_state()
