"""The cohort endpoints (docs/api.md): who may call each, row errors, CSV, replacement, refusals.

Cycle 1408 holds the exam-results tests, cycle 1409 the launch-round tests; the tests of each
run in file order and build on each other (load, replace, publish; dry run, round, next round).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from daftar.domain.stages import Role
from tests.api.helpers import (
    Applicant,
    Stack,
    advance,
    auth,
    cycle_body,
    eventually,
    register,
    rules_of,
)
from tests.factories import ALL_CHECKS

EXAM, ROUND = 1408, 1409
SUBJECTS = [{"code": "civil", "title": "Civil law", "questions": 10},
            {"code": "crim", "title": "Criminal law", "questions": 10}]


def others(*allowed: Role) -> list[Role]:
    return [r for r in Role if r not in allowed]


async def new_cycle(api: httpx.AsyncClient, year: int) -> None:
    r = await api.post("/v1/cycles", headers=auth(Role.admin), json=cycle_body(
        year, subjects=SUBJECTS,
        cities=[{"province": "Tehran", "city": "Tehran", "capacity": 2, "priority": 1,
                 "neighbours": [{"province": "Qom", "city": "Qom"}]},
                {"province": "Qom", "city": "Qom", "capacity": 1, "priority": 2}]))
    assert r.status_code == 201, r.text


async def enrol(api: httpx.AsyncClient, year: int, *, paid: bool = True) -> Applicant:
    app = await register(api, year)
    if paid:
        await advance(api, app, "awaiting_exam")
    return app


async def at(api: httpx.AsyncClient, year: int, stage: str, n: int) -> None:
    """Wait until the read model lists exactly `n` applications of `year` at `stage`."""
    async def check() -> bool:
        r = await api.get("/v1/applications", headers=auth(Role.admin),
                          params={"cycle": year, "stage": stage, "size": 1})
        return bool(r.json()["total"] == n)

    await eventually(check, f"{n} at {stage} in {year}", attempts=300)


def row(app: Applicant, civil: tuple[int, int] = (8, 1),
        crim: tuple[int, int] = (6, 2)) -> dict[str, Any]:
    return {"tracking_code": app.tracking_code, "subjects": {
        "civil": {"correct": civil[0], "wrong": civil[1]},
        "crim": {"correct": crim[0], "wrong": crim[1]}}}


def rows_for(apps: list[Applicant]) -> list[dict[str, Any]]:
    return [row(a, civil=(i % 10, 0), crim=((3 * i) % 10, 1)) for i, a in enumerate(apps)]


def csv_of(rows: list[dict[str, Any]]) -> str:
    lines = ["tracking_code,civil_correct,civil_wrong,crim_correct,crim_wrong"]
    lines += [",".join([r["tracking_code"], *(str(r["subjects"][s][k]) for s in ("civil", "crim")
                                              for k in ("correct", "wrong"))]) for r in rows]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
async def exam_cycle(stack: Stack, api: httpx.AsyncClient) -> tuple[list[Applicant], Applicant]:
    """Cycle 1408: five candidates at awaiting_exam and one who never paid."""
    await new_cycle(api, EXAM)
    apps = list(await asyncio.gather(*(enrol(api, EXAM) for _ in range(5))))
    unpaid = await enrol(api, EXAM, paid=False)
    await at(api, EXAM, "awaiting_exam", 5)
    return apps, unpaid


def instant(text: str) -> datetime:
    """A response's instant; on SQLite the stored ones come back without their zone (UTC)."""
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def results(year: int = EXAM) -> str:
    return f"/v1/cycles/{year}/exam-results"


async def test_only_the_exam_officer_loads_results(
        api: httpx.AsyncClient, exam_cycle: tuple[list[Applicant], Applicant]) -> None:
    body = {"rows": rows_for(exam_cycle[0])}
    assert (await api.post(results(), json=body)).status_code == 401
    for role in others(Role.exam_officer):
        r = await api.post(results(), json=body, headers=auth(role))
        assert r.status_code == 403, (role, r.text)
    assert (await api.get(results(), headers=auth(Role.admin))).status_code == 404


async def test_row_errors_are_reported_row_by_row_and_nothing_is_loaded(
        api: httpx.AsyncClient, exam_cycle: tuple[list[Applicant], Applicant]) -> None:
    apps, unpaid = exam_cycle
    unknown = {**row(apps[0]), "tracking_code": "99999999999999999999"}
    bad = [row(apps[0]), unknown, row(apps[1], civil=(11, 0)), row(apps[2], crim=(5, -1)),
           row(apps[3], civil=(7, 4)), row(unpaid)]
    r = await api.post(results(), json={"rows": bad}, headers=auth(Role.exam_officer))
    assert r.status_code == 422, r.text
    assert set(rules_of(r)) == {"EXAM-4"}
    fields = {v["field"].split(".")[0] for v in r.json()["error"]["rules"]}
    assert fields == {"rows[1]", "rows[2]", "rows[3]", "rows[4]", "rows[5]"}
    assert (await api.get(results(), headers=auth(Role.admin))).status_code == 404


async def test_csv_loads_as_json_does_and_a_new_load_replaces_the_last(
        api: httpx.AsyncClient, exam_cycle: tuple[list[Applicant], Applicant]) -> None:
    apps, _ = exam_cycle
    officer = auth(Role.exam_officer)
    rows = rows_for(apps)

    async def scores() -> list[tuple[str, str]]:
        r = await api.get(f"{results()}/scores", headers=officer, params={"size": 500})
        assert r.status_code == 200, r.text
        return sorted((s["tracking_code"], s["total"]) for s in r.json()["items"])

    as_json = await api.post(results(), json={"rows": rows}, headers=officer)
    assert as_json.status_code == 200, as_json.text
    by_json = await scores()
    subset = await api.post(results(), json={"rows": rows[:3]}, headers=officer)
    assert subset.status_code == 200 and subset.json()["candidates"] == 3
    assert len(await scores()) == 3  # replaced, not added to
    as_csv = await api.post(results(), content=csv_of(rows), headers={
        **officer, "Content-Type": "text/csv"})
    assert as_csv.status_code == 200, as_csv.text
    same = ("candidates", "passed", "pass_mark", "top_count", "top_mean", "scale")
    assert {k: as_csv.json()[k] for k in same} == {k: as_json.json()[k] for k in same}
    assert await scores() == by_json
    # A refused load leaves the earlier one as it was.
    r = await api.post(results(), json={"rows": [row(apps[0], civil=(20, 0))]}, headers=officer)
    assert r.status_code == 422
    r = await api.get(results(), headers=officer)
    assert r.json()["candidates"] == 5
    assert instant(r.json()["loaded_at"]) == instant(as_csv.json()["loaded_at"])


async def test_who_reads_the_exam_results(
        api: httpx.AsyncClient, exam_cycle: tuple[list[Applicant], Applicant]) -> None:
    assert (await api.get(results())).status_code == 401
    for role in Role:
        r = await api.get(results(), headers=auth(role))
        allowed = role in (Role.exam_officer, Role.admin, Role.auditor)
        assert r.status_code == (200 if allowed else 403), (role, r.text)


async def test_publication_is_the_exam_officers_once_and_final(
        api: httpx.AsyncClient, exam_cycle: tuple[list[Applicant], Applicant]) -> None:
    apps, _ = exam_cycle
    assert (await api.post(f"{results()}/publish")).status_code == 401
    for role in others(Role.exam_officer):
        r = await api.post(f"{results()}/publish", headers=auth(role))
        assert r.status_code == 403, (role, r.text)
    officer = auth(Role.exam_officer)
    r = await api.post(f"{results()}/publish", headers=officer)
    assert r.status_code == 202, r.text
    again = await api.post(f"{results()}/publish", headers=officer)
    assert again.status_code == 409 and rules_of(again) == ["EXAM-2"]
    late = await api.post(results(), json={"rows": rows_for(apps)}, headers=officer)
    assert late.status_code == 409 and rules_of(late) == ["EXAM-2"]

    async def published() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(results(), headers=officer)).json()
        return body if body["state"] == "published" else None

    done = await eventually(published, "publication", attempts=300)
    assert done["sent"] == 5 and done["skipped"] == 0
    await at(api, EXAM, "awaiting_interview", done["passed"])


# --- launch rounds (cycle 1409) -------------------------------------------------------------


def rounds(suffix: str = "") -> str:
    return f"/v1/cycles/{ROUND}/launch-rounds{suffix}"


@pytest.fixture(scope="module")
async def cleared(stack: Stack, api: httpx.AsyncClient) -> list[Applicant]:
    """Cycle 1409: five candidates at awaiting_launch for three seats."""
    await new_cycle(api, ROUND)
    apps = list(await asyncio.gather(*(enrol(api, ROUND) for _ in range(5))))
    await at(api, ROUND, "awaiting_exam", 5)
    officer = auth(Role.exam_officer)
    r = await api.post(results(ROUND), json={"rows": [row(a) for a in apps]}, headers=officer)
    assert r.status_code == 200 and r.json()["passed"] == 5, r.text  # equal totals: ties pass
    assert (await api.post(f"{results(ROUND)}/publish", headers=officer)).status_code == 202
    await at(api, ROUND, "awaiting_interview", 5)
    for i, app in enumerate(apps):
        for role, body in ((Role.interviewer, {"stage": "interview", "score": 70 + i}),
                           (Role.qualification_officer, {"stage": "qualification",
                                                         "checks": ALL_CHECKS}),
                           (Role.security_officer, {"stage": "security"})):
            r = await api.post(f"/v1/applications/{app.id}/decisions", headers=auth(role),
                               json={**body, "outcome": "pass"})
            assert r.status_code == 200, r.text
    await at(api, ROUND, "awaiting_launch", 5)
    return apps


async def test_only_the_licensing_officer_runs_rounds_and_a_dry_run_changes_nothing(
        api: httpx.AsyncClient, cleared: list[Applicant]) -> None:
    assert (await api.post(rounds(), json={"relocate": True})).status_code == 401
    for role in others(Role.licensing_officer):
        r = await api.post(rounds(), json={"relocate": True}, headers=auth(role))
        assert r.status_code == 403, (role, r.text)
    officer = auth(Role.licensing_officer)
    dry = await api.post(rounds(), params={"dry_run": "true"}, json={"relocate": True},
                         headers=officer)
    assert dry.status_code == 200, dry.text
    view = dry.json()
    assert view["dry_run"] is True and view["number"] is None
    assert view["placed"] == len(view["placements"]) == 3 and view["waiting"] == 2
    assert {p["application_id"] for p in view["placements"]} <= {a.id for a in cleared}
    assert (await api.get(rounds(), headers=officer)).json() == []
    await at(api, ROUND, "awaiting_launch", 5)
    again = await api.post(rounds(), params={"dry_run": "true"}, headers=officer)
    assert again.json()["placements"] == view["placements"]


async def test_who_reads_rounds_and_stats(api: httpx.AsyncClient,
                                          cleared: list[Applicant]) -> None:
    for path, readers in ((rounds(), (Role.licensing_officer, Role.admin, Role.auditor)),
                          (f"/v1/cycles/{ROUND}/stats", (Role.admin, Role.auditor))):
        assert (await api.get(path)).status_code == 401
        for role in Role:
            r = await api.get(path, headers=auth(role))
            assert r.status_code == (200 if role in readers else 403), (path, role, r.text)
    stats = (await api.get(f"/v1/cycles/{ROUND}/stats", headers=auth(Role.auditor))).json()
    # Counted per province by its code (Tehran: 23).
    assert stats["total"] == 5 and stats["counts"] == {"awaiting_launch": {"23": 5}}
    assert stats["exam"]["passed"] == 5 and stats["rounds"] == []


async def test_a_round_waits_for_the_previous_one_to_be_sent(
        api: httpx.AsyncClient, cleared: list[Applicant]) -> None:
    officer = auth(Role.licensing_officer)
    first = await api.post(rounds(), json={"relocate": True}, headers=officer)
    assert first.status_code == 200, first.text
    assert first.json()["number"] == 1 and first.json()["placed"] == 3
    # Sent right away, while round 1's offices are still being sent: refused (LAUNCH-1).
    early = await api.post(rounds(), json={"relocate": True}, headers=officer)
    assert early.status_code == 409, early.text
    assert rules_of(early) == ["LAUNCH-1"]

    async def sent() -> bool:
        return bool((await api.get(rounds("/1"), headers=officer)).json()["state"] == "done")

    await eventually(sent, "round 1 sent", attempts=300)
    await at(api, ROUND, "awaiting_licence", 3)

    # Shown done, the round no longer holds up the next one: accepted at the first post.
    second = await api.post(rounds(), json={"relocate": True}, headers=officer)
    assert second.status_code == 200, second.text
    assert (second.json()["number"], second.json()["placed"], second.json()["waiting"]) == (2, 0, 2)
    listed = (await api.get(rounds(), headers=officer)).json()
    assert [r["number"] for r in listed] == [1, 2]
