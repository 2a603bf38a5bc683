"""The simulation behind `daftar simulate`: a whole cycle driven through the HTTP API only.

Cycle, registrations, photos and payments, exam results and their publication, reviews, a launch
round, documents and licences: every step is an HTTP call, as its users would make it, and
progress is read back from the API, never from Temporal or the database. `random.Random(seed)`
draws the cohort up front, so a run is reproducible whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import io
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from PIL import Image

from daftar.domain import jalali
from daftar.domain.decisions import qualification_checklist
from daftar.domain.places import centre_of
from daftar.domain.stages import Role

Tokens = Callable[[str, list[Role]], str]
Progress = Callable[[str, int, int], None]
Probe = Callable[[], Awaitable[tuple[int, int, bool]]]  # → (done, total, finished)
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
    counts: dict[str, int] = field(default_factory=dict)  # final stage → applications (stats)
    exam_candidates: int = 0
    exam_passed: int = 0
    pass_mark: Decimal = Decimal(0)
    cleared: int = 0  # passed interview, qualification and security
    placed: int = 0
    waiting: int = 0
    licences: int = 0
    amendments: int = 0  # CYC-1: the registration window extended
    venues: int = 0  # EXAM-5: exam venues in the province centres
    seated: int = 0  # EXAM-5: candidates with a seat (by the setting or on paying after it)
    cards: int = 0  # EXAM-5: admission cards downloaded (a sample of the candidates)
    absent: int = 0  # EXAM-6: marked absent in the results, ended as absent
    reopened: str | None = None  # COR-1: the application whose security decision reopened
    phases: dict[str, float] = field(default_factory=dict)  # phase → seconds

    def lines(self) -> list[str]:
        """The report as the command prints it, one line per part of the cycle."""
        return [f"cycle {self.year}: {self.applicants} applicants in "
                f"{sum(self.phases.values()):.1f} s",
                f"amendments: {self.amendments} (registration extended)",
                f"exam session: {self.venues} venues, {self.seated} candidates seated, "
                f"{self.cards} admission cards downloaded",
                f"exam: {self.exam_candidates} candidates, {self.absent} absent, pass mark "
                f"{self.pass_mark:.2f}, {self.exam_passed} passed; {self.cleared} cleared every "
                f"review" + (", one security decision reopened and decided again"
                             if self.reopened else ""),
                f"launch round: {self.placed} placed, {self.waiting} waiting; "
                f"licences issued: {self.licences}",
                "final stages: " + ", ".join(f"{s} {n}" for s, n in sorted(self.counts.items())),
                "phases (s): " + ", ".join(f"{p} {s:.1f}" for p, s in self.phases.items())]


@dataclass
class _Person:
    """One applicant as drawn up front, then as registered (id, code, token)."""

    form: dict[str, Any]
    ability: float
    fates: dict[str, bool]  # review stage → passes
    application_id: str = ""
    tracking_code: str = ""
    token: str = ""


def national_id(serial: int) -> str:
    """A valid national code for a 9-digit body (REG-5)."""
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
        if quota["category"].startswith("combatant"):  # REG-6
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
    """One run: the HTTP plumbing, then one method per phase of the cycle."""

    def __init__(self, client: httpx.AsyncClient, *, year: int, tokens: Tokens,
                 concurrency: int, progress: Progress | None, rng: random.Random) -> None:
        self.client, self.year, self.rng, self._tokens = client, year, rng, tokens
        self.limit = asyncio.Semaphore(concurrency)
        self._progress = progress or (lambda phase, done, total: None)
        self._headers: dict[Role, dict[str, str]] = {}
        self.patience = 60.0  # seconds any one wait may take
        self.report = SimulationReport(year=year, applicants=0)
        self.by_id: dict[str, _Person] = {}

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
        """`work` on every item, at most `concurrency` at once; one failure stops the phase."""
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
        finally:
            for t in tasks:
                t.cancel()

    async def until(self, phase: str, what: str, probe: Probe) -> None:
        """Poll `probe` until it says finished, for at most `patience` seconds."""
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

    # --- the phases --------------------------------------------------------------------

    async def register(self, p: _Person) -> None:
        """REG-1..REG-7, REG-4 and REG-2: the form, the photo, the fee."""
        reg = await self.call("POST", f"/v1/cycles/{self.year}/applications", headers={},
                              json=p.form, expect=(201,))
        p.application_id, p.tracking_code = reg["application_id"], reg["tracking_code"]
        p.token, path = reg["applicant_token"], f"/v1/applications/{reg['application_id']}"
        self.by_id[p.application_id] = p
        await self.call("PUT", f"{path}/photo", content=_photo(int(p.ability * 255)), headers={
            "Authorization": f"Bearer {p.token}", "Content-Type": "image/jpeg"}, expect=(204,))
        await self.call("POST", f"{path}/payment", headers=self.staff(Role.payment_gateway),
                        json={"reference": f"SIM-{self.year}-{p.tracking_code}",
                              "amount_rials": FEE})

    async def exam(self, people: list[_Person], subjects: list[dict[str, Any]]) -> None:
        """EXAM-4 answer counts (correct + wrong ≤ questions), loaded then published (EXAM-2)."""
        def counts(p: _Person, questions: int) -> dict[str, int]:
            share = min(1.0, max(0.0, p.ability + self.rng.gauss(0, 0.12)))
            correct = round(questions * share)
            return {"correct": correct,
                    "wrong": round((questions - correct) * self.rng.uniform(0.2, 0.7))}

        # EXAM-6: one candidate in fifty did not sit the exam.
        rows = [{"tracking_code": p.tracking_code, "absent": True} if i % 50 == 7 else
                {"tracking_code": p.tracking_code, "subjects": {
                    s["code"]: counts(p, s["questions"]) for s in subjects}}
                for i, p in enumerate(people)]
        officer, path = self.staff(Role.exam_officer), f"/v1/cycles/{self.year}/exam-results"
        load = await self.call("POST", path, headers=officer, json={"rows": rows})
        self.report.absent = load["absent"]
        await self.call("POST", f"{path}/publish", headers=officer,
                        json={"confirm_absent": load["absent"]}, expect=(202,))

        async def published() -> tuple[int, int, bool]:
            now = await self.call("GET", path, headers=officer)
            return now["sent"] + now["skipped"], now["candidates"], now["state"] == "published"

        await self.until("publish", "exam publication", published)
        self.report.exam_candidates, self.report.exam_passed = load["candidates"], load["passed"]
        self.report.pass_mark = Decimal(str(load["pass_mark"]))

    async def review(self, app_id: str) -> None:
        """INT-1, QUAL-1 (the applicant's checklist), SEC-1: mostly passes, a few refusals."""
        p, path = self.by_id[app_id], f"/v1/applications/{app_id}/decisions"
        checks = dict.fromkeys(qualification_checklist(
            male=p.form["gender"] == "male", veteran=p.form["quota"]["kind"] == "veteran"), True)
        if not p.fates["qualification"]:
            checks[sorted(checks)[int(p.ability * 1000) % len(checks)]] = False
        score = 60 + int(p.ability * 40) if p.fates["interview"] else 30
        for role, stage, body in ((Role.interviewer, "interview", {"score": score}),
                                  (Role.qualification_officer, "qualification",
                                   {"checks": checks}),
                                  (Role.security_officer, "security", {})):
            passes = p.fates[stage]
            outcome = {"outcome": "pass"} if passes else {
                "outcome": "fail", "reason": f"Simulated {stage} refusal."}
            await self.call("POST", path, headers=self.staff(role),
                            json={"stage": stage, **body, **outcome})
            if not passes:
                return
        self.report.cleared += 1

    async def extend(self) -> None:
        """CYC-1: the admin extends the registration window by five days."""
        path = f"/v1/cycles/{self.year}"
        cycle = await self.call("GET", path, headers=self.staff(Role.admin))
        end = jalali.to_gregorian(jalali.parse_jalali(cycle["config"]["registration_end"]))
        amended = await self.call("PATCH", path, headers=self.staff(Role.admin), json={
            "registration_end": str(jalali.from_gregorian(end + timedelta(days=5)))})
        self.report.amendments = amended["amendments"]

    async def exam_session(self, people: list[_Person]) -> None:
        """EXAM-5: a venue in each province's centre with a seat for everyone who applied.

        Set while registration is open: who has paid is seated now, who pays later takes the
        next free seat on paying. Cards open today; the exam is two days after registration.
        """
        cycle = await self.call("GET", f"/v1/cycles/{self.year}", headers=self.staff(Role.admin))
        end = jalali.to_gregorian(jalali.parse_jalali(cycle["config"]["registration_end"]))
        per_province: dict[str, int] = {}
        for p in people:
            per_province[p.form["province"]] = per_province.get(p.form["province"], 0) + 1
        venues = []
        for province, n in sorted(per_province.items()):
            centre = centre_of(province)
            assert centre is not None, province
            venues.append({"province": province, "city": centre[0], "seats": n,
                           "name": f"حوزهٔ امتحانی {centre[0]}",
                           "address": f"{centre[0]}، خیابان دادگستری، پلاک ۱"})
        today = jalali.business_day(datetime.now(UTC))
        session = await self.call("PUT", f"/v1/cycles/{self.year}/exam-sessions",
                                  headers=self.staff(Role.exam_officer), json={
                                      "exam_date": str(jalali.from_gregorian(
                                          end + timedelta(days=2))),
                                      "start_time": "09:00", "card_date": str(today),
                                      "venues": venues})
        self.report.venues = len(session["venues"])

    async def cards(self, people: list[_Person]) -> None:
        """EXAM-5: every candidate seated; a sample download their admission cards."""
        path = f"/v1/cycles/{self.year}/exam-sessions"

        async def seated() -> tuple[int, int, bool]:
            view = await self.call("GET", path, headers=self.staff(Role.exam_officer))
            done = view["candidates"]
            return done, len(people), done == len(people) and not view["unseated"]

        await self.until("seats", "every candidate seated", seated)
        self.report.seated = len(people)

        async def card(p: _Person) -> None:
            url = f"/v1/applications/{p.application_id}/admission-card"
            deadline = time.monotonic() + self.patience
            while True:  # the seat reaches the candidate's workflow shortly after the setting
                r = await self.client.get(url, headers={"Authorization": f"Bearer {p.token}"})
                if r.status_code == 200 and r.content.startswith(b"%PDF"):
                    self.report.cards += 1
                    return
                if r.status_code != 409 or time.monotonic() > deadline:
                    raise SimulationError(f"GET {url} → {r.status_code}: {r.text[:300]}")
                await asyncio.sleep(0.25)

        await self.each("cards", people[:: max(1, len(people) // 10)], card)

    async def reopen_one(self) -> None:
        """COR-1: the admin reopens one cleared candidate's security decision; it passes again."""
        cleared = await self.ids_at("awaiting_launch")
        if not cleared:
            return
        app_id = cleared[0]
        path = f"/v1/applications/{app_id}"
        await self.call("POST", f"{path}/reopen", headers=self.staff(Role.admin),
                        json={"stage": "security", "reason": "Simulated: decided in error."})
        await self.call("POST", f"{path}/decisions", headers=self.staff(Role.security_officer),
                        json={"stage": "security", "outcome": "pass"})
        self.report.reopened = app_id

    async def launch(self) -> int:
        """LAUNCH-1: one round; returns how many offices it sent."""
        licensing, path = self.staff(Role.licensing_officer), f"/v1/cycles/{self.year}"
        launch = await self.call("POST", f"{path}/launch-rounds", headers=licensing,
                                 json={"relocate": True})
        self.report.placed, self.report.waiting = launch["placed"], launch["waiting"]
        sent = 0

        async def offices() -> tuple[int, int, bool]:
            nonlocal sent
            rounds = await self.call("GET", f"{path}/launch-rounds", headers=licensing)
            mine = next(r for r in rounds if r["number"] == launch["number"])
            sent = mine["sent"]
            return mine["sent"] + mine["skipped"], mine["placed"], mine["state"] == "done"

        await self.until("launch", "sending the round's offices", offices)
        return sent

    async def licence(self, app_id: str) -> None:
        """ART11-1 proof and the VET-2 certificate where they apply, then LIC-1."""
        p, path = self.by_id[app_id], f"/v1/applications/{app_id}"
        own = {"Authorization": f"Bearer {p.token}"}
        for needed, kind in ((p.form["occupation"] != "none", "occupation_ended"),
                             (p.form["quota"]["kind"] == "veteran", "veteran_certificate")):
            if needed:
                await self.call("POST", f"{path}/documents", headers=own, json={
                    "kind": kind, "reference": f"{kind}-{p.tracking_code}"})
        await self.call("POST", f"{path}/licence", headers=self.staff(Role.licensing_officer))
        self.report.licences += 1

    async def stats(self) -> None:
        """Wait for the counters to hold every applicant and licence, and keep them."""
        async def counted() -> tuple[int, int, bool]:
            stats = await self.call("GET", f"/v1/cycles/{self.year}/stats",
                                    headers=self.staff(Role.admin))
            self.report.counts = {s: sum(by.values()) for s, by in stats["counts"].items()}
            done, wanted = self.report.counts.get("licensed", 0), self.report.licences
            return done, wanted, done == wanted and stats["total"] == self.report.applicants

        await self.until("sync", "licences in the stats", counted)


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
        sim = _Sim(client, year=year, tokens=tokens, concurrency=concurrency,
                   progress=progress, rng=rng)
        sim.patience, sim.report.applicants = 120 + applicants / 20, applicants
        phases, clock = sim.report.phases, time.monotonic()

        def lap(phase: str) -> None:
            nonlocal clock
            phases[phase], clock = time.monotonic() - clock, time.monotonic()

        cycle = await sim.call("POST", "/v1/cycles", headers=sim.staff(Role.admin),
                               json=_cycle_body(year, applicants, today), expect=(201,))
        # Half register, the window is extended, the exam session is set, the rest register.
        half = applicants // 2
        await sim.each("register", people[:half], sim.register)
        await sim.extend()
        await sim.settled({"awaiting_exam": half})
        await sim.exam_session(people)
        await sim.each("register", people[half:], sim.register)
        await sim.settled({"awaiting_exam": applicants})
        lap("registration")
        await sim.cards(people)
        lap("exam session")
        await sim.exam(people, cycle["config"]["subjects"])
        await sim.settled({"awaiting_exam": 0, "awaiting_interview": sim.report.exam_passed,
                           "absent": sim.report.absent})
        lap("exam")
        await sim.each("review", await sim.ids_at("awaiting_interview"), sim.review)
        await sim.settled({"awaiting_interview": 0, "awaiting_qualification": 0,
                           "awaiting_security": 0, "awaiting_launch": sim.report.cleared})
        await sim.reopen_one()
        await sim.settled({"awaiting_security": 0, "awaiting_launch": sim.report.cleared})
        lap("review")
        sent = await sim.launch()
        await sim.settled({"awaiting_licence": sent,
                           "awaiting_launch": sim.report.cleared - sent})
        lap("launch")
        await sim.each("licence", await sim.ids_at("awaiting_licence"), sim.licence)
        await sim.stats()
        lap("licence")
        return sim.report
