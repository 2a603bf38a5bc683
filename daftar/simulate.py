"""`daftar simulate`: a whole cycle driven through the HTTP API only, as its users would.

Cycle, registrations, photos and payments, exam results and their publication, reviews, a
launch round, documents and licences: every step is an HTTP call, and progress is read back
from the API, never from Temporal or the database. `random.Random(seed)` draws the cohort up
front, so a run is reproducible whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import io
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO, TypeVar

import httpx
from PIL import Image

from daftar.domain import jalali
from daftar.domain.decisions import qualification_checklist
from daftar.domain.stages import Role

Tokens = Callable[[str, list[Role]], str]
Progress = Callable[[str, int, int], None]
T = TypeVar("T")

FEE = 2_000_000
#: province, city, share of applicants choosing it, seats per applicant, neighbours (LAUNCH-1).
CITIES: list[tuple[str, str, float, float, list[tuple[str, str]]]] = [
    ("Tehran", "Tehran", 0.30, 0.03, []),
    ("Tehran", "Rey", 0.08, 0.01, [("Qom", "Qom")]),
    ("Tehran", "Shahriar", 0.07, 0.01, []),
    ("Isfahan", "Isfahan", 0.20, 0.03, []),
    ("Isfahan", "Kashan", 0.10, 0.01, [("Qom", "Qom")]),
    ("Qom", "Qom", 0.25, 0.02, [("Tehran", "Rey"), ("Isfahan", "Kashan")]),
]
VETERAN_CATEGORIES = ("martyr_family", "disabled_veteran", "freed_prisoner", "combatant",
                      "disabled_veteran_family", "combatant_child")
FIRST = ("Ali", "Zahra", "Reza", "Maryam", "Hossein", "Fatemeh", "Mehdi", "Sara", "Amir", "Leila")
LAST = ("Rezaei", "Mohammadi", "Hosseini", "Ahmadi", "Karimi", "Moradi", "Jafari", "Sadeghi")


class SimulationError(RuntimeError):
    """The stack refused, or never reached, a step the simulation needs."""


@dataclass
class SimulationReport:
    """What one simulated cycle came to, read back from the API."""

    year: int
    applicants: int
    counts: dict[str, int]  # final stage → applications (GET .../stats)
    exam_candidates: int
    exam_passed: int
    pass_mark: Decimal
    cleared: int  # passed interview, qualification and security
    placed: int
    waiting: int
    licences: int
    phases: dict[str, float] = field(default_factory=dict)  # phase → seconds

    def lines(self) -> list[str]:
        return [f"cycle {self.year}: {self.applicants} applicants in "
                f"{sum(self.phases.values()):.1f} s",
                f"exam: {self.exam_candidates} candidates, pass mark {self.pass_mark:.2f}, "
                f"{self.exam_passed} passed; {self.cleared} cleared every review",
                f"launch round: {self.placed} placed, {self.waiting} waiting; "
                f"licences issued: {self.licences}",
                "final stages: " + ", ".join(f"{s} {n}" for s, n in sorted(self.counts.items())),
                "phases (s): " + ", ".join(f"{p} {s:.1f}" for p, s in self.phases.items())]


@dataclass
class _Person:
    """One applicant as drawn up front, then as registered (id, code, token)."""

    form: dict[str, Any]
    ability: float
    fates: dict[str, bool]  # stage → passes
    application_id: str = ""
    tracking_code: str = ""
    token: str = ""


def national_id(serial: int) -> str:
    """A valid national code (REG-5, DOMAIN.md "Iranian national code") for a 9-digit body."""
    body = f"{serial % 10**9:09d}"
    r = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    return body + str(r if r < 2 else 11 - r)


def _draw(rng: random.Random, serial: int, today: jalali.JalaliDate) -> _Person:
    male, born = rng.random() < 0.6, today.year - rng.randint(26, 48)
    level = rng.choice(("bachelor",) * 6 + ("master",) * 3 + ("doctorate", "seminary_2"))
    graduated = min(born + rng.randint(22, 26), today.year - 2)
    degree: dict[str, Any] = {"level": level,
                              "graduation_date": f"{graduated}/{rng.randint(1, 12):02d}/01"}
    if not level.startswith("seminary"):
        degree["field"] = rng.choice(("law", "law", "islamic_jurisprudence", "judicial_sciences"))
    quota: dict[str, Any] = {"kind": "free"}
    if rng.random() < 0.10:
        quota = {"kind": "veteran", "category": rng.choice(VETERAN_CATEGORIES)}
        if quota["category"].startswith("combatant"):
            quota["organisation_code"] = f"{rng.randrange(10**11, 10**12)}"
    province, city, *_ = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
    form = {
        "national_id": national_id(serial), "first_name": rng.choice(FIRST),
        "last_name": rng.choice(LAST), "father_name": rng.choice(FIRST),
        "birth_date": f"{born}/{rng.randint(1, 12):02d}/{rng.randint(1, 29):02d}",
        "gender": "male" if male else "female", "degree": degree,
        "computer_certificate": True, "experience_years": 3 + rng.randint(0, 12),
        "occupation": "attorney" if rng.random() < 0.05 else "none", "quota": quota,
        "province": province, "city": city, "mobile": f"0912{rng.randrange(10**7):07d}",
    }
    if male:
        form["military_service"] = rng.choice(("completed",) * 4 + ("permanent_exemption",))
    fates = {"interview": rng.random() > 0.05, "qualification": rng.random() > 0.03,
             "security": rng.random() > 0.04}
    return _Person(form=form, ability=rng.betavariate(2, 3), fates=fates)


def _photo(shade: int) -> bytes:
    """A 250×350 JPG within REG-4, one shade per applicant."""
    buf = io.BytesIO()
    Image.new("RGB", (250, 350), (shade, 200, 255 - shade)).save(buf, "JPEG")
    return buf.getvalue()


def _cycle_body(year: int, applicants: int, today: jalali.JalaliDate) -> dict[str, Any]:
    """A cycle whose window holds `today` (Tehran), with seats for a part of the applicants."""
    day = jalali.to_gregorian(today)
    cities = [{"province": p, "city": c, "capacity": max(1, round(applicants * seats)),
               "priority": i + 1, "neighbours": [{"province": q, "city": d} for q, d in near]}
              for i, (p, c, _, seats, near) in enumerate(CITIES)]
    return {"year": year, "fee_rials": FEE, "cities": cities,
            "registration_start": str(jalali.from_gregorian(day - timedelta(days=3))),
            "registration_end": str(jalali.from_gregorian(day + timedelta(days=20)))}


class _Sim:
    def __init__(self, client: httpx.AsyncClient, *, year: int, tokens: Tokens,
                 concurrency: int, progress: Progress | None) -> None:
        self.client, self.year, self._tokens = client, year, tokens
        self.limit = asyncio.Semaphore(concurrency)
        self._progress = progress or (lambda phase, done, total: None)
        self._headers: dict[Role, dict[str, str]] = {}
        self.patience = 60.0  # seconds any one wait may take

    def staff(self, role: Role) -> dict[str, str]:
        return self._headers.setdefault(role, {
            "Authorization": f"Bearer {self._tokens(f'sim-{role.value}', [role])}"})

    async def call(self, method: str, path: str, *, headers: dict[str, str],
                   expect: tuple[int, ...] = (200,), **kw: Any) -> Any:
        """One request; 429 and 503 are retried after their Retry-After (at most 5 s)."""
        for attempt in range(6):
            r = await self.client.request(method, path, headers=headers, **kw)
            if r.status_code not in (429, 503) or attempt == 5:
                break
            await asyncio.sleep(min(float(r.headers.get("retry-after", "1")), 5.0))
        if r.status_code not in expect:
            raise SimulationError(f"{method} {path} → {r.status_code}: {r.text[:500]}")
        return r.json() if r.content else None

    async def each(self, phase: str, items: list[T],
                   work: Callable[[T], Awaitable[None]]) -> None:
        """`work` on every item, at most `concurrency` at once, reporting progress."""
        done = 0
        self._progress(phase, 0, len(items))

        async def one(item: T) -> None:
            nonlocal done
            async with self.limit:
                await work(item)
            done += 1
            self._progress(phase, done, len(items))

        tasks = [asyncio.create_task(one(i)) for i in items]
        try:
            await asyncio.gather(*tasks)
        finally:  # one failure stops the phase
            for t in tasks:
                t.cancel()

    async def until(self, phase: str, what: str,
                    probe: Callable[[], Awaitable[tuple[int, int, bool]]]) -> None:
        """Poll `probe` → (done, total, finished) until finished, within `self.patience` s."""
        deadline = time.monotonic() + self.patience
        while True:
            done, total, finished = await probe()
            self._progress(phase, done, total)
            if finished:
                return
            if time.monotonic() > deadline:
                raise SimulationError(f"{what}: {done} of {total} after {self.patience:.0f} s")
            await asyncio.sleep(0.25)

    async def listed(self, stage: str, size: int = 1, page: int = 1) -> dict[str, Any]:
        body: dict[str, Any] = await self.call(
            "GET", "/v1/applications", headers=self.staff(Role.admin),
            params={"cycle": self.year, "stage": stage, "size": size, "page": page})
        return body

    async def settled(self, expected: dict[str, int]) -> None:
        """Wait until the read model lists `expected` applications at each stage."""
        async def probe() -> tuple[int, int, bool]:
            off = sum([abs((await self.listed(s))["total"] - n) for s, n in expected.items()])
            total = sum(expected.values())
            return max(total - off, 0), total, off == 0

        await self.until("sync", f"the read model reaching {expected}", probe)

    async def ids_at(self, stage: str) -> list[str]:
        ids: list[str] = []
        while not ids or len(ids) % 500 == 0:  # a short page is the last
            items = (await self.listed(stage, size=500, page=len(ids) // 500 + 1))["items"]
            if not items:
                break
            ids += [item["application_id"] for item in items]
        return ids


async def simulate(base_url: str, *, year: int, applicants: int, tokens: Tokens,
                   concurrency: int = 16, seed: int = 1,
                   progress: Progress | None = None) -> SimulationReport:
    """Drive cycle `year` with `applicants` applicants from creation to licences, over HTTP."""
    rng = random.Random(seed)
    today = jalali.business_day(datetime.now(UTC))
    people = [_draw(rng, 100_000_000 + seed * 7_000_003 + i * 7919, today)
              for i in range(applicants)]
    limits = httpx.Limits(max_connections=concurrency + 4)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        sim = _Sim(client, year=year, tokens=tokens, concurrency=concurrency, progress=progress)
        return await _run(sim, people, today, rng)


async def _run(sim: _Sim, people: list[_Person], today: jalali.JalaliDate,
               rng: random.Random) -> SimulationReport:
    n, year = len(people), sim.year
    sim.patience = 120 + n / 20
    phases: dict[str, float] = {}
    clock = time.monotonic()

    def lap(phase: str) -> None:
        nonlocal clock
        phases[phase], clock = time.monotonic() - clock, time.monotonic()

    # --- the cycle and registration (REG-1..REG-7) ---------------------------------------
    cycle = await sim.call("POST", "/v1/cycles", headers=sim.staff(Role.admin), expect=(201,),
                           json=_cycle_body(year, n, today))
    gateway = sim.staff(Role.payment_gateway)

    async def register(p: _Person) -> None:
        reg = await sim.call("POST", f"/v1/cycles/{year}/applications", headers={},
                             json=p.form, expect=(201,))
        p.application_id, p.tracking_code = reg["application_id"], reg["tracking_code"]
        p.token = reg["applicant_token"]
        path = f"/v1/applications/{p.application_id}"
        await sim.call("PUT", f"{path}/photo", content=_photo(int(p.ability * 255)),
                       headers={"Authorization": f"Bearer {p.token}",
                                "Content-Type": "image/jpeg"}, expect=(204,))
        await sim.call("POST", f"{path}/payment", headers=gateway,
                       json={"reference": f"SIM-{year}-{p.tracking_code}", "amount_rials": FEE})

    await sim.each("register", people, register)
    await sim.settled({"awaiting_exam": n})
    lap("registration")

    # --- exam results and their publication (EXAM-2, EXAM-4) ------------------------------
    def counts(p: _Person, questions: int) -> dict[str, int]:
        correct = round(questions * min(1.0, max(0.0, p.ability + rng.gauss(0, 0.12))))
        return {"correct": correct, "wrong": round((questions - correct) * rng.uniform(0.2, 0.7))}

    rows = [{"tracking_code": p.tracking_code, "subjects": {
        s["code"]: counts(p, s["questions"]) for s in cycle["config"]["subjects"]}}
        for p in people]
    officer = sim.staff(Role.exam_officer)
    load = await sim.call("POST", f"/v1/cycles/{year}/exam-results", headers=officer,
                          json={"rows": rows})
    await sim.call("POST", f"/v1/cycles/{year}/exam-results/publish", headers=officer,
                   expect=(202,))

    async def published() -> tuple[int, int, bool]:
        now = await sim.call("GET", f"/v1/cycles/{year}/exam-results", headers=officer)
        return now["sent"] + now["skipped"], now["candidates"], now["state"] == "published"

    await sim.until("publish", "exam publication", published)
    await sim.settled({"awaiting_exam": 0, "awaiting_interview": load["passed"]})
    lap("exam")

    # --- interview, qualification, security (INT-1, QUAL-1, SEC-1) ------------------------
    by_id = {p.application_id: p for p in people}
    cleared = 0

    async def review(app_id: str) -> None:
        nonlocal cleared
        p, path = by_id[app_id], f"/v1/applications/{app_id}/decisions"
        checks = dict.fromkeys(qualification_checklist(male=p.form["gender"] == "male"), True)
        if not p.fates["qualification"]:
            checks[sorted(checks)[int(p.ability * 1000) % len(checks)]] = False
        bodies: list[tuple[Role, str, dict[str, Any]]] = [
            (Role.interviewer, "interview",
             {"score": 60 + int(p.ability * 40) if p.fates["interview"] else 30}),
            (Role.qualification_officer, "qualification", {"checks": checks}),
            (Role.security_officer, "security", {})]
        for role, stage, body in bodies:
            ok = p.fates[stage]
            body |= {"stage": stage, "outcome": "pass"} if ok else {
                "stage": stage, "outcome": "fail", "reason": f"Simulated {stage} refusal."}
            await sim.call("POST", path, headers=sim.staff(role), json=body)
            if not ok:
                return
        cleared += 1

    await sim.each("review", await sim.ids_at("awaiting_interview"), review)
    await sim.settled({"awaiting_interview": 0, "awaiting_qualification": 0,
                               "awaiting_security": 0, "awaiting_launch": cleared})
    lap("review")

    # --- a launch round (LAUNCH-1, VET-2) -------------------------------------------------
    licensing = sim.staff(Role.licensing_officer)
    launch = await sim.call("POST", f"/v1/cycles/{year}/launch-rounds", headers=licensing,
                            json={"relocate": True})
    sent = 0

    async def offices() -> tuple[int, int, bool]:
        nonlocal sent
        rounds = await sim.call("GET", f"/v1/cycles/{year}/launch-rounds", headers=licensing)
        mine = next(r for r in rounds if r["number"] == launch["number"])
        sent = mine["sent"]
        return mine["sent"] + mine["skipped"], mine["placed"], mine["state"] == "done"

    await sim.until("launch", "sending the round's offices", offices)
    await sim.settled({"awaiting_licence": sent,
                               "awaiting_launch": cleared - sent})
    lap("launch")

    # --- documents and licences (ART11-1, VET-2, LIC-1) -----------------------------------
    licences = 0

    async def licence(app_id: str) -> None:
        nonlocal licences
        p, path = by_id[app_id], f"/v1/applications/{app_id}"
        own = {"Authorization": f"Bearer {p.token}"}
        if p.form["occupation"] != "none":
            await sim.call("POST", f"{path}/documents", headers=own, json={
                "kind": "occupation_ended", "reference": f"BAR-{p.tracking_code}"})
        if p.form["quota"]["kind"] == "veteran":
            await sim.call("POST", f"{path}/documents", headers=own, json={
                "kind": "veteran_certificate", "reference": f"VET-{p.tracking_code}"})
        await sim.call("POST", f"{path}/licence", headers=licensing)
        licences += 1

    await sim.each("licence", await sim.ids_at("awaiting_licence"), licence)
    stats: dict[str, Any] = {}

    async def final() -> tuple[int, int, bool]:
        stats.update(await sim.call("GET", f"/v1/cycles/{year}/stats",
                                    headers=sim.staff(Role.admin)))
        done = sum(stats["counts"].get("licensed", {}).values())
        return done, licences, done == licences and stats["total"] == n

    await sim.until("sync", "licences in the read model", final)
    lap("licence")
    return SimulationReport(
        year=year, applicants=n, counts={s: sum(by.values()) for s, by in stats["counts"].items()},
        exam_candidates=load["candidates"], exam_passed=load["passed"],
        pass_mark=Decimal(str(load["pass_mark"])), cleared=cleared, placed=launch["placed"],
        waiting=launch["waiting"], licences=licences, phases=phases)


class TextProgress:
    """A plain-text progress bar, one line per phase, redrawn in place with `\\r`."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self._stream, self._width, self._phase, self._drawn = stream, width, "", 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self._phase:
            self.close()
            self._phase = phase
        elif done < total and time.monotonic() - self._drawn < 0.1:
            return  # a terminal need not be redrawn 100,000 times
        self._drawn = time.monotonic()
        filled = self._width * done // total if total else self._width
        self._stream.write(f"\r{phase:<9} [{'#' * filled}{'.' * (self._width - filled)}] "
                           f"{done}/{total}")
        self._stream.flush()

    def close(self) -> None:
        if self._phase:
            self._stream.write("\n")
            self._phase = ""


def run_cli(base_url: str, *, year: int, applicants: int, data_dir: Path, concurrency: int,
            seed: int, out: TextIO = sys.stdout) -> int:
    """`daftar simulate`: tokens signed with the stack's secret (`data_dir`); 1 on failure."""
    from daftar.api.auth import issue_token
    from daftar.settings import Settings

    secret = Settings(data_dir=data_dir).signing_secret

    def tokens(sub: str, roles: list[Role]) -> str:
        return issue_token(secret, sub=sub, roles=roles, ttl=timedelta(hours=12))

    bar = TextProgress(out)
    try:
        report = asyncio.run(simulate(base_url, year=year, applicants=applicants, tokens=tokens,
                                      concurrency=concurrency, seed=seed, progress=bar))
    except (SimulationError, httpx.HTTPError) as err:
        bar.close()
        why = f"cannot reach {base_url}: {err!r}" if isinstance(err, httpx.HTTPError) else err
        sys.stderr.write(f"daftar simulate: {why}\n")
        return 1
    bar.close()
    out.write("\n".join(report.lines()) + "\n")
    return 0
