"""Refusals in Persian: each names its rule and field, says what to do, and marks the field.

A refused decision marks the score and the reason it names (aria-invalid, the Persian cause
beside each by aria-describedby); a form sent without an outcome marks the radios; an address
the console cannot take is a Persian page; the file field is a Persian control. Every test
keeps to cycle 1444 and its own staff names.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Page, expect

from daftar.domain.stages import Role
from tests.api.helpers import Applicant, Stack, advance, auth, eventually, open_cycle, token
from tests.api.helpers import register as applicant_of
from tests.console.conftest import Browsing, accessible, shot, sign_in, tab_to

YEAR = 1444
INTERVIEWER = "messages-desk"
AUDITOR = "messages-audit"
#: A rule id, the one Latin a refusal may show.
RULE_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b|\bREQUEST\b")
LATIN = re.compile(r"[A-Za-z]")


def persian_only(text: str) -> bool:
    """Whether `text` has no Latin letters but rule ids."""
    return not LATIN.search(RULE_ID.sub("", text))


@pytest.fixture(scope="module")
async def waiting(http: httpx.AsyncClient, console_stack: Stack) -> list[Applicant]:
    """Two applicants of this module's cycle waiting for the interview."""
    await open_cycle(http, YEAR, "Tehran", "Isfahan", capacity=20, engine=console_stack.engine)
    apps = []
    for _ in range(2):
        app = await applicant_of(http, YEAR)
        await advance(http, app, "awaiting_interview")
        apps.append(app)

    async def listed() -> bool:
        r = await http.get("/v1/applications", params={"cycle": YEAR, "size": 50,
                                                       "stage": "awaiting_interview"},
                           headers=auth(Role.admin))
        assert r.status_code == 200, r.text
        return {a.id for a in apps} <= {i["application_id"] for i in r.json()["items"]}

    await eventually(listed, "the module's applicants in the read model")
    return apps


@pytest.fixture
async def desk(browsing: Browsing) -> AsyncIterator[Page]:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub=INTERVIEWER))
    yield page
    await context.close()


async def described_by(page: Page, selector: str) -> str:
    """The text of what `selector`'s aria-describedby points at."""
    text: str = await page.eval_on_selector(selector, """el => (el.getAttribute(
        'aria-describedby') || '').split(/\\s+/).filter(Boolean)
        .map(id => document.getElementById(id)).filter(Boolean)
        .map(e => e.textContent).join(' ')""")
    return text


async def test_a_refused_decision_marks_the_score_and_the_reason_in_persian(
        desk: Page, waiting: list[Applicant]) -> None:
    page = desk
    await page.goto(f"/console/applications/{waiting[0].id}")
    form = page.locator("#decide-interview")
    await form.get_by_label("رد", exact=True).check()
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۱۵۰")
    await form.get_by_role("button", name="ثبت تصمیم").click()
    box = form.locator("#decision-error")
    await expect(box).to_be_visible()

    # Each violation: the rule, the field's Persian label and the Persian cause.
    score = box.locator("li[data-field='score']")
    await expect(score).to_contain_text("INT-1")
    await expect(score.locator(".field-name")).to_have_text("نمره")
    await expect(score).to_contain_text("۱۵۰")
    reason = box.locator("li[data-field='reason']")
    await expect(reason.locator(".field-name")).to_have_text("دلیل")
    await expect(reason).to_contain_text("دلیل را بنویسید")
    text = await box.inner_text()
    assert persian_only(text), text
    assert await box.locator("[lang='en']").count() == 0

    # The fields it names are marked, each with its cause beside it.
    for selector, words in (("#score", "۱۵۰"), ("#reason", "دلیل را بنویسید")):
        field = page.locator(selector)
        await expect(field).to_have_attribute("aria-invalid", "true")
        beside = await described_by(page, selector)
        assert words in beside and persian_only(beside), beside
        colour = await field.evaluate("e => getComputedStyle(e).borderTopColor")
        assert colour == "rgb(155, 28, 28)", colour  # the refusal's red
    # The outcome it did not name is not.
    await expect(form.locator("input[name='outcome']").first).not_to_have_attribute(
        "aria-invalid", "true")
    await accessible(page)
    await shot(page, "decision-refused-fields")
    await page.set_viewport_size({"width": 390, "height": 844})
    await accessible(page)


async def test_a_decision_without_an_outcome_marks_the_choice(
        desk: Page, waiting: list[Applicant]) -> None:
    page = desk
    await page.goto(f"/console/applications/{waiting[1].id}")
    form = page.locator("#decide-interview")
    await form.get_by_label("نمرهٔ مصاحبه (۰ تا ۱۰۰)").fill("۷۰")
    await form.get_by_role("button", name="ثبت تصمیم").click()
    box = form.locator("#decision-error")
    outcome = box.locator("li[data-field='outcome']")
    await expect(outcome).to_contain_text("«قبول» یا «رد»")  # pydantic's enum, in Persian
    await expect(outcome.locator(".field-name")).to_have_text("نتیجه")
    assert persian_only(await box.inner_text())
    for radio in await form.locator("input[name='outcome']").all():
        await expect(radio).to_have_attribute("aria-invalid", "true")
    beside = await described_by(page, "#decide-interview input[name='outcome']")
    assert "«قبول» یا «رد»" in beside
    # Placed once, under the choice's legend.
    await expect(form.locator("fieldset.radios .field-error")).to_have_count(1)
    await expect(page.locator("#score")).not_to_have_attribute("aria-invalid", "true")
    await accessible(page)


async def test_an_address_the_console_cannot_take_is_a_persian_page(
        http: httpx.AsyncClient, desk: Page) -> None:
    # A path parameter that is not a number: the console's 422, naming the field in Persian.
    page = desk
    answer = await page.goto("/console/cycles/not-a-year")
    assert answer is not None and answer.status == 422
    await expect(page.locator("h1")).to_have_text("درخواست کامل یا درست نیست")
    box = page.locator("#refusal")
    await expect(box.locator("li[data-field='year'] .field-name")).to_have_text("سال دوره")
    await expect(box).to_contain_text("باید عدد درست باشد")
    main = await page.locator("main").inner_text()
    assert persian_only(main), main
    await accessible(page)

    # A method the address does not take: a Persian page too, its Allow header kept.
    r = await http.post("/console/cycles")
    assert r.status_code == 405
    assert r.headers["content-type"].startswith("text/html")
    assert "این نشانی چنین درخواستی را نمی‌پذیرد" in r.text
    assert "Method Not Allowed" not in r.text
    assert "GET" in r.headers["allow"]
    # The JSON API keeps its own English error body.
    api = await http.delete("/v1/cycles")
    assert api.status_code == 405
    assert api.json()["error"]["message"] == "Method Not Allowed"


async def test_the_file_field_is_a_persian_control(browsing: Browsing,
                                                   waiting: list[Applicant]) -> None:
    context = await browsing.context()
    try:
        page = await context.new_page()
        await sign_in(page, token(Role.auditor, sub=AUDITOR))
        await page.goto(f"/console/applications/{waiting[0].id}/timeline")
        field = page.locator("#export-file")
        button = page.locator("label.file-button[for='export-file']")
        chosen = page.locator("#export-file-name")
        await expect(button).to_be_visible()
        await expect(button).to_have_text("انتخاب فایل")
        await expect(chosen).to_have_text("فایلی انتخاب نشده است.")
        box = await field.bounding_box()
        assert box is not None and box["width"] <= 1 and box["height"] <= 1  # visually hidden
        await accessible(page)
        # Keyboard users reach the native input; its Persian button shows the focus.
        await tab_to(page, "#export-file")
        ring = await button.evaluate("e => getComputedStyle(e).outlineStyle")
        assert ring == "solid"
        await field.set_input_files(files=[{
            "name": "history.json", "mimeType": "application/json",
            "buffer": json.dumps({"events": []}).encode()}])
        await expect(chosen).to_have_text("history.json")
        await page.set_viewport_size({"width": 390, "height": 844})
        await accessible(page)
    finally:
        await context.close()
