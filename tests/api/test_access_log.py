"""The access log over HTTP: staff reads recorded, the applicant's own not, and auditors'
queries by application, actor and period; nothing can change an entry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from daftar.domain.jalali import (
    business_day,
    format_instant,
    from_gregorian,
    to_gregorian,
    to_persian_digits,
)
from daftar.domain.stages import STAFF_ROLES, Role
from tests.api.helpers import auth, register, rules_of

AUDITOR = auth(Role.auditor, sub="access-desk")
TEHRAN_OFFSET = timezone(timedelta(hours=3, minutes=30))


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


async def log_of(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    r = await api.get("/v1/access-log", params=params, headers=AUDITOR)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_a_staff_read_is_recorded_once_with_who_what_and_when(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    reader = unique("reader")
    request_id = unique("access-test")
    before = datetime.now(UTC)
    r = await api.get(f"/v1/applications/{app.id}", headers={
        **auth(Role.qualification_officer, sub=reader), "X-Request-ID": request_id})
    after = datetime.now(UTC)
    assert r.status_code == 200, r.text
    assert r.headers["x-request-id"] == request_id

    log = await log_of(api, application_id=app.id)  # recorded before the read was answered
    assert (log["total"], log["page"], log["size"]) == (1, 1, 50)
    [entry] = log["items"]
    at = datetime.fromisoformat(entry.pop("at"))
    assert before <= at <= after
    assert entry == {"actor": reader, "role": "qualification_officer",
                     "roles": ["qualification_officer"], "application_id": app.id,
                     "what": "record", "at_jalali": format_instant(at),
                     "request_id": request_id}
    # Asking the log is not a read of anyone's file.
    assert (await log_of(api, application_id=app.id))["total"] == 1


async def test_the_timeline_and_the_export_are_recorded_newest_first(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    desk = unique("desk")
    both = auth(Role.auditor, Role.admin, sub=desk)
    for path in ("history", "history/export"):
        r = await api.get(f"/v1/applications/{app.id}/{path}", headers=both)
        assert r.status_code == 200, r.text
    log = await log_of(api, application_id=app.id)
    assert [(e["what"], e["actor"], e["role"], e["roles"]) for e in log["items"]] == [
        ("export", desk, "auditor,admin", ["auditor", "admin"]),
        ("history", desk, "auditor,admin", ["auditor", "admin"])]
    assert log["items"][0]["request_id"] != log["items"][1]["request_id"]


async def test_the_applicants_own_reads_and_refusals_are_not_recorded(
        api: httpx.AsyncClient, cycle: int) -> None:
    app, other = await register(api), await register(api)
    assert (await api.get(f"/v1/applications/{app.id}", headers=app.headers)).status_code == 200
    refused = [
        await api.get(f"/v1/applications/{app.id}", headers=other.headers),
        await api.get(f"/v1/applications/{app.id}/history", headers=auth(Role.interviewer)),
        await api.get(f"/v1/applications/{app.id}/history/export", headers=auth(Role.admin)),
        await api.get(f"/v1/applications/{app.id}"),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 401]
    unknown = "0123456789abcdef"
    assert (await api.get(f"/v1/applications/{unknown}", headers=auth(Role.admin))
            ).status_code == 404
    for app_id in (app.id, unknown):
        assert (await log_of(api, application_id=app_id))["total"] == 0


async def test_filters_by_application_actor_and_period(api: httpx.AsyncClient,
                                                       cycle: int) -> None:
    first, second = await register(api), await register(api)
    alice, bob = unique("alice"), unique("bob")
    for app, who, role in ((first, alice, Role.interviewer), (second, alice, Role.interviewer),
                           (second, bob, Role.security_officer)):
        r = await api.get(f"/v1/applications/{app.id}", headers=auth(role, sub=who))
        assert r.status_code == 200, r.text

    def pairs(log: dict[str, Any]) -> list[tuple[str, str]]:
        return [(e["application_id"], e["actor"]) for e in log["items"]]

    assert pairs(await log_of(api, actor=alice)) == [(second.id, alice), (first.id, alice)]
    assert pairs(await log_of(api, application_id=second.id)) == [(second.id, bob),
                                                                   (second.id, alice)]
    assert pairs(await log_of(api, application_id=second.id, actor=alice)) == [
        (second.id, alice)]
    paged = await log_of(api, actor=alice, page=2, size=1)
    assert (pairs(paged), paged["total"], paged["size"]) == ([(first.id, alice)], 2, 1)

    at = datetime.fromisoformat((await log_of(api, actor=bob))["items"][0]["at"])
    today = business_day(at)
    yesterday = from_gregorian(to_gregorian(today) - timedelta(days=1))
    tomorrow = from_gregorian(to_gregorian(today) + timedelta(days=1))
    periods = {
        # Jalali days (Tehran), `until` including its day; Persian digits too.
        (str(today), str(today)): 1,
        (to_persian_digits(str(yesterday)), str(today)): 1,
        (str(yesterday), str(yesterday)): 0,
        (str(tomorrow), ""): 0,
        # ISO instants, `until` including its instant.
        ((at - timedelta(seconds=1)).isoformat(), at.isoformat()): 1,
        (at.isoformat().replace("+00:00", "Z"), ""): 1,
        ((at + timedelta(microseconds=1)).isoformat(), ""): 0,
        ("", (at - timedelta(microseconds=1)).astimezone(TEHRAN_OFFSET).isoformat()): 0,
    }
    for (since, until), expected in periods.items():
        log = await log_of(api, actor=bob, since=since, until=until)
        assert log["total"] == expected, (since, until, log)


@pytest.mark.parametrize(("params", "field"), [
    ({"since": "1405/13/01"}, "since"),
    ({"until": "yesterday"}, "until"),
    ({"since": "2026-12-06"}, "since"),  # a Gregorian date is not taken for Jalali year 2026
    ({"since": "2026-12-06T10:00:00"}, "since"),  # an instant needs its zone
    ({"since": "1405/09/10", "until": "1405/09/01"}, "since"),
    ({"since": "0001-01-01T00:00:00+01:00"}, "since"),
    ({"actor": "desk\x00"}, "actor"),
    ({"size": "501"}, "size"),
])
async def test_a_malformed_query_is_refused(api: httpx.AsyncClient, params: dict[str, str],
                                            field: str) -> None:
    r = await api.get("/v1/access-log", params=params, headers=AUDITOR)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request"
    assert rules_of(r) == ["REQUEST"]
    assert field in [v["field"] for v in r.json()["error"]["rules"]]


@pytest.mark.parametrize("role", [r for r in (*STAFF_ROLES, Role.payment_gateway,
                                              Role.applicant) if r is not Role.auditor])
async def test_only_auditors_read_the_log(api: httpx.AsyncClient, role: Role) -> None:
    r = await api.get("/v1/access-log", headers=auth(role))
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert error["code"] == "forbidden" and "auditor" in error["message"]
    rules_of(r)
    assert (await api.get("/v1/access-log")).status_code == 401


async def test_no_endpoint_changes_an_entry(api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    r = await api.get(f"/v1/applications/{app.id}", headers=auth(Role.admin, sub="admin-x"))
    assert r.status_code == 200
    before = await log_of(api, application_id=app.id)
    document = (await api.get("/openapi.json")).json()
    assert {path: set(ops) for path, ops in document["paths"].items()
            if "access" in path} == {"/v1/access-log": {"get"}}
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = await api.request(method, "/v1/access-log", headers=AUDITOR,
                              params={"application_id": app.id}, json={"actor": "nobody"})
        assert r.status_code == 405, (method, r.text)
    r = await api.delete(f"/v1/access-log/{app.id}", headers=AUDITOR)
    assert r.status_code == 404
    assert await log_of(api, application_id=app.id) == before
