"""Applicants walked along the path over HTTP while something breaks underneath.

A request that fails with 503 or a broken connection may or may not have been applied, so it
is sent again. The retry must then find the step applied exactly once: either it is applied
now (200), or it is refused as already done (409) and the application indeed stands at the
next stage. Any other answer (a 500, a 409 without a lost answer before it, a stage that is
not the next one) fails the walk with the evidence.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from daftar.domain.identity import application_id
from daftar.domain.stages import Role
from tests.api.helpers import FEE, ID_KEY, PASS, auth, image
from tests.factories import ALL_CHECKS, form

#: Each step of the path after registration, and the stage it leaves the application at.
STEPS: list[tuple[str, str]] = [
    ("photo", "awaiting_payment"),
    ("payment", "awaiting_exam"),
    ("exam", "awaiting_interview"),
    ("interview", "awaiting_qualification"),
    ("qualification", "awaiting_security"),
    ("security", "awaiting_launch"),
    ("office", "awaiting_licence"),
    ("licence", "licensed"),
]
#: Requests a whole path takes: registration, then one per step.
REQUESTS_PER_PATH = 1 + len(STEPS)
ATTEMPTS = 120
PAUSE = 0.5


@dataclass
class Walk:
    """Walkers sharing one bound on requests in flight, and what they saw."""

    concurrency: int
    #: Seconds a walker waits for an answer before it gives up and sends again (None: the
    #: client's default); a short one makes clients retry while their first try is pending.
    timeout: float | None = None
    stage: dict[str, str] = field(default_factory=dict)  # application id → where it stands
    done: int = 0  # requests whose step is applied
    retried: Counter[str] = field(default_factory=Counter)  # why a request was sent again
    confirmed: int = 0  # retries refused (409) because the lost attempt had applied the step
    window: bool = False  # set by a test while something is down
    applied_in_window: int = 0  # updates the workflows accepted meanwhile (200)

    def __post_init__(self) -> None:
        self.limit = asyncio.Semaphore(self.concurrency)

    def status(self) -> str:
        """Where the walk stands, for a failure message."""
        return f"{self.done} steps applied, stages {dict(Counter(self.stage.values()))}, " \
               f"retried {dict(self.retried)}, {self.confirmed} found already applied"

    def mid_path(self) -> int:
        return sum(1 for s in self.stage.values() if s != "licensed")

    async def reached(self, requests: int, walkers: list[asyncio.Task[str]]) -> None:
        """Until `requests` steps are applied; a walker's failure is raised at once."""
        while self.done < requests:
            for w in walkers:
                if w.done() and w.exception() is not None:
                    await w
            await asyncio.sleep(0.02)

    async def send(self, api: httpx.AsyncClient, method: str, url: str,
                   **kwargs: Any) -> httpx.Response | None:
        """One request within the bound; None when no answer came (the step may be applied)."""
        async with self.limit:
            try:
                timeout = httpx.USE_CLIENT_DEFAULT if self.timeout is None else self.timeout
                return await api.request(method, url, timeout=timeout, **kwargs)
            except httpx.TransportError as err:
                self.retried[type(err).__name__] += 1
                return None

    async def lost(self, r: httpx.Response | None) -> bool:
        """Whether the answer was lost (503 or no answer): the caller sends again."""
        if r is None or r.status_code == 503:
            if r is not None:
                self.retried["503"] += 1
            await asyncio.sleep(PAUSE)
            return True
        return False

    async def register(self, api: httpx.AsyncClient, year: int) -> str:
        data = form()
        app_id = application_id(ID_KEY.encode(), year, data["national_id"])
        uncertain = False
        for _ in range(ATTEMPTS):
            r = await self.send(api, "POST", f"/v1/cycles/{year}/applications", json=data)
            if await self.lost(r):
                uncertain = True
                continue
            assert r is not None
            if r.status_code == 409 and uncertain and r.json()["error"]["code"] == "duplicate":
                self.confirmed += 1  # the lost attempt had started the workflow
            else:
                assert r.status_code == 201, r.text
                assert r.json()["application_id"] == app_id
            self.stage[app_id] = "awaiting_payment"
            self.done += 1
            return app_id
        raise AssertionError(f"registration never got through: {self.retried}")

    async def step(self, api: httpx.AsyncClient, app_id: str, step: str, after: str) -> None:
        uncertain = False
        for _ in range(ATTEMPTS):
            method, url, kwargs = request(app_id, step)
            r = await self.send(api, method, url, **kwargs)
            if await self.lost(r):
                uncertain = True
                continue
            assert r is not None
            if r.status_code == 409 and uncertain:
                now = await self.current_stage(api, app_id)
                assert now == after, f"{app_id} {step}: 409 {r.text}, yet at {now}"
                self.confirmed += 1
            else:
                assert r.status_code in (200, 204), f"{app_id} {step}: {r.status_code} {r.text}"
                if r.status_code == 200:
                    body = r.json()
                    now = body["application"]["stage"] if "application" in body \
                        else body["stage"]
                    assert now == after, f"{app_id} {step}: at {now}, not {after}"
                    if self.window:
                        self.applied_in_window += 1
            self.stage[app_id] = after
            self.done += 1
            return
        raise AssertionError(f"{app_id} {step} never got through: {self.retried}")

    async def current_stage(self, api: httpx.AsyncClient, app_id: str) -> str:
        for _ in range(ATTEMPTS):
            r = await self.send(api, "GET", f"/v1/applications/{app_id}",
                                 headers=auth(Role.admin))
            if not await self.lost(r):
                assert r is not None and r.status_code == 200, r and r.text
                stage: str = r.json()["stage"]
                return stage
        raise AssertionError(f"{app_id}: its state never came back")

    async def path(self, api: httpx.AsyncClient, year: int, until: str = "licensed") -> str:
        """Register one applicant and walk it until it stands at `until`."""
        app_id = await self.register(api, year)
        for step, after in STEPS:
            if self.stage[app_id] == until:
                break
            await self.step(api, app_id, step, after)
        return app_id


def request(app_id: str, step: str) -> tuple[str, str, dict[str, Any]]:
    """The HTTP call that takes `step` for `app_id`, by the role whose step it is."""
    path = f"/v1/applications/{app_id}"
    if step == "photo":
        return "PUT", f"{path}/photo", {"content": image(), "headers": {
            **auth(Role.applicant, sub=app_id), "content-type": "image/jpeg"}}
    if step == "payment":
        return "POST", f"{path}/payment", {
            "json": {"reference": f"PAY-{app_id}", "amount_rials": FEE},
            "headers": auth(Role.payment_gateway, sub="gateway")}
    if step == "exam":
        return "POST", f"{path}/exam-result", {"json": PASS,
                                               "headers": auth(Role.exam_officer)}
    if step in ("interview", "qualification", "security"):
        role = {"interview": Role.interviewer, "qualification": Role.qualification_officer,
                "security": Role.security_officer}[step]
        body: dict[str, Any] = {"stage": step, "outcome": "pass"}
        body |= {"interview": {"score": 80}, "qualification": {"checks": ALL_CHECKS},
                 "security": {}}[step]
        return "POST", f"{path}/decisions", {"json": body, "headers": auth(role)}
    if step == "office":
        return "POST", f"{path}/office", {"json": {"province": "Tehran", "city": "Tehran"},
                                          "headers": auth(Role.licensing_officer)}
    assert step == "licence", step
    return "POST", f"{path}/licence", {"headers": auth(Role.licensing_officer)}
