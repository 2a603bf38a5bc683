"""The admin dashboard: the active cycle by default, links from its stage × province cells to the
applications they count, and charts read without colour (numbers on bars, axes, patterns)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.async_api import Page, expect

from daftar.console.render import fa
from daftar.console.routes.dashboard import PALETTE
from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import (
    PASS,
    Applicant,
    Stack,
    advance,
    auth,
    cycle_body,
    decide,
    eventually,
    load_pass_mark,
    token,
)
from tests.api.helpers import register as applicant_of
from tests.console.conftest import Browsing, accessible, shot, sign_in
from tests.console.cycles_now import day, expected_active
from tests.console.helpers import ADMIN

#: This module's cycles: ACTIVE's registration is open today, FUTURE's opens in a month.
ACTIVE, FUTURE = 1488, 1489
LATIN = re.compile(r"[A-Za-z0-9]")
SUBJECTS = ("civil_law", "civil_procedure", "criminal_procedure", "criminal_law",
            "commercial_law", "public_law_1", "public_law_2", "literature")


async def _at(http: httpx.AsyncClient, stage: str, apps: list[Applicant]) -> None:
    wanted = {a.id for a in apps}

    async def listed() -> bool:
        r = await http.get("/v1/applications", params={"cycle": ACTIVE, "stage": stage,
                                                       "size": 500}, headers=auth(Role.admin))
        assert r.status_code == 200, r.text
        return wanted <= {i["application_id"] for i in r.json()["items"]}

    await eventually(listed, f"{len(apps)} applications at {stage}")


@pytest.fixture(scope="module")
async def cycles(http: httpx.AsyncClient, console_stack: Stack) -> dict[str, list[Applicant]]:
    """ACTIVE with candidates in three provinces at the exam (results loaded), one rejected at
    the interview; FUTURE, newer, not yet open."""
    r = await http.post("/v1/cycles", json=cycle_body(ACTIVE, cities=[
        {"province": province, "city": city, "capacity": 5, "priority": i}
        for i, (province, city) in enumerate(
            [("Tehran", "Tehran"), ("Isfahan", "Isfahan"), ("East Azerbaijan", "Tabriz")],
            start=1)]), headers=auth(Role.admin))
    assert r.status_code == 201, r.text
    load_pass_mark(console_stack.engine, ACTIVE)
    r = await http.post("/v1/cycles", json=cycle_body(
        FUTURE, "Tehran", registration_start=day(30), registration_end=day(60)),
        headers=auth(Role.admin))
    assert r.status_code == 201, r.text
    # One rejected at the interview: a finished stage beside the pending ones.
    failed = await applicant_of(http, ACTIVE, province="Tehran", city="Tehran")
    await advance(http, failed, "awaiting_exam")
    r = await http.post(f"/v1/applications/{failed.id}/exam-result", json=PASS,
                        headers=auth(Role.exam_officer, sub="sanjesh"))
    assert r.status_code == 200, r.text
    r = await decide(http, failed, Role.interviewer, {"stage": "interview", "outcome": "fail",
                                                      "score": 20, "reason": "unprepared"},
                     sub="dash-panel")
    assert r.status_code == 200, r.text
    await _at(http, "rejected", [failed])

    places = [("Tehran", "Tehran")] * 4 + [("Isfahan", "Isfahan")] * 2 + [
        ("East Azerbaijan", "Tabriz")]
    codes = {"Tehran": "23", "Isfahan": "10", "East Azerbaijan": "03"}
    apps: dict[str, list[Applicant]] = {"23": [], "10": [], "03": [], "rejected": [failed]}
    for province, city in places:
        app = await applicant_of(http, ACTIVE, province=province, city=city)
        await advance(http, app, "awaiting_exam")
        apps[codes[province]].append(app)
    everyone = [a for code in codes.values() for a in apps[code]]
    await _at(http, "awaiting_exam", everyone)
    rows = [{"tracking_code": a.tracking_code,
             "subjects": {s: {"correct": 10 + (i * 7) % 23 + j, "wrong": (i + j) % 4}
                          for j, s in enumerate(SUBJECTS)}}
            for i, a in enumerate(everyone)]
    r = await http.post(f"/v1/cycles/{ACTIVE}/exam-results", json={"rows": rows},
                        headers=auth(Role.exam_officer, sub="sanjesh"))
    assert r.status_code == 200, r.text
    return apps


async def _admin(browsing: Browsing, *, phone: bool = False) -> Page:
    context = await browsing.context(phone=phone)
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub=ADMIN))
    return page


async def test_the_dashboard_opens_on_the_active_cycle(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[str, list[Applicant]]) -> None:
    active = await expected_active(http)
    assert active != FUTURE  # newer, but its registration has not opened
    page = await _admin(browsing)
    await page.goto("/console/dashboard")
    await expect(page.locator("h1")).to_have_text(f"داشبورد دوره {to_persian_digits(str(active))}")
    chooser = page.get_by_label("دوره", exact=True)
    await expect(chooser).to_have_value(str(active))
    # Every other cycle is still offered, the newer one too.
    await expect(chooser.locator(f"option[value='{FUTURE}']")).to_have_count(1)
    await chooser.select_option(str(FUTURE))
    await page.get_by_role("button", name="نمایش").click()
    await expect(page.locator("h1")).to_have_text(f"داشبورد دوره {to_persian_digits(str(FUTURE))}")
    await page.context.close()


async def test_a_stage_province_cell_opens_exactly_its_applications(
        browsing: Browsing, cycles: dict[str, list[Applicant]]) -> None:
    page = await _admin(browsing)
    await page.goto(f"/console/dashboard?cycle={ACTIVE}")
    cell = page.locator("#stage-matrix tr[data-stage='awaiting_exam'] td[data-province='23'] a")
    await expect(cell).to_have_text(fa(len(cycles["23"])))
    # Places by their Persian names: the matrix's head and the legend.
    head = await page.locator("#stage-matrix thead").inner_text()
    assert "تهران" in head and "آذربایجان شرقی" in head and not LATIN.search(head)
    assert not LATIN.search(await page.locator("#stage-legend").inner_text())
    await cell.click()
    await page.wait_for_url("**/console/applications?**")
    asked = parse_qs(urlparse(page.url).query)
    assert asked == {"cycle": [str(ACTIVE)], "stage": ["awaiting_exam"], "province": ["23"]}
    rows = page.locator("#applications tbody tr")
    ids = await rows.evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert sorted(ids) == sorted(a.id for a in cycles["23"])
    await expect(page.locator("#total")).to_contain_text(fa(len(cycles["23"])))
    for place in await page.locator("#applications td.place").all_inner_texts():
        assert place.strip() == "تهران / تهران"
    # Each row opens its application.
    first = rows.first.get_by_role("link").first
    target = await first.get_attribute("href")
    assert target is not None and target.endswith(f"/console/applications/{ids[0]}")
    await accessible(page)
    await shot(page, "applications-list")

    # The filter's selects narrow and widen the same list: Tabriz's one applicant.
    await page.get_by_label("استان").select_option(label="آذربایجان شرقی")
    await page.get_by_role("button", name="نمایش").click()
    await expect(rows).to_have_count(1)
    await expect(rows.locator("td.place")).to_have_text("آذربایجان شرقی / تبریز")
    await page.context.close()


async def test_bars_carry_their_numbers_and_no_chart_leans_on_colour(
        browsing: Browsing, http: httpx.AsyncClient, cycles: dict[str, list[Applicant]]) -> None:
    r = await http.get(f"/v1/cycles/{ACTIVE}/stats", headers=auth(Role.admin))
    stats = r.json()
    page = await _admin(browsing)
    await page.goto(f"/console/dashboard?cycle={ACTIVE}")
    chart = page.locator("#stage-chart")
    # Pending and finished stages on their own scales: «رد شده» does not dwarf the rest.
    await expect(chart.locator("tbody[data-group='pending'] tr[data-stage='awaiting_exam']")
                 ).to_have_count(1)
    await expect(chart.locator("tbody[data-group='finished'] tr[data-stage='rejected']")
                 ).to_have_count(1)
    for stage, by in stats["counts"].items():
        row = chart.locator(f"tr[data-stage='{stage}']")
        await expect(row.locator("text.bar-value")).to_have_text(fa(sum(by.values())))
        width = await row.locator("svg.hbar").evaluate(
            "svg => Array.from(svg.querySelectorAll('rect.seg'))"
            ".reduce((w, r) => w + r.getBoundingClientRect().width, 0)")
        assert width >= 10, f"{stage}'s bar is a sliver ({width}px)"
    fills = await chart.locator("rect.seg").evaluate_all(
        "rects => rects.map(r => r.getAttribute('fill'))")
    assert fills and set(fills) <= set(PALETTE)
    swatches = await page.locator("#stage-legend rect").evaluate_all(
        "rects => rects.map(r => r.getAttribute('fill'))")
    assert len(set(swatches)) == len(swatches) == 3  # three provinces, three colours

    histogram = page.locator("#histogram")
    await expect(histogram.locator("rect.bin")).to_have_count(20)
    counts = await histogram.locator("rect.bin title").evaluate_all(
        "titles => titles.map(t => t.textContent)")
    labels = await histogram.locator("text.bin-value").evaluate_all(
        "texts => texts.map(t => t.textContent)")
    assert [c.split(": ")[1].removesuffix(" نفر") for c in counts] == labels
    assert sum(int(to_latin(n)) for n in labels) == stats["exam"]["candidates"]
    await expect(histogram.locator("#x-title")).to_contain_text("نمرهٔ کل تراز")
    await expect(histogram.locator("#y-title")).to_have_text("تعداد داوطلبان")
    y_ticks = await histogram.locator("text.y-tick").evaluate_all(
        "texts => texts.map(t => t.textContent)")
    x_ticks = await histogram.locator("text.x-tick").evaluate_all(
        "texts => texts.map(t => t.textContent)")
    assert len(y_ticks) >= 2 and y_ticks[0] == "۰" and len(x_ticks) >= 3
    assert all(not LATIN.search(t) for t in y_ticks + x_ticks)
    mark = round(float(stats["exam"]["pass_mark"]))
    await expect(histogram.locator(".mark-label")).to_have_text(f"حد نصاب {fa(mark)}")
    dash = await page.locator("#pass-mark-line").evaluate(
        "l => getComputedStyle(l).strokeDasharray")
    assert dash not in ("none", "")  # told apart by its dashes and its label, not its colour
    bin_fill = await histogram.locator("rect.bin").first.evaluate(
        "r => getComputedStyle(r).fill")
    assert bin_fill == "rgb(0, 114, 178)"  # Okabe–Ito blue
    await accessible(page)
    await shot(page, "dashboard")
    await page.context.close()

    phone = await _admin(browsing, phone=True)
    await phone.goto(f"/console/dashboard?cycle={ACTIVE}")
    await expect(phone.locator("#histogram")).to_be_visible()
    await accessible(phone)
    await shot(phone, "dashboard-phone")
    await phone.goto(f"/console/applications?cycle={ACTIVE}&stage=awaiting_exam")
    await expect(phone.locator("#applications tbody tr")).to_have_count(7)
    await accessible(phone)
    await phone.context.close()


def to_latin(text: str) -> str:
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٬", "0123456789,")).replace(",", "")
