"""Each decision exactly once: what a licensed application's history and state must hold
after a walk through faults, read back over HTTP (the auditor's timeline, the admin's view)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx

from daftar.domain.stages import Role
from tests.api.helpers import auth
from tests.faults.driver import ATTEMPTS, Walk
from tests.faults.stack import FaultStack

#: What a licensed application's history holds once each: the timeline's kinds and the
#: decided stages, and the workflow's own decision records.
ONCE_KINDS = ("paid", "exam_result", "decision", "office", "licence")
ONCE_DECIDED = Counter({"interview": 1, "qualification": 1, "security": 1})
ONCE_RECORDS = Counter({"payment": 1, "exam": 1, "interview": 1, "qualification": 1,
                        "security": 1, "launch": 1, "licence": 1})


async def exactly_once(walk: Walk, api: httpx.AsyncClient, app_ids: list[str]) -> list[str]:
    """Every application whose history or state does not hold each decision exactly once
    (a gateway's retried payment included: it is refused outside the history)."""
    async def check(app_id: str) -> str | None:
        timeline = await _get(walk, api, f"/v1/applications/{app_id}/history", Role.auditor)
        state = await _get(walk, api, f"/v1/applications/{app_id}", Role.admin)
        kinds = Counter(e["kind"] for e in timeline)
        decided = Counter(e["stage"] for e in timeline if e["kind"] == "decision")
        records = Counter(d["stage"] for d in state["decisions"] if d["stage"] != "photo")
        paid = {e["details"]["reference"] for e in timeline if e["kind"] == "paid"}
        once = all(kinds[k] == (3 if k == "decision" else 1) for k in ONCE_KINDS)
        if once and paid == {f"PAY-{app_id}"} and decided == ONCE_DECIDED \
                and records == ONCE_RECORDS and state["stage"] == "licensed":
            return None
        return f"{app_id}: stage {state['stage']}, timeline {dict(kinds)}, " \
               f"decided {dict(decided)}, records {dict(records)}"

    found = await asyncio.gather(*(check(i) for i in app_ids))
    return [f for f in found if f is not None]


async def assert_each_licensed_once(stack: FaultStack, walk: Walk, year: int,
                                    app_ids: list[str], applicants: int) -> None:
    """Every applicant walked to the licence, each decision once in its history and state,
    and the read model converged to one row per workflow."""
    assert sorted(set(app_ids)) == sorted(app_ids) and len(app_ids) == applicants
    assert all(walk.stage[i] == "licensed" for i in app_ids)
    assert await exactly_once(walk, api=stack.api, app_ids=app_ids) == []
    report = await stack.converged(year)
    assert (report.workflows, report.rows) == (applicants, applicants)


async def _get(walk: Walk, api: httpx.AsyncClient, url: str, role: Role) -> Any:
    for _ in range(ATTEMPTS):
        r = await walk.send(api, "GET", url, headers=auth(role))
        if not await walk.lost(r):
            assert r is not None and r.status_code == 200, r and r.text
            return r.json()
    raise AssertionError(f"{url} never answered")
