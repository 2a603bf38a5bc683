"""EXAM-6 over HTTP: candidates without a result end as `absent` once the count is confirmed."""

from __future__ import annotations

from typing import Any

import httpx

from daftar.domain.stages import Role
from tests.api.helpers import (
    Stack,
    advance,
    auth,
    eventually,
    get_app,
    open_cycle,
    register,
    rules_of,
)

YEAR = 1456
OFFICER = auth(Role.exam_officer, sub="exam-officer-6")
RESULTS = f"/v1/cycles/{YEAR}/exam-results"


def answers(share: float) -> dict[str, dict[str, int]]:
    return {"civil_law": {"correct": round(40 * share), "wrong": 2},
            "civil_procedure": {"correct": round(40 * share), "wrong": 1}}


async def test_absentees_end_absent_after_the_officer_confirms_them(
        api: httpx.AsyncClient, stack: Stack) -> None:
    await open_cycle(api, YEAR)
    sat = [await register(api, YEAR) for _ in range(3)]
    marked, missing = await register(api, YEAR), await register(api, YEAR)
    for app in [*sat, marked, missing]:
        await advance(api, app, "awaiting_exam")
    rows: list[dict[str, Any]] = [
        {"tracking_code": a.tracking_code, "subjects": answers(s)}
        for a, s in zip(sat, (0.9, 0.6, 0.3), strict=True)]
    bad = await api.post(RESULTS, headers=OFFICER, json={"rows": [
        *rows, {"tracking_code": marked.tracking_code, "absent": True,
                "subjects": answers(0.5)}]})
    assert (bad.status_code, rules_of(bad)) == (422, ["EXAM-6"])  # absent with answers
    r = await api.post(RESULTS, headers=OFFICER, json={"rows": [
        *rows, {"tracking_code": marked.tracking_code, "absent": True}]})
    assert r.status_code == 200, r.text
    load = r.json()
    # EXAM-2's top 1% is of the 3 present; the marked and the missing are both absent.
    assert (load["candidates"], load["top_count"], load["absent"]) == (3, 1, 2)

    r = await api.post(f"{RESULTS}/publish", headers=OFFICER)
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-6"])
    assert "confirm_absent: 2" in r.json()["error"]["message"]
    r = await api.post(f"{RESULTS}/publish", headers=OFFICER, json={"confirm_absent": 1})
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-6"])
    r = await api.post(f"{RESULTS}/publish", headers=OFFICER, json={"confirm_absent": 2})
    assert r.status_code == 202, r.text

    async def ended(app_id: str) -> dict[str, Any] | None:
        view: dict[str, Any] = (await api.get(f"/v1/applications/{app_id}",
                                              headers=auth(Role.admin))).json()
        return view if view["stage"] == "absent" else None

    for app in (marked, missing):
        view = await eventually(lambda a=app: ended(a.id), "the absentee ended", attempts=300)
        assert view["rules"] == ["EXAM-6"] and view["status"] == "closed"
        last = view["decisions"][-1]
        assert (last["stage"], last["outcome"], last["rules"]) == ("exam", "absent", ["EXAM-6"])
    for app in sat:
        assert (await get_app(api, app, auth(Role.admin)))["exam_result"] is not None

    async def counted() -> dict[str, Any] | None:
        stats: dict[str, Any] = (await api.get(f"/v1/cycles/{YEAR}/stats",
                                               headers=auth(Role.admin))).json()
        return stats if sum(stats["counts"].get("absent", {}).values()) == 2 else None

    await eventually(counted, "the absentees in the stats", attempts=300)
    timeline = (await api.get(f"/v1/applications/{missing.id}/history",
                              headers=auth(Role.auditor))).json()
    events = timeline["events"] if isinstance(timeline, dict) else timeline
    assert [(e["kind"], e["rules"]) for e in events if e["kind"] == "absent"] == [
        ("absent", ["EXAM-6"])]
    after = (await api.get(RESULTS, headers=OFFICER)).json()
    assert after["absent"] == 2  # still counted once they ended
