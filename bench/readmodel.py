"""Admin lists, inbox and stats, and the console's pages, with a large read model.

R application rows of one cycle are bulk-inserted straight into the real tables (SQLAlchemy
core, in batches), spread over provinces, cities, quotas and stages the way a cycle spreads
them, with the per-stage counters (`stage_counts`) set to match the rows exactly, as
`daftar.store.writes` keeps them; then each admin read is timed over HTTP, one at a time.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.common import ms, pct, progress
from bench.data import CITIES
from bench.http_path import Driver
from bench.stack import Stack
from daftar.domain.identity import tracking_code
from daftar.domain.stages import Role
from daftar.store.models import ApplicationRecord, StageCount

#: stage → share of a cycle's applications standing there.
SPREAD = {"awaiting_payment": 0.05, "awaiting_exam": 0.30, "awaiting_interview": 0.12,
          "awaiting_qualification": 0.08, "awaiting_security": 0.07, "awaiting_launch": 0.05,
          "awaiting_licence": 0.03, "licensed": 0.10, "rejected": 0.15, "withdrawn": 0.03,
          "incomplete": 0.02}
SLA_STAGES = {"awaiting_interview", "awaiting_qualification", "awaiting_security"}
PAST_EXAM = {"awaiting_interview", "awaiting_qualification", "awaiting_security",
             "awaiting_launch", "awaiting_licence", "licensed"}
BATCH = 5000


#: Synthetic applicants' names: row `i` takes a first and a last name from these (without
#: drawing on the generator, so the other columns stay as they were).
FIRST_NAMES = ("علی", "زهرا", "محمد", "فاطمه", "حسین", "مریم", "رضا", "سارا", "مهدی", "نرگس")
LAST_NAMES = ("احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "کاظمی", "رحیمی",
              "صادقی", "نوری")


def _row(rng: random.Random, year: int, i: int, now: datetime) -> dict[str, Any]:
    stage = rng.choices(list(SPREAD), weights=list(SPREAD.values()))[0]
    province, city, _ = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
    app_id = f"{year:04x}{i:012x}"
    registered = now - timedelta(days=60, seconds=rng.randrange(10 * 86400))
    entered = registered + timedelta(seconds=rng.randrange(50 * 86400))
    rejected = stage == "rejected"
    return {
        "application_id": app_id, "tracking_code": tracking_code(app_id), "cycle": year,
        "stage": stage, "province": province, "city": city,
        "quota": "free" if rng.random() > 0.1 else "veteran:martyr_family",
        "full_name": f"{FIRST_NAMES[i % len(FIRST_NAMES)]} "
                     f"{LAST_NAMES[i // len(FIRST_NAMES) % len(LAST_NAMES)]}",
        "registered_at": registered, "updated_at": entered, "stage_entered_at": entered,
        "due_at": entered + timedelta(days=14) if stage in SLA_STAGES else None,
        "escalated": stage in SLA_STAGES and rng.random() < 0.05,
        "rejected_stage": "awaiting_exam" if rejected else None,
        "rules": ["EXAM-2"] if rejected else [],
        "licence_number": f"{year}-{tracking_code(app_id)}" if stage == "licensed" else None,
        "office_province": province if stage in ("awaiting_licence", "licensed") else None,
        "office_city": city if stage in ("awaiting_licence", "licensed") else None,
        "exam_total": Decimal(rng.randrange(4000, 9000)) if stage in PAST_EXAM else None,
        "interview_score": None, "version": rng.randrange(1, 9)}


def fill(stack: Stack, year: int, rows: int) -> float:
    """Insert `rows` applications of cycle `year` and their counters; seconds taken."""
    rng, now = random.Random(year), datetime.now(UTC)
    apps = ApplicationRecord.__table__  # type: ignore[attr-defined]
    counts: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    with stack.engine.begin() as conn:
        for start in range(0, rows, BATCH):
            batch = [_row(rng, year, i, now) for i in range(start, min(start + BATCH, rows))]
            counts.update((r["province"], r["stage"]) for r in batch)
            conn.execute(apps.insert(), batch)
            progress(f"  read model: {start + len(batch)}/{rows} rows")
        conn.execute(StageCount.__table__.insert(), [  # type: ignore[attr-defined]
            {"cycle": year, "province": p, "stage": s, "n": n} for (p, s), n in counts.items()])
    elapsed = time.perf_counter() - started
    progress(f"  read model: {rows} rows in {elapsed:.1f} s", done=True)
    return elapsed


async def reads(driver: Driver, year: int, rows: int,
                requests: int) -> list[tuple[str, float, float, str]]:
    """Each admin read `requests` times in turn: (what, p50, p99, what it answered)."""
    admin = driver.staff[Role.admin]
    deep = max(1, rows // 2 // 50)
    cases: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
        ("list, first page (50)", "/v1/applications", {"cycle": year}, admin),
        (f"list, page {deep} (50)", "/v1/applications", {"cycle": year, "page": deep}, admin),
        ("list, stage + province", "/v1/applications",
         {"cycle": year, "stage": "awaiting_interview", "province": "Isfahan"}, admin),
        ("inbox (interviewer)", "/v1/inbox", {"cycle": year}, driver.staff[Role.interviewer]),
        ("stats", f"/v1/cycles/{year}/stats", {}, admin),
        ("cycle (counts by stage)", f"/v1/cycles/{year}", {}, admin),
    ]
    # The console's pages over the same rows, signed in with the same tokens (its cookie).
    for what, path, params, headers in [
        ("console: inbox (interviewer)", "/console/inbox", {"cycle": year},
         driver.staff[Role.interviewer]),
        ("console: inbox, last page", "/console/inbox",
         {"cycle": year, "page": 100_000}, driver.staff[Role.interviewer]),
        ("console: dashboard (admin)", "/console/dashboard", {"cycle": year}, admin),
        ("console: overdue (admin)", "/console/overdue", {"cycle": year}, admin),
        ("console: applications, stage + province", "/console/applications",
         {"cycle": year, "stage": "awaiting_interview", "province": "Isfahan"}, admin),
        ("console: applications, last page", "/console/applications",
         {"cycle": year, "page": max(1, rows // 50)}, admin),
        ("console: audit, a reviewer's decisions", "/console/audit",
         {"reviewer": "interviewer", "since": "1400/01/01", "until": "1499/12/29"}, admin),
    ]:
        cases.append((what, path, params, {"cookie": "daftar_console="
                                           + headers["Authorization"].removeprefix("Bearer ")}))
    out = []
    for what, path, params, headers in cases:
        times: list[float] = []
        answer = ""
        for _ in range(requests):
            started = time.perf_counter()
            r = await driver.http.get(path, params=params, headers=headers)
            times.append(time.perf_counter() - started)
            if r.status_code != 200:
                raise SystemExit(f"{what}: {r.status_code} {r.text[:300]}")
            if r.headers["content-type"].startswith("text/html"):
                answer = f"HTML page, {len(r.content) // 1024} KiB"
                continue
            body = r.json()
            answer = (f"total {body['total']}" if "total" in body
                      else f"{sum(body['counts'].values())} counted")
        out.append((what, pct(times, 50), pct(times, 99), answer))
    return out


def rows_table(results: list[tuple[str, float, float, str]]) -> list[list[str]]:
    return [[what, ms(p50), ms(p99), answer] for what, p50, p99, answer in results]
