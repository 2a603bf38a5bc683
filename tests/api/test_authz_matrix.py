"""The authorisation matrix: every endpoint of the OpenAPI document × every caller.

Each row names one operation, who may call it (docs/api.md's "who" column; where docs/api.md is
silent,
what the route's dependency admits), and a valid request for it, so that no body validation
can answer before the auth gate. Every caller of every row is asserted exactly: allowed (the
request passed the gate: neither 401 nor 403, nor a server error), 403 `forbidden`, or 401
with the token's own code. The callers are each role's staff token, the applicant on their
own application and another applicant on it, no token, an expired token and a token signed
with another secret (both of the last two carry every role, so only their validity refuses
them). A new endpoint without a row fails `test_every_endpoint_has_a_row`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

import httpx
import pytest

from daftar.domain.stages import STAFF_ROLES, Role
from tests.api.helpers import (
    FEE,
    PASS,
    YEAR,
    Applicant,
    bearer,
    image,
    register,
    rules_of,
    token,
)
from tests.factories import ALL_CHECKS, form

#: Operations of the OpenAPI document that need no row: probes, metrics and the docs.
UNGATED_PATHS = ("/healthz", "/readyz", "/metrics", "/openapi.json")
UNGATED_PREFIXES = ("/docs", "/redoc")

OTHER_SECRET = "not-the-servers-secret-0123456789abcdefghijklmnopqrstuvwxyz"


class Caller(StrEnum):
    """Who sends a request: one per role, two applicants, and three broken credentials."""

    admin = "admin"
    exam_officer = "exam_officer"
    interviewer = "interviewer"
    qualification_officer = "qualification_officer"
    security_officer = "security_officer"
    licensing_officer = "licensing_officer"
    auditor = "auditor"
    payment_gateway = "payment_gateway"
    applicant = "applicant"  # the owner of the application in the path
    other_applicant = "other_applicant"  # an applicant of another application
    no_token = "no_token"
    expired = "expired"
    bad_signature = "bad_signature"


#: The code of the 401 each broken credential gets.
UNAUTHENTICATED = {Caller.no_token: "unauthenticated", Caller.expired: "token_expired",
                   Caller.bad_signature: "invalid_token"}
EVERYONE = frozenset(Caller)
STAFF = frozenset(Caller(r.value) for r in STAFF_ROLES)
REVIEWERS = frozenset({Caller.exam_officer, Caller.interviewer, Caller.qualification_officer,
                       Caller.security_officer, Caller.licensing_officer})

#: The reviewers whose decisions can be claimed (INT-1, QUAL-1, SEC-1).
DECIDERS = frozenset({Caller.interviewer, Caller.qualification_officer,
                      Caller.security_officer})


def only(*callers: Caller) -> frozenset[Caller]:
    return frozenset(callers)


@dataclass
class World:
    """The applications the matrix acts on: the owner's, and another applicant's."""

    owner: Applicant
    other: Applicant

    def headers(self, caller: Caller) -> dict[str, str]:
        everything = list(Role)
        if caller is Caller.applicant:
            return self.owner.headers
        if caller is Caller.other_applicant:
            return self.other.headers
        if caller is Caller.no_token:
            return {}
        if caller is Caller.expired:
            return bearer(token(*everything, sub=self.owner.id, ttl=timedelta(minutes=-5)))
        if caller is Caller.bad_signature:
            return bearer(token(*everything, sub=self.owner.id, secret=OTHER_SECRET))
        return bearer(token(Role(caller.value), sub=f"{caller.value}-matrix"))


Body = Callable[[World], Any]


@dataclass(frozen=True)
class Row:
    """One operation: who passes its gate, and a request that is valid for it."""

    method: str
    path: str  # the OpenAPI template
    allowed: frozenset[Caller]
    #: The statuses an allowed caller gets with this request (the handler ran).
    outcome: frozenset[int]
    json: Body | None = None
    content: Body | None = None
    content_type: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    variant: str = ""
    #: The cycle in the path, when not the session's (an unknown one: 404 past the gate).
    year: int = YEAR

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}" + (f" ({self.variant})" if self.variant else "")

    def url(self, world: World) -> str:
        return (self.path.replace("{app_id}", world.owner.id)
                .replace("{year}", str(self.year)).replace("{number}", "1")
                .replace("{kind}", "degree"))


def cycle_body(_: World) -> dict[str, Any]:
    """A valid cycle whose year exists already: the admin gets 409, nothing is created."""
    return {"year": YEAR, "registration_start": f"{YEAR}/01/15",
            "registration_end": f"{YEAR}/01/25", "fee_rials": FEE,
            "cities": [{"province": "Tehran", "city": "Tehran", "capacity": 1, "priority": 1}]}


def codes(*statuses: int) -> frozenset[int]:
    return frozenset(statuses)


def empty_payloads(_: World) -> dict[str, Any]:
    return {"payloads": []}


DECISIONS = "/v1/applications/{app_id}/decisions"

#: Every operation. The owner's application stays at awaiting_payment until the last two rows
#: (withdraw, disqualify) close it, so the refusals of allowed callers are stable.
ROWS: list[Row] = [
    Row("POST", "/v1/codec/decode", only(Caller.auditor, Caller.security_officer), codes(200),
        json=empty_payloads),
    Row("POST", "/v1/session", only(Caller.auditor, Caller.security_officer), codes(204)),
    Row("DELETE", "/v1/session", EVERYONE, codes(204)),
    # Reference data: public, so every caller passes, even with a broken token.
    Row("GET", "/v1/places/provinces", EVERYONE, codes(200)),
    Row("POST", "/v1/cycles", only(Caller.admin), codes(409), json=cycle_body),
    Row("GET", "/v1/cycles/{year}", STAFF, codes(200)),
    # Registration is open to anyone: the owner's national id again is REG-5's 409.
    Row("POST", "/v1/cycles/{year}/applications", EVERYONE, codes(409),
        json=lambda w: form(national_id=w.owner.national_id)),
    Row("PUT", "/v1/applications/{app_id}/photo", only(Caller.applicant), codes(204),
        content=lambda _: image(), content_type="image/jpeg"),
    # A wrong amount: refused by REG-2 (422), so the application stays unpaid.
    Row("POST", "/v1/applications/{app_id}/payment", only(Caller.payment_gateway), codes(422),
        json=lambda _: {"reference": "MATRIX-1", "amount_rials": FEE - 1}),
    Row("GET", "/v1/applications/{app_id}", STAFF | {Caller.applicant}, codes(200)),
    Row("POST", DECISIONS, only(Caller.interviewer), codes(409), variant="interview",
        json=lambda _: {"stage": "interview", "outcome": "pass", "score": 80}),
    Row("POST", DECISIONS, only(Caller.qualification_officer), codes(409),
        variant="qualification",
        json=lambda _: {"stage": "qualification", "outcome": "pass", "checks": ALL_CHECKS}),
    Row("POST", DECISIONS, only(Caller.security_officer), codes(409), variant="security",
        json=lambda _: {"stage": "security", "outcome": "pass"}),
    # Nothing waits for a reviewer's decision: a claim is 409, a release finds none (200).
    Row("POST", "/v1/applications/{app_id}/claim", DECIDERS, codes(409)),
    Row("DELETE", "/v1/applications/{app_id}/claim", DECIDERS | {Caller.admin}, codes(200)),
    # Each item is refused on its own (wrong stage); the batch itself answers 200.
    Row("POST", "/v1/decisions/batch", only(Caller.interviewer), codes(200),
        json=lambda w: {"stage": "interview", "items": [
            {"application_id": w.owner.id, "outcome": "pass", "score": 80}]}),
    Row("POST", "/v1/applications/{app_id}/exam-result", only(Caller.exam_officer), codes(409),
        json=lambda _: PASS),
    Row("POST", "/v1/applications/{app_id}/office", only(Caller.licensing_officer), codes(409),
        json=lambda _: {"province": "Tehran", "city": "Tehran"}),
    # DOC-1: every case needs a degree; the list, the upload, the stored file (there once
    # the upload's row has run: rows run in any order).
    Row("GET", "/v1/applications/{app_id}/documents",
        only(Caller.applicant, Caller.qualification_officer, Caller.licensing_officer,
             Caller.auditor, Caller.admin), codes(200)),
    Row("PUT", "/v1/applications/{app_id}/documents/{kind}", only(Caller.applicant),
        codes(204), content=lambda _: b"%PDF-1.4\n% the degree\n%%EOF\n",
        content_type="application/pdf"),
    Row("GET", "/v1/applications/{app_id}/documents/{kind}/content",
        only(Caller.qualification_officer, Caller.licensing_officer, Caller.auditor,
             Caller.admin), codes(200, 404)),
    # DOC-2: the owner is not waiting for the qualification check or the licence (409).
    Row("POST", "/v1/applications/{app_id}/document-requests",
        only(Caller.qualification_officer, Caller.licensing_officer), codes(409),
        json=lambda _: {"kind": "degree", "reason": "unreadable"}),
    # The owner declared no occupation: ART11-1 proof is refused as needless (422).
    Row("POST", "/v1/applications/{app_id}/documents", only(Caller.applicant), codes(422),
        json=lambda _: {"kind": "occupation_ended", "reference": "DOC-1"}),
    Row("POST", "/v1/applications/{app_id}/licence", only(Caller.licensing_officer), codes(409)),
    Row("GET", "/v1/applications", STAFF, codes(200), params={"cycle": str(YEAR)}),
    Row("GET", "/v1/inbox", REVIEWERS, codes(200)),
    # The owner is not awaiting the exam: a row error (422), nothing is loaded.
    Row("POST", "/v1/cycles/{year}/exam-results", only(Caller.exam_officer), codes(422),
        json=lambda w: {"rows": [{"tracking_code": w.owner.tracking_code,
                                  "subjects": {"civil_law": {"correct": 1, "wrong": 0}}}]}),
    # The session's cycle has a pass mark loaded (a load without rows) from the start.
    Row("GET", "/v1/cycles/{year}/exam-results",
        only(Caller.exam_officer, Caller.admin, Caller.auditor), codes(200)),
    Row("GET", "/v1/cycles/{year}/exam-results/scores",
        only(Caller.exam_officer, Caller.admin, Caller.auditor), codes(200)),
    # That load has no rows: publishing it sends nothing, or is refused (409 EXAM-6) while
    # candidates of the session's cycle wait for the exam without a result.
    Row("POST", "/v1/cycles/{year}/exam-results/publish", only(Caller.exam_officer),
        codes(202, 409)),
    # A dry run only computes: the session's cycle is not allocated.
    Row("POST", "/v1/cycles/{year}/launch-rounds", only(Caller.licensing_officer), codes(200),
        json=lambda _: {"relocate": True}, params={"dry_run": "true"}),
    Row("GET", "/v1/cycles/{year}/launch-rounds",
        only(Caller.licensing_officer, Caller.admin, Caller.auditor), codes(200)),
    Row("GET", "/v1/cycles/{year}/launch-rounds/{number}",
        only(Caller.licensing_officer, Caller.admin, Caller.auditor), codes(404)),
    Row("GET", "/v1/cycles/{year}/stats", only(Caller.admin, Caller.auditor), codes(200)),
    Row("GET", "/v1/applications/{app_id}/history", only(Caller.auditor, Caller.admin),
        codes(200)),
    Row("GET", "/v1/applications/{app_id}/history/export", only(Caller.auditor), codes(200)),
    Row("POST", "/v1/audit/replay", only(Caller.auditor), codes(200),
        json=lambda w: {"application_id": w.owner.id}),
    Row("GET", "/v1/access-log", only(Caller.auditor), codes(200)),
    Row("GET", "/v1/notifications", only(Caller.admin, Caller.auditor), codes(200),
        params={"application_id": "0123456789abcdef"}),
    Row("GET", "/v1/cycles", STAFF, codes(200)),
    # An amendment that changes nothing: refused (422 CYC-1), the cycle stays as it is.
    Row("PATCH", "/v1/cycles/{year}", only(Caller.admin), codes(422), json=lambda _: {}),
    Row("GET", "/v1/cycles/{year}/amendments", STAFF, codes(200)),
    # The exam day falls before the cycle's registration ends: REG-1 refuses it (422).
    Row("PUT", "/v1/cycles/{year}/exam-sessions", only(Caller.exam_officer), codes(422),
        json=lambda _: {"exam_date": f"{YEAR}/06/01", "start_time": "09:00",
                        "card_date": f"{YEAR}/05/28", "venues": [
                            {"province": "Tehran", "city": "Tehran", "name": "Hall",
                             "address": "Street 1", "seats": 10}]}),
    Row("GET", "/v1/cycles/{year}/exam-sessions", STAFF, codes(404)),
    # No seat yet: no card (409).
    Row("GET", "/v1/applications/{app_id}/admission-card", STAFF | {Caller.applicant},
        codes(409)),
    # Nothing decided, nothing ended, nothing waits: each correction is 409.
    Row("POST", "/v1/applications/{app_id}/reopen", only(Caller.admin), codes(409),
        json=lambda _: {"stage": "interview", "reason": "matrix"}),
    Row("POST", "/v1/applications/{app_id}/reinstate", only(Caller.admin), codes(409),
        json=lambda _: {"reason": "matrix"}),
    Row("POST", "/v1/applications/{app_id}/assign", only(Caller.admin), codes(409),
        json=lambda _: {"reviewer": "matrix"}),
    # A cycle that does not exist (404): closing the session's would end its use.
    Row("POST", "/v1/cycles/{year}/close", only(Caller.admin), codes(404), year=1499),
    # Last: these two close the owner's application (whichever comes first; then 409).
    Row("POST", "/v1/applications/{app_id}/withdraw", only(Caller.applicant), codes(200, 409),
        json=lambda _: {"reason": "matrix"}),
    Row("POST", "/v1/applications/{app_id}/disqualify", only(Caller.admin), codes(200, 409),
        json=lambda _: {"reason": "matrix"}),
]


def gated(path: str) -> bool:
    return path not in UNGATED_PATHS and not path.startswith(UNGATED_PREFIXES)


@pytest.fixture(scope="module")
async def world(api: httpx.AsyncClient, cycle: int) -> World:
    """One owner and one other applicant, shared by every cell of this module."""
    owner, other = await asyncio.gather(register(api), register(api))
    return World(owner=owner, other=other)


async def test_every_endpoint_has_a_row(api: httpx.AsyncClient) -> None:
    r = await api.get("/openapi.json")
    assert r.status_code == 200, r.text
    served = {(method.upper(), path) for path, ops in r.json()["paths"].items()
              for method in ops if gated(path)}
    table = {(row.method, row.path) for row in ROWS}
    assert served - table == set(), "endpoints without a row in the matrix"
    assert table - served == set(), "rows for endpoints the API does not serve"
    assert len({row.id for row in ROWS}) == len(ROWS)


def expectation(row: Row, caller: Caller) -> str:
    if caller in row.allowed:
        return "allow"
    return "401" if caller in UNAUTHENTICATED else "403"


def verdict(row: Row, caller: Caller, r: httpx.Response) -> str | None:
    """None when `r` is what the matrix says `caller` gets; else what went wrong."""
    expected = expectation(row, caller)
    if expected == "allow":
        expected = f"allow ({', '.join(map(str, sorted(row.outcome)))})"
    got = f"{caller.value}: expected {expected}, got {r.status_code} {r.text[:300]}"
    if caller in row.allowed:
        return None if r.status_code in row.outcome else got
    if r.status_code != int(expected):
        return got
    error = r.json()["error"]
    code = UNAUTHENTICATED.get(caller, "forbidden")
    if error["code"] != code:
        return f"{caller.value}: expected code {code}, got {error['code']}"
    rules_of(r)  # docs/api.md's error shape
    return None


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
async def test_matrix(api: httpx.AsyncClient, world: World, row: Row) -> None:
    async def send(caller: Caller) -> httpx.Response:
        headers = world.headers(caller)
        if row.content_type:
            headers = {**headers, "content-type": row.content_type}
        return await api.request(
            row.method, row.url(world), headers=headers, params=row.params,
            json=row.json(world) if row.json else None,
            content=row.content(world) if row.content else None)

    callers = list(Caller)
    responses = await asyncio.gather(*(send(c) for c in callers))
    wrong = [v for c, r in zip(callers, responses, strict=True)
             if (v := verdict(row, c, r)) is not None]
    assert wrong == [], "\n".join(wrong)


#: Rows whose role follows from the body (the decided stage): a body that does not parse as
#: the route's model cannot name its role, so a signed-in caller gets 422 before any 403.
ROLE_FROM_BODY = {DECISIONS, "/v1/decisions/batch"}


@pytest.mark.parametrize("row", [r for r in ROWS if r.json is not None and r.allowed != EVERYONE],
                         ids=lambda row: row.id)
async def test_a_malformed_body_does_not_pass_the_gate(api: httpx.AsyncClient, world: World,
                                                      row: Row) -> None:
    """FastAPI resolves the auth dependencies before it validates the body: an object of the
    wrong shape still gets 401 without a token and 403 for a role that may not call."""
    denied = next(c for c in Caller if c not in row.allowed and c not in UNAUTHENTICATED)
    body = {"unexpected": ["not", "this", "route's", "shape"]}
    anonymous, forbidden = await asyncio.gather(
        api.request(row.method, row.url(world), json=body, params=row.params),
        api.request(row.method, row.url(world), json=body, params=row.params,
                    headers=world.headers(denied)))
    assert anonymous.status_code == 401, anonymous.text
    expected = 422 if row.path in ROLE_FROM_BODY else 403
    assert forbidden.status_code == expected, (denied, forbidden.text)
