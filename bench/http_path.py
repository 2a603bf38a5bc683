"""Registrations and whole applicant paths through the HTTP API, each call timed.

A path is what tests/api/helpers.py `step` does stage by stage: register, photo, payment,
exam result, the interview, qualification and security decisions, an office and the licence.
Every call after the registration is one workflow update.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import httpx

from bench.common import progress
from bench.data import ALL_CHECKS, CITIES, FEE, PASS, cycle_body, form, photo
from bench.stack import Stack
from daftar.domain.stages import Role

#: The calls of one path in order; all but the first are workflow updates.
STEPS = ["register", "photo", "payment", "exam", "interview", "qualification", "security",
         "office", "licence"]
UPDATES = STEPS[1:]


class CallFailed(RuntimeError):
    pass


@dataclass
class Phase:
    """What a phase did: how many finished, in what wall time, each call's latencies."""

    done: int = 0
    wall: float = 0.0
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by process
    sample: str = ""  # one workflow id this phase drove (its history is counted)
    #: When each job finished, in seconds from the phase's start (`concurrently` fills it).
    finished: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.done / self.wall if self.wall else 0.0

    def rates(self, parts: int) -> list[float]:
        """Jobs/s over each of `parts` equal counts of finished jobs, in order: whether the
        phase slowed as it went on."""
        at = sorted(self.finished)
        if len(at) < parts:
            return []
        edges = [round(i * len(at) / parts) for i in range(parts + 1)]
        out = []
        for lo, hi in pairwise(edges):
            began = at[lo - 1] if lo else 0.0
            span = at[hi - 1] - began
            out.append((hi - lo) / span if span > 0 else 0.0)
        return out

    def all_of(self, labels: list[str]) -> list[float]:
        return [x for label in labels for x in self.latency.get(label, [])]


class Driver:
    """The HTTP client side: one connection per concurrent client, staff tokens made once."""

    def __init__(self, stack: Stack, http: httpx.AsyncClient) -> None:
        self.http = http
        self.staff = {role: stack.token(role) for role in Role}

    async def call(self, phase: Phase, label: str, method: str, path: str, expect: int,
                   **kw: Any) -> Any:
        started = time.perf_counter()
        r = await self.http.request(method, path, **kw)
        elapsed = time.perf_counter() - started
        if r.status_code != expect:
            phase.errors.append(f"{label}: {r.status_code} {r.text[:300]}")
            raise CallFailed(label)
        phase.latency[label].append(elapsed)
        return r.json() if r.content else None

    async def create_cycle(self, year: int, capacity: int) -> None:
        r = await self.http.post("/v1/cycles", json=cycle_body(year, capacity),
                                 headers=self.staff[Role.admin])
        if r.status_code != 201:
            raise SystemExit(f"creating cycle {year}: {r.status_code} {r.text}")

    async def converged(self, year: int, expected: dict[str, int], seconds: float = 60) -> str:
        """Poll the cycle's stats until they count `expected` per stage; what they showed."""
        counts: dict[str, int] = {}
        for _ in range(int(seconds * 4)):
            r = await self.http.get(f"/v1/cycles/{year}/stats", headers=self.staff[Role.admin])
            counts = {stage: sum(by.values()) for stage, by in r.json()["counts"].items()}
            if counts == expected:
                return "as expected: " + ", ".join(f"{s} {n}" for s, n in sorted(counts.items()))
            await asyncio.sleep(0.25)
        return f"WRONG: {counts}, expected {expected}"

    async def register(self, phase: Phase, year: int, serial: int) -> tuple[str, str]:
        province, city, _ = CITIES[0]
        body = await self.call(phase, "register", "POST", f"/v1/cycles/{year}/applications",
                               201, json=form(serial, province, city))
        return body["application_id"], body["applicant_token"]

    async def path(self, phase: Phase, year: int, serial: int) -> None:
        app_id, token = await self.register(phase, year, serial)
        phase.sample = app_id
        at, s = f"/v1/applications/{app_id}", self.staff
        await self.call(phase, "photo", "PUT", f"{at}/photo", 204, content=photo(), headers={
            "Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"})
        await self.call(phase, "payment", "POST", f"{at}/payment", 200, headers=s[
            Role.payment_gateway], json={"reference": f"PAY-{app_id}", "amount_rials": FEE})
        await self.call(phase, "exam", "POST", f"{at}/exam-result", 200, json=PASS,
                        headers=s[Role.exam_officer])
        for stage, role, extra in (
                ("interview", Role.interviewer, {"score": 80}),
                ("qualification", Role.qualification_officer, {"checks": ALL_CHECKS}),
                ("security", Role.security_officer, {"reason": None})):
            await self.call(phase, stage, "POST", f"{at}/decisions", 200, headers=s[role],
                            json={"stage": stage, "outcome": "pass", **extra})
        await self.call(phase, "office", "POST", f"{at}/office", 200, headers=s[
            Role.licensing_officer], json={"province": CITIES[0][0], "city": CITIES[0][1]})
        body = await self.call(phase, "licence", "POST", f"{at}/licence", 200,
                               headers=s[Role.licensing_officer])
        if body["application"]["stage"] != "licensed":
            phase.errors.append(f"licence: stage {body['application']['stage']}")
            raise CallFailed("licence")


async def concurrently(count: int, concurrency: int, job: Callable[[int], Awaitable[None]],
                       phase: Phase, label: str) -> Phase:
    """`job(i)` for i in range(count) from `concurrency` clients; a failed job is counted
    as an error and the client goes on with the next."""
    queue = list(range(count))[::-1]
    started = time.perf_counter()

    async def client() -> None:
        while queue:
            i = queue.pop()
            try:
                await job(i)
                phase.done += 1
                phase.finished.append(time.perf_counter() - started)
            except (CallFailed, httpx.HTTPError) as err:
                if not isinstance(err, CallFailed):
                    phase.errors.append(f"{label}: {err!r}")
            if phase.done % 50 == 0:
                progress(f"  {label}: {phase.done}/{count}")

    await asyncio.gather(*(client() for _ in range(concurrency)))
    phase.wall = time.perf_counter() - started
    progress(f"  {label}: {phase.done}/{count} in {phase.wall:.1f} s", done=True)
    return phase


def http_client(stack: Stack, concurrency: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=stack.base_url, timeout=120,
        limits=httpx.Limits(max_connections=concurrency,
                            max_keepalive_connections=concurrency))


async def registrations(driver: Driver, year: int, count: int, concurrency: int) -> Phase:
    phase = Phase()

    async def one(i: int) -> None:
        await driver.register(phase, year, i)

    return await concurrently(count, concurrency, one, phase, "registrations")


async def paths(driver: Driver, year: int, count: int, concurrency: int,
                first_serial: int) -> Phase:
    phase = Phase()

    async def one(i: int) -> None:
        await driver.path(phase, year, first_serial + i)

    return await concurrently(count, concurrency, one, phase, "full paths")
