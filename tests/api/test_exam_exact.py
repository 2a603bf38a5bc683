"""Exam results on the real stack: pass/fail on the exact totals and pass mark (EXAM-2,
EXAM-4), never on the values the read model's Numeric columns round them to, and a subject a
row leaves out counted as a blank one (0 correct, 0 wrong).

Cycles 1437 and 1438 are this module's; its tests run in file order and build on each other.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest

from daftar.domain.stages import Role
from tests.api.helpers import (
    Applicant,
    advance,
    auth,
    cycle_body,
    eventually,
    get_app,
    register,
)

EXACT, BLANK = 1437, 1438
OFFICER = auth(Role.exam_officer, sub="sanjesh")
CIVIL = {"code": "civil", "title": "Civil law", "questions": 10}
CRIM = {"code": "crim", "title": "Criminal law", "questions": 10}
# One subject, A 6 correct and B 2 of 10: percents 60 and 20, z = +1 and −1 exactly (EXAM-4).
# With S = 882.3529412: A's total 5000 + S = 5882.3529412, B's 5000 − S = 4117.6470588; the
# top 1% is A, so the pass mark is 0.7 × 5882.3529412 = 4117.64705884. B is 0.00000004 below
# it and fails; rounded to the columns' 6 decimals both read 4117.647059, and B would pass.
SCALE = "882.3529412"
A_TOTAL, B_TOTAL, MARK = Decimal("5882.3529412"), Decimal("4117.6470588"), Decimal(
    "4117.64705884")


def results(year: int) -> str:
    return f"/v1/cycles/{year}/exam-results"


async def cohort(api: httpx.AsyncClient, year: int, subjects: list[dict[str, Any]],
                 n: int) -> list[Applicant]:
    """Cycle `year` with `subjects` and `n` candidates at awaiting_exam in the read model."""
    r = await api.post("/v1/cycles", headers=auth(Role.admin),
                       json=cycle_body(year, subjects=subjects))
    assert r.status_code == 201, r.text
    apps = [await register(api, year) for _ in range(n)]
    await asyncio.gather(*(advance(api, a, "awaiting_exam") for a in apps))
    await at(api, year, "awaiting_exam", n)
    return apps


async def at(api: httpx.AsyncClient, year: int, stage: str, n: int) -> None:
    async def listed() -> bool:
        r = await api.get("/v1/applications", headers=auth(Role.admin),
                          params={"cycle": year, "stage": stage, "size": 1})
        return bool(r.json()["total"] == n)

    await eventually(listed, f"{n} at {stage} in {year}", attempts=300)


def row(app: Applicant, **subjects: tuple[int, int]) -> dict[str, Any]:
    return {"tracking_code": app.tracking_code, "subjects": {
        code: {"correct": c, "wrong": w} for code, (c, w) in subjects.items()}}


async def scores(api: httpx.AsyncClient, year: int) -> dict[str, dict[str, Any]]:
    r = await api.get(f"{results(year)}/scores", headers=OFFICER, params={"size": 500})
    assert r.status_code == 200, r.text
    return {s["tracking_code"]: s for s in r.json()["items"]}


@pytest.fixture(scope="module")
async def exact(api: httpx.AsyncClient) -> list[Applicant]:
    """Cycle EXACT: A and B, whose results are loaded, and C, corrected one at a time."""
    return await cohort(api, EXACT, [CIVIL], 3)


async def test_the_load_decides_on_the_exact_totals(api: httpx.AsyncClient,
                                                    exact: list[Applicant]) -> None:
    a, b, _ = exact
    r = await api.post(results(EXACT), headers=OFFICER, json={
        "rows": [row(a, civil=(6, 0)), row(b, civil=(2, 0))], "taraz_scale": SCALE})
    assert r.status_code == 200, r.text
    assert (r.json()["candidates"], r.json()["passed"]) == (2, 1)
    assert Decimal(str(r.json()["pass_mark"])) == MARK
    got = await scores(api, EXACT)
    assert (got[a.tracking_code]["passed"], got[b.tracking_code]["passed"]) == (True, False)


async def test_a_single_result_at_the_exact_pass_mark_passes(api: httpx.AsyncClient,
                                                             exact: list[Applicant]) -> None:
    # A total equal to the exact mark passes (ties pass); the 6-decimal column's mark,
    # 4117.647059, is above it and would have rejected it.
    c = exact[2]
    r = await api.post(f"/v1/applications/{c.id}/exam-result", headers=OFFICER,
                       json={"total_score": str(MARK)})
    assert r.status_code == 200, r.text
    view = await get_app(api, c, auth(Role.admin))
    assert view["stage"] == "awaiting_interview"
    assert Decimal(str(view["exam_result"]["pass_mark"])) == MARK


async def test_publication_sends_the_exact_total_and_pass_mark(api: httpx.AsyncClient,
                                                               exact: list[Applicant]) -> None:
    a, b, _ = exact
    r = await api.post(f"{results(EXACT)}/publish", headers=OFFICER)
    assert r.status_code == 202, r.text

    async def published() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(results(EXACT), headers=OFFICER)).json()
        return body if body["state"] == "published" else None

    done = await eventually(published, "publication", attempts=300)
    assert (done["sent"], done["skipped"]) == (2, 0)
    view_b = await get_app(api, b, auth(Role.admin))
    assert (view_b["stage"], view_b["rules"]) == ("rejected", ["EXAM-2"])
    result = view_b["exam_result"]
    assert (Decimal(str(result["total_score"])), Decimal(str(result["pass_mark"])),
            result["passed"]) == (B_TOTAL, MARK, False)
    view_a = await get_app(api, a, auth(Role.admin))
    assert view_a["stage"] == "awaiting_interview"
    assert Decimal(str(view_a["exam_result"]["total_score"])) == A_TOTAL


@pytest.fixture(scope="module")
async def blank(api: httpx.AsyncClient) -> list[Applicant]:
    """Cycle BLANK: two subjects, three candidates."""
    return await cohort(api, BLANK, [CIVIL, CRIM], 3)


async def test_a_subject_left_out_of_a_row_counts_as_blank(api: httpx.AsyncClient,
                                                           blank: list[Applicant]) -> None:
    a, b, c = blank
    # crim: A 2 correct (r = 6), B 0 and 0 written out, C leaves crim out: blank, r = 0 too.
    # n = 3, Σr = 6, Σr² = 36: √(3·36 − 6²) = √72 = 6√2; z(B) = z(C) = (3·0 − 6)/(6√2) = −1/√2,
    # T = 5000 − 2000/√2 = 5000 − 1000·√2. (Were C left out of crim, n = 2 would give
    # z(B) = (2·0 − 6)/√(2·36 − 36) = −1, T(B) = 3000.)
    rows = [row(a, civil=(8, 1), crim=(2, 0)), row(b, civil=(2, 0), crim=(0, 0)),
            row(c, civil=(5, 0))]
    r = await api.post(results(BLANK), headers=OFFICER, json={"rows": rows})
    assert r.status_code == 200, r.text
    got = await scores(api, BLANK)
    expected = Decimal(5000) - 1000 * Decimal(2).sqrt()
    b_crim = Decimal(str(got[b.tracking_code]["standard"]["crim"]))
    c_crim = Decimal(str(got[c.tracking_code]["standard"]["crim"]))
    assert c_crim == b_crim
    assert abs(c_crim - expected) < Decimal("1e-20")
    # The CSV's empty pair is the same blank subject.
    csv = ("tracking_code,civil_correct,civil_wrong,crim_correct,crim_wrong\n"
           f"{a.tracking_code},8,1,2,0\n{b.tracking_code},2,0,0,0\n{c.tracking_code},5,0,,\n")
    r = await api.post(results(BLANK), headers={**OFFICER, "Content-Type": "text/csv"},
                       content=csv)
    assert r.status_code == 200, r.text
    assert await scores(api, BLANK) == got
