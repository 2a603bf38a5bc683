"""The admin dashboard and the auditor's timeline, export, verification and replay."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.async_api import expect

from daftar.console.render import fa
from daftar.domain.jalali import to_persian_digits
from daftar.domain.stages import Role
from tests.api.helpers import Applicant, Stack, auth, quiet_export, token
from tests.console.conftest import YEAR, Browsing, accessible, shot, sign_in
from tests.console.helpers import ADMIN, AUDITOR, at_stage, register, to_exam, to_interview

SUBJECTS = ("civil_law", "civil_procedure", "criminal_procedure", "criminal_law",
            "commercial_law", "public_law_1", "public_law_2", "literature")


@pytest.fixture(scope="module")
async def exam_loaded(http: httpx.AsyncClient, console_cycle: int) -> list[Applicant]:
    """Twelve candidates at the exam in two provinces, their answer counts loaded (not yet
    published)."""
    apps = []
    for i in range(12):
        city = ("Tehran", "Isfahan")[i % 3 == 0]
        app = await register(http, province=city, city=city)
        await to_exam(http, app)
        apps.append(app)
    await at_stage(http, "awaiting_exam", apps)  # the load reads the read model
    rows = [{"tracking_code": a.tracking_code,
             "subjects": {s: {"correct": 12 + (i * i) % 17 + j // 2, "wrong": (i + j) % 5}
                          for j, s in enumerate(SUBJECTS)}}
            for i, a in enumerate(apps)]
    r = await http.post(f"/v1/cycles/{YEAR}/exam-results", json={"rows": rows},
                        headers=auth(Role.exam_officer, sub="sanjesh"))
    assert r.status_code == 200, r.text
    return apps


@pytest.fixture(scope="module")
async def interviewed(http: httpx.AsyncClient, console_cycle: int) -> Applicant:
    """An applicant whose interview was decided: a timeline with a decision on it."""
    app = await register(http)
    await to_interview(http, app)
    r = await http.post(f"/v1/applications/{app.id}/decisions", headers=auth(
        Role.interviewer, sub="panel-gamma"), json={"stage": "interview", "outcome": "pass",
                                                    "score": 91, "reason": "well prepared"})
    assert r.status_code == 200, r.text
    await at_stage(http, "awaiting_qualification", [app])
    return app


async def test_dashboard(browsing: Browsing, http: httpx.AsyncClient,
                         exam_loaded: list[Applicant], interviewed: Applicant) -> None:
    r = await http.get(f"/v1/cycles/{YEAR}/stats", headers=auth(Role.admin))
    stats = r.json()
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.admin, sub=ADMIN))
    await page.goto(f"/console/dashboard?cycle={YEAR}")
    await expect(page.locator("h1")).to_contain_text(to_persian_digits(str(YEAR)))

    chart = page.locator("#stage-chart")
    await expect(chart).to_contain_text("در انتظار نتیجهٔ آزمون")
    exam_row = chart.locator("tr", has_text="در انتظار نتیجهٔ آزمون")
    assert await exam_row.locator("rect").count() >= 1
    waiting = sum(stats["counts"]["awaiting_exam"].values())
    await expect(exam_row.locator("td").last).to_have_text(fa(waiting))

    histogram = page.locator("#histogram")
    await expect(histogram.locator("rect.bin")).to_have_count(20)
    heights = await histogram.locator("rect.bin").evaluate_all(
        "bins => bins.map(b => Number(b.getAttribute('height')))")
    assert sum(1 for h in heights if h > 0) >= 2
    await expect(page.locator("#pass-mark-line")).to_have_count(1)
    mark = round(float(stats["exam"]["pass_mark"]))
    await expect(histogram).to_contain_text(fa(mark))
    await expect(page.locator("#overdue-count")).to_have_text("۰")
    await page.get_by_role("link", name="فهرست کارهای معوق").click()
    await expect(page.locator("h1")).to_contain_text("کارهای معوق")
    await page.go_back()
    await accessible(page)
    await shot(page, "dashboard")
    await context.close()


async def test_timeline_export_verify_and_replay(browsing: Browsing, http: httpx.AsyncClient,
                                                 interviewed: Applicant, console_stack: Stack,
                                                 tmp_path_factory: pytest.TempPathFactory,
                                                 ) -> None:
    # The history at rest: the SMS of its last decision (NOTE-1) sent, so the page's export
    # and the API's below are of one history.
    await quiet_export(http, interviewed)
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.auditor, sub=AUDITOR))
    assert page.url.endswith("/console/audit")
    await page.get_by_label("کد رهگیری یا شناسهٔ پرونده").fill(
        to_persian_digits(interviewed.tracking_code))
    await page.get_by_role("button", name="نمایش سابقه").click()
    await page.wait_for_url(f"**/console/applications/{interviewed.id}/timeline")

    events = page.locator("#timeline li")
    kinds = await events.evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds[:1] == ["registered"]
    assert {"photo", "paid", "exam_result", "decision"} <= set(kinds)
    decision = page.locator("#timeline li[data-kind='decision']")
    await expect(decision).to_contain_text("مصاحبهٔ علمی")
    await expect(decision).to_contain_text("panel-gamma")
    await expect(decision).to_contain_text("۹۱")
    temporal = page.get_by_role("link", name="گردش‌کار در Temporal (پنجرهٔ تازه)")
    assert await temporal.get_attribute("href") == (
        f"http://127.0.0.1:8233/namespaces/default/workflows/application-{interviewed.id}")

    # Export: the same JSON, and digest, as the API's export.
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="دریافت خروجی سابقه (JSON)").click()
    download = await download_info.value
    path = tmp_path_factory.mktemp("export") / "export.json"
    await download.save_as(path)
    exported = json.loads(path.read_text())
    r = await http.get(f"/v1/applications/{interviewed.id}/history/export",
                       headers=auth(Role.auditor))
    assert exported["sha256"] == r.json()["sha256"]
    assert exported["workflow_id"] == f"application-{interviewed.id}"

    # Verify the file as downloaded, then a copy with one event changed.
    await page.get_by_label("فایل خروجی برای بررسی اصالت").set_input_files(path)
    await page.get_by_role("button", name="بررسی چکیده (SHA-256)").click()
    await expect(page.locator("#verification")).to_have_attribute("data-ok", "true")
    await expect(page.locator("#verification")).to_contain_text("Temporal هم یکی است")
    exported["history"]["events"][0]["eventTime"] = "2020-01-01T00:00:00Z"
    tampered = path.with_name("tampered.json")
    tampered.write_text(json.dumps(exported))
    await page.get_by_label("فایل خروجی برای بررسی اصالت").set_input_files(tampered)
    await page.get_by_role("button", name="بررسی چکیده (SHA-256)").click()
    await expect(page.locator("#verification")).to_have_attribute("data-ok", "false")
    await expect(page.locator("#verification")).to_contain_text("تغییر کرده")

    # The photo the history names, checked in the object store: intact, then altered there.
    photo = await _photo_sha(http, interviewed)
    await page.get_by_label("فایل خروجی برای بررسی اصالت").set_input_files(path)
    await page.get_by_role("button", name="بررسی چکیده (SHA-256)").click()
    stored = page.locator(f"#stored-files li[data-sha256='{photo}']")
    await expect(stored).to_have_attribute("data-state", "intact")
    await expect(stored).to_contain_text("عکس: سالم")
    await expect(page.locator("#verification .hash")).to_have_count(2)  # recorded, computed
    kept = console_stack.objects.get(photo)
    file = console_stack.objects.path(photo)  # type: ignore[attr-defined]
    file.chmod(0o644)
    file.write_bytes(kept + b"\0")
    try:
        await page.get_by_label("فایل خروجی برای بررسی اصالت").set_input_files(path)
        await page.get_by_role("button", name="بررسی چکیده (SHA-256)").click()
        await expect(stored).to_have_attribute("data-state", "altered")
        await expect(stored).to_contain_text("تغییر کرده است")
    finally:
        file.write_bytes(kept)

    # Another application's export, intact, is not this one's.
    other = await register(http)
    foreign = await quiet_export(http, other)
    elsewhere = path.with_name("other.json")
    elsewhere.write_text(json.dumps(foreign))
    await page.get_by_label("فایل خروجی برای بررسی اصالت").set_input_files(elsewhere)
    await page.get_by_role("button", name="بررسی چکیده (SHA-256)").click()
    await expect(page.locator("#verification")).to_have_attribute("data-ok", "false")
    await expect(page.locator("#verification [data-problem='other_application']")).to_contain_text(
        "پروندهٔ دیگری")
    await expect(page.locator("#verification")).to_contain_text(f"application-{other.id}")

    # Replay on the running code.
    await page.get_by_role("button", name="بازپخش روی کد فعلی").click()
    verdict = page.locator("#replay-verdict")
    await expect(verdict).to_have_attribute("data-deterministic", "true")
    await expect(verdict).to_contain_text("قطعی")
    await accessible(page)
    await shot(page, "timeline")
    await context.close()


async def test_reviewers_cannot_open_the_dashboard(browsing: Browsing,
                                                    console_cycle: int) -> None:
    context = await browsing.context()
    page = await context.new_page()
    await sign_in(page, token(Role.interviewer, sub="panel-delta"))
    response = await page.goto("/console/dashboard")
    assert response is not None and response.status == 403
    await expect(page.locator("[data-code='forbidden']")).to_contain_text("اجازه")
    response = await page.goto("/console/applications/no-such-application")
    assert response is not None and response.status == 404
    await expect(page.locator("[data-code='not_found']")).to_be_visible()
    await context.close()


async def _photo_sha(http: httpx.AsyncClient, app: Applicant) -> str:
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    sha: str = r.json()["photo"]["sha256"]
    return sha
