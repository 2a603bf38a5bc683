"""The acceptance test: a whole cycle of 300 applicants through HTTP only.

`daftar.commands.simulation` drives the cycle; every assertion below reads the outcome back
through the API on its own, so a simulator that lied in its report would not pass.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
import pytest

from daftar.commands.simulation import simulate
from daftar.domain.places import find_province
from daftar.domain.stages import Role
from tests.api.helpers import Stack, auth, token

YEAR = 1407
APPLICANTS = 300
PATH = ("exam", "interview", "qualification", "security", "launch", "licence")


def tokens(sub: str, roles: list[Role]) -> str:
    return token(*roles, sub=sub)


async def all_items(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every listed application matching `params`, page by page."""
    items: list[dict[str, Any]] = []
    for page in range(1, 100):
        r = await api.get("/v1/applications", headers=auth(Role.auditor),
                          params={"cycle": YEAR, "size": 500, "page": page, **params})
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        if len(items) >= r.json()["total"]:
            break
    return items


async def records(api: httpx.AsyncClient, ids: list[str]) -> list[dict[str, Any]]:
    """Each application's full record from its workflow (GET /v1/applications/{id})."""
    limit = asyncio.Semaphore(16)

    async def one(app_id: str) -> dict[str, Any]:
        async with limit:
            r = await api.get(f"/v1/applications/{app_id}", headers=auth(Role.admin))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    return list(await asyncio.gather(*(one(i) for i in ids)))


@pytest.mark.stress
async def test_a_whole_cycle_of_300_applicants(stack: Stack, api: httpx.AsyncClient) -> None:
    started = time.monotonic()
    report = await simulate(stack.base_url, year=YEAR, applicants=APPLICANTS, tokens=tokens)
    elapsed = time.monotonic() - started
    print(f"\nsimulated {APPLICANTS} applicants in {elapsed:.1f} s: {report.phases}")  # noqa: T201

    # Every applicant is counted once, at a stage the cycle can end at.
    r = await api.get(f"/v1/cycles/{YEAR}/stats", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    stats = r.json()
    counts = {stage: sum(by.values()) for stage, by in stats["counts"].items()}
    assert stats["total"] == sum(counts.values()) == APPLICANTS
    assert set(counts) <= {"licensed", "rejected", "awaiting_launch", "absent"}, counts
    assert counts == report.counts
    assert counts.get("licensed", 0) == report.licences > 0
    assert counts.get("awaiting_launch", 0) == report.waiting
    assert counts["absent"] == report.absent == APPLICANTS // 50  # EXAM-6: one in fifty
    assert counts["rejected"] == APPLICANTS - report.cleared - report.absent
    # CYC-1: the window was extended once, and the extension is on record.
    r = await api.get(f"/v1/cycles/{YEAR}/amendments", headers=auth(Role.auditor))
    assert [a["number"] for a in r.json()["items"]] == [1] == [report.amendments]

    # EXAM-5: the session was set half-way through registration; everyone has one seat, in a
    # venue of their own province's centre, the late payers' taken on paying.
    r = await api.get(f"/v1/cycles/{YEAR}/exam-sessions", headers=auth(Role.auditor))
    session = r.json()
    assert (session["candidates"], session["unseated"]) == (APPLICANTS, {})
    assert report.seated == APPLICANTS and report.cards > 0 and report.venues == 3

    # The read model's lists and the workflows agree with the counters.
    items = await all_items(api)
    assert len(items) == len({i["application_id"] for i in items}) == APPLICANTS
    assert Counter(i["stage"] for i in items) == Counter(counts)
    apps = await records(api, [i["application_id"] for i in items])
    assert Counter(a["stage"] for a in apps) == Counter(counts)
    venue_of = {v["venue_id"]: v for v in session["venues"]}
    seats = [(a["seat"]["venue_id"], a["seat"]["seat"]) for a in apps]
    assert len(set(seats)) == APPLICANTS
    assert all(venue_of[a["seat"]["venue_id"]]["province_code"] == find_province(
        a["registration"]["province"]).code for a in apps)  # type: ignore[union-attr]

    # EXAM-2: as many passed the exam as the load said, and each got exactly one result.
    r = await api.get(f"/v1/cycles/{YEAR}/exam-results", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    load = r.json()
    assert load["state"] == "published"
    present = APPLICANTS - report.absent
    assert load["candidates"] == load["sent"] == present and load["skipped"] == 0
    assert load["absent"] == report.absent
    exams = [[d for d in a["decisions"] if d["stage"] == "exam"] for a in apps]
    assert all(len(e) == 1 for e in exams)
    assert sum(e[0]["outcome"] == "pass" for e in exams) == load["passed"] == report.exam_passed
    assert sum(e[0]["outcome"] == "absent" for e in exams) == report.absent
    assert all(a["exam_result"]["passed"] == (e[0]["outcome"] == "pass")
               for a, e in zip(apps, exams, strict=True) if a["stage"] != "absent")

    # Every licence went through each stage exactly once and has its own number.
    licensed = [a for a in apps if a["stage"] == "licensed"]
    for a in licensed:
        stages = Counter(d["stage"] for d in a["decisions"])
        once = {s: stages[s] for s in PATH}
        if a["application_id"] == report.reopened:  # COR-1: security decided, reopened, again
            assert once == {**dict.fromkeys(PATH, 1), "security": 2}, a["decisions"]
            assert stages["reopening"] == 1
        else:
            assert once == dict.fromkeys(PATH, 1), a["decisions"]
        assert all(d["outcome"] in ("pass", "done", "security") for d in a["decisions"])
        assert a["licence_number"] and a["office"] is not None
    numbers = [a["licence_number"] for a in licensed]
    assert len(set(numbers)) == len(numbers)

    # LAUNCH-1: no city seats more than its capacity; every placement is an office given.
    r = await api.get(f"/v1/cycles/{YEAR}", headers=auth(Role.admin))
    capacity = {(c["province"], c["city"]): c["capacity"] for c in r.json()["config"]["cities"]}
    r = await api.get(f"/v1/cycles/{YEAR}/launch-rounds/1", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    launch = r.json()
    assert launch["state"] == "done" and launch["placed"] == report.placed
    placed = Counter((p["province"], p["city"]) for p in launch["placements"])
    assert placed and all(n <= capacity[city] for city, n in placed.items()), placed
    offices = Counter((a["office"]["province"], a["office"]["city"]) for a in licensed)
    assert offices == placed
