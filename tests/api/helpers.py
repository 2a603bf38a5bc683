"""Helpers of the API tests: tokens, cycles, registration, photos and one step of the path
each."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from daftar.contracts.ids import applicant_workflow_id
from daftar.domain import jalali
from daftar.domain.stages import Role
from daftar.services.auth import issue_token
from daftar.store.models import ExamLoad
from daftar.store.objects import ObjectStore
from tests.factories import ALL_CHECKS, form

SECRET = "api-test-signing-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ID_KEY = "api-test-identity-key"
YEAR = 1405
FEE = 2_000_000
#: The pass mark (EXAM-2) of the test cycles' exam results until a test loads real ones.
PASS_MARK = Decimal(5500)
#: One candidate's exam result above any pass mark the tests' cycles get.
PASS = {"total_score": "6000"}

T = TypeVar("T")


@dataclass
class Stack:
    """The running stack: Temporal, its client, the read model, the object store and the
    API's base URL."""

    env: WorkflowEnvironment
    engine: Engine
    task_queue: str
    base_url: str
    objects: ObjectStore


def load_pass_mark(engine: Engine, year: int, mark: Decimal = PASS_MARK) -> None:
    """Cycle `year`'s exam results as loaded, for what a single candidate's result needs of
    them: the pass mark (EXAM-2). Written into the read model beside the API, as a load with
    no scored rows; a test that loads results through the API replaces it."""
    with Session(engine) as session:
        if session.get(ExamLoad, year) is None:
            session.add(ExamLoad(cycle=year, scale=Decimal(2000), pass_mark=mark, top_count=0,
                                 top_mean=mark / Decimal("0.7"), candidates=0, passed=0,
                                 loaded_by="tests", loaded_at=datetime.now(UTC)))
            session.commit()


def registration_window(today: jalali.JalaliDate) -> tuple[str, str]:
    """From three days before `today` to ten days after, as Jalali `YYYY/MM/DD`."""
    day = jalali.to_gregorian(today)
    return (str(jalali.from_gregorian(day - timedelta(days=3))),
            str(jalali.from_gregorian(day + timedelta(days=10))))


def cycle_body(year: int, *cities: str, capacity: int = 5, **fields: Any) -> dict[str, Any]:
    """Cycle `year`, its registration window holding today in Tehran, the fee FEE, and the
    `cities` (each its own province; Tehran alone by default) in that priority, `capacity`
    each; `fields` add to the body or replace its parts."""
    start, end = registration_window(jalali.business_day(datetime.now(UTC)))
    return {"year": year, "registration_start": start, "registration_end": end,
            "fee_rials": FEE,
            "cities": [{"province": city, "city": city, "capacity": capacity, "priority": i}
                       for i, city in enumerate(cities or ("Tehran",), start=1)],
            **fields}


async def open_cycle(api: httpx.AsyncClient, year: int, *cities: str, capacity: int = 5,
                     engine: Engine | None = None) -> dict[str, Any]:
    """Create `cycle_body`'s cycle as the admin: the API's answer. With `engine` (the read
    model behind the API), a pass mark for single candidates' exam results too."""
    r = await api.post("/v1/cycles", json=cycle_body(year, *cities, capacity=capacity),
                       headers=auth(Role.admin))
    assert r.status_code == 201, r.text
    if engine is not None:
        load_pass_mark(engine, year)
    body: dict[str, Any] = r.json()
    return body


def token(*roles: Role, sub: str | None = None, ttl: timedelta = timedelta(hours=1),
          secret: str = SECRET) -> str:
    """A signed token; `sub` defaults to the first role's name."""
    return issue_token(secret, sub=sub or roles[0].value, roles=list(roles), ttl=ttl)


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


def auth(*roles: Role, sub: str | None = None) -> dict[str, str]:
    """Headers of a staff or service principal with `roles`."""
    return bearer(token(*roles, sub=sub))


@dataclass
class Applicant:
    """A registered applicant, as the registration response gave it."""

    id: str
    token: str
    tracking_code: str
    national_id: str
    veteran: bool = False

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)

    @property
    def checks(self) -> dict[str, bool]:
        """A passing QUAL-1 checklist for a man: a veteran's has no AGE-1 (exempt)."""
        return {r: ok for r, ok in ALL_CHECKS.items() if not (self.veteran and r == "AGE-1")}


async def register(api: httpx.AsyncClient, year: int = YEAR, **overrides: Any) -> Applicant:
    """Register a valid applicant (form() with `overrides`) in cycle `year`."""
    data = form(**overrides)
    r = await api.post(f"/v1/cycles/{year}/applications", json=data)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stage"] == "awaiting_payment"
    return Applicant(id=body["application_id"], token=body["applicant_token"],
                     tracking_code=body["tracking_code"], national_id=data["national_id"],
                     veteran=data["quota"]["kind"] == "veteran")


def image(fmt: str = "JPEG", size: tuple[int, int] = (250, 350)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, fmt)
    return buf.getvalue()


async def put_photo(api: httpx.AsyncClient, app: Applicant,
                    data: bytes | None = None) -> httpx.Response:
    return await api.put(f"/v1/applications/{app.id}/photo", content=data or image(),
                         headers={**app.headers, "content-type": "image/jpeg"})


async def pay(api: httpx.AsyncClient, app: Applicant, reference: str | None = None,
              amount: int = FEE) -> httpx.Response:
    return await api.post(f"/v1/applications/{app.id}/payment",
                          json={"reference": reference or f"PAY-{app.id}",
                                "amount_rials": amount},
                          headers=auth(Role.payment_gateway, sub="gateway"))


async def decide(api: httpx.AsyncClient, app: Applicant, role: Role, body: dict[str, Any],
                 sub: str | None = None) -> httpx.Response:
    return await api.post(f"/v1/applications/{app.id}/decisions", json=body,
                          headers=auth(role, sub=sub))


#: For each stage that waits on someone: the role that moves it on, and the sub it acts as.
STAGE_ROLE: dict[str, Role] = {
    "awaiting_payment": Role.payment_gateway,
    "awaiting_exam": Role.exam_officer,
    "awaiting_interview": Role.interviewer,
    "awaiting_qualification": Role.qualification_officer,
    "awaiting_security": Role.security_officer,
    "awaiting_launch": Role.licensing_officer,
    "awaiting_licence": Role.licensing_officer,
}


async def step(api: httpx.AsyncClient, app: Applicant, stage: str,
               security_reason: str | None = None) -> httpx.Response:
    """Move `app` on from `stage` by the call its role makes there (a passing one)."""
    role = STAGE_ROLE[stage]
    sub = f"{role.value}-1"
    path = f"/v1/applications/{app.id}"
    if stage == "awaiting_payment":
        r = await put_photo(api, app)
        assert r.status_code == 204, r.text
        return await pay(api, app)
    if stage == "awaiting_exam":
        return await api.post(f"{path}/exam-result", json=PASS, headers=auth(role, sub=sub))
    if stage == "awaiting_interview":
        return await decide(api, app, role, {"stage": "interview", "outcome": "pass",
                                             "score": 80}, sub=sub)
    if stage == "awaiting_qualification":
        return await decide(api, app, role, {"stage": "qualification", "outcome": "pass",
                                             "checks": app.checks}, sub=sub)
    if stage == "awaiting_security":
        return await decide(api, app, role, {"stage": "security", "outcome": "pass",
                                             "reason": security_reason}, sub=sub)
    if stage == "awaiting_launch":
        return await api.post(f"{path}/office", json={"province": "Tehran", "city": "Tehran"},
                              headers=auth(role, sub=sub))
    assert stage == "awaiting_licence", stage
    return await api.post(f"{path}/licence", headers=auth(role, sub=sub))


def stage_of(r: httpx.Response) -> str:
    body = r.json()
    stage: str = body["application"]["stage"] if "application" in body else body["stage"]
    return stage


async def advance(api: httpx.AsyncClient, app: Applicant, until: str,
                  security_reason: str | None = None) -> None:
    """Move `app` from registration on, passing every stage, until it stands at `until`."""
    stage = "awaiting_payment"
    while stage != until:
        r = await step(api, app, stage, security_reason=security_reason)
        assert r.status_code == 200, r.text
        stage = stage_of(r)


async def get_app(api: httpx.AsyncClient, app: Applicant,
                  headers: dict[str, str]) -> dict[str, Any]:
    r = await api.get(f"/v1/applications/{app.id}", headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def eventually(check: Callable[[], Awaitable[T | None]], what: str,
                     attempts: int = 150, delay: float = 0.1) -> T:
    """The first truthy result of `check`, polled a bounded number of times."""
    for _ in range(attempts):
        result = await check()
        if result:
            return result
        await asyncio.sleep(delay)
    raise AssertionError(f"never happened: {what}")


def rules_of(r: httpx.Response) -> list[str]:
    """The rule ids of an error response, after checking docs/api.md's error shape."""
    error = r.json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str)
    return [v["rule"] for v in error["rules"]]


def quiet(events: list[dict[str, Any]]) -> bool:
    """Whether an exported history (the CLI's JSON) has no workflow task and no activity in
    flight: it stays as it is until the next update or timer."""
    open_task = False
    running: set[str] = set()
    for e in events:
        kind = e.get("eventType", "")
        if kind == "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED":
            open_task = True
        elif kind in ("EVENT_TYPE_WORKFLOW_TASK_COMPLETED", "EVENT_TYPE_WORKFLOW_TASK_FAILED",
                      "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT"):
            open_task = False
        elif kind == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED":
            running.add(e["eventId"])
        elif kind.startswith("EVENT_TYPE_ACTIVITY_TASK_") and kind != (
                "EVENT_TYPE_ACTIVITY_TASK_STARTED"):
            attributes = next(v for k, v in e.items() if k.endswith("EventAttributes"))
            running.discard(attributes["scheduledEventId"])
    return not open_task and not running


async def quiet_export(api: httpx.AsyncClient, app: Applicant) -> dict[str, Any]:
    """The auditor's export of `app`'s history once nothing is in flight in it (its SMS,
    NOTE-1, are sent by activities that run on after the update that queued them)."""

    async def exported() -> dict[str, Any] | None:
        r = await api.get(f"/v1/applications/{app.id}/history/export",
                          headers=auth(Role.auditor))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body if quiet(body["history"]["events"]) else None

    return await eventually(exported, f"a quiet history of {app.id}")


async def quiet_history(stack: Stack, app: Applicant) -> Any:
    """`app`'s workflow history, read once nothing is in flight in it (see `quiet`)."""
    handle = stack.env.client.get_workflow_handle(applicant_workflow_id(app.id))

    async def read() -> Any:
        history = await handle.fetch_history()
        return history if quiet(history.to_json_dict()["events"]) else None

    return await eventually(read, f"a quiet history of {app.id}")
