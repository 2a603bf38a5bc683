"""One candidate's exam result is judged against the cycle's loaded pass mark (EXAM-2), and a
CSV row that does not fit its header is refused (EXAM-4).

Cycle 1415 is this module's: its pass mark comes only from the results loaded here.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

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
    rules_of,
)

YEAR = 1415
SUBJECTS = [{"code": "civil", "title": "Civil law", "questions": 10},
            {"code": "crim", "title": "Criminal law", "questions": 10}]
OFFICER = auth(Role.exam_officer, sub="sanjesh")


async def candidate(api: httpx.AsyncClient) -> Applicant:
    """An applicant of YEAR at awaiting_exam."""
    app = await register(api, YEAR)
    await advance(api, app, "awaiting_exam")
    return app


@pytest.fixture(scope="module")
async def candidates(api: httpx.AsyncClient) -> list[Applicant]:
    """Cycle YEAR with five candidates at awaiting_exam, as the read model lists them."""
    r = await api.post("/v1/cycles", headers=auth(Role.admin),
                       json=cycle_body(YEAR, capacity=5, subjects=SUBJECTS))
    assert r.status_code == 201, r.text
    apps = list(await asyncio.gather(*(candidate(api) for _ in range(5))))

    async def listed() -> bool:
        r = await api.get("/v1/applications", headers=auth(Role.admin),
                          params={"cycle": YEAR, "stage": "awaiting_exam", "size": 1})
        return bool(r.json()["total"] == len(apps))

    await eventually(listed, "the candidates at awaiting_exam in the read model")
    return apps



async def test_a_single_result_is_judged_against_the_loaded_pass_mark(
        api: httpx.AsyncClient, candidates: list[Applicant]) -> None:
    loaded, low, at_mark = candidates[:3], candidates[3], candidates[4]

    # Before any results are loaded the cycle has no pass mark: nothing to judge against.
    r = await api.post(f"/v1/applications/{low.id}/exam-result", json={"total_score": "9000"},
                       headers=OFFICER)
    assert r.status_code == 409, r.text
    assert rules_of(r) == ["EXAM-2"]

    # A pass mark of the caller's own is refused, whatever its value.
    r = await api.post(f"/v1/applications/{low.id}/exam-result",
                       json={"total_score": 1, "pass_mark": 0}, headers=OFFICER)
    assert r.status_code == 422, r.text
    assert rules_of(r) == ["EXAM-2"]
    assert [v["field"] for v in r.json()["error"]["rules"]] == ["pass_mark"]
    assert (await get_app(api, low, auth(Role.admin)))["stage"] == "awaiting_exam"

    rows = [{"tracking_code": a.tracking_code,
             "subjects": {"civil": {"correct": 4 + 2 * i, "wrong": 1},
                          "crim": {"correct": 3 + i, "wrong": 0}}}
            for i, a in enumerate(loaded)]
    r = await api.post(f"/v1/cycles/{YEAR}/exam-results", json={"rows": rows},
                       headers=OFFICER)
    assert r.status_code == 200, r.text
    # The pass mark as shown with the load, rounded to 6 decimals; a result is judged against
    # the exact one (as at publication too).
    r = await api.get(f"/v1/cycles/{YEAR}/exam-results", headers=OFFICER)
    shown = Decimal(str(r.json()["pass_mark"]))
    assert shown > 1

    r = await api.post(f"/v1/applications/{low.id}/exam-result", json={"total_score": "1"},
                       headers=OFFICER)
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "rejected"
    exam = r.json()["exam_result"]
    mark = Decimal(str(exam["pass_mark"]))
    assert (mark.quantize(Decimal("0.000001")), exam["passed"]) == (shown, False)

    r = await api.post(f"/v1/applications/{at_mark.id}/exam-result",
                       json={"total_score": str(mark)}, headers=OFFICER)
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "awaiting_interview"  # ties pass


async def test_a_csv_row_with_extra_values_is_refused(
        api: httpx.AsyncClient, candidates: list[Applicant]) -> None:
    first, second = candidates[:2]
    csv = ("tracking_code,civil_correct,civil_wrong,crim_correct,crim_wrong\n"
           f"{first.tracking_code},5,1,5,0\n"
           f"{second.tracking_code},5,1,5,0,7,3\n")
    r = await api.post(f"/v1/cycles/{YEAR}/exam-results", content=csv.encode(),
                       headers={**OFFICER, "content-type": "text/csv"})
    assert r.status_code == 422, r.text
    [violation] = r.json()["error"]["rules"]
    assert violation["rule"] == "EXAM-4" and violation["field"] == "rows[1]"
    assert "Row 2" in violation["message"] and "2 value(s) more" in violation["message"]
    # Nothing was loaded: the earlier load (and its pass mark) stands.
    loaded = await api.get(f"/v1/cycles/{YEAR}/exam-results", headers=OFFICER)
    assert loaded.status_code == 200 and loaded.json()["candidates"] == 3, loaded.text
