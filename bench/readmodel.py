"""Admin lists, inbox and stats, and the console's pages, with a large read model.

R application rows of one cycle are bulk-inserted straight into the real tables (SQLAlchemy
core, in batches), spread over provinces, cities, quotas and stages the way a cycle spreads
them, with the per-stage counters (`stage_counts`) set to match the rows exactly, as
`daftar.store.writes` keeps them, and the decisions of every row past its interview (the
interview's, then the qualification's and security's where the row got that far, each by one
of a few reviewers per role; the auditor's log reads them); on PostgreSQL the tables are then
vacuumed and analysed, as autovacuum leaves them soon after. Then each admin read (the API's
lists, inbox and stats, the console's inbox, dashboard, overdue list, applications, audit log
and cycle page) is timed over HTTP, one request at a time: p50 / p95 / p99.

Standalone, on a stack of its own (bench/stack.py) per database:

    .venv/bin/python -m bench.readmodel --rows 100000 --database both
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.common import machine_line, ms, pct, progress, table
from bench.data import CITIES
from bench.http_path import Driver, http_client
from bench.stack import Stack
from daftar.domain.identity import tracking_code
from daftar.domain.stages import Role
from daftar.store.models import ApplicationRecord, DecisionRow, StageCount

#: stage → share of a cycle's applications standing there.
SPREAD = {"awaiting_payment": 0.05, "awaiting_exam": 0.30, "awaiting_interview": 0.12,
          "awaiting_qualification": 0.08, "awaiting_security": 0.07, "awaiting_launch": 0.05,
          "awaiting_licence": 0.03, "licensed": 0.10, "rejected": 0.15, "withdrawn": 0.03,
          "incomplete": 0.02}
SLA_STAGES = {"awaiting_interview", "awaiting_qualification", "awaiting_security"}
PAST_EXAM = {"awaiting_interview", "awaiting_qualification", "awaiting_security",
             "awaiting_launch", "awaiting_licence", "licensed"}
BATCH = 5000
#: The decided stages a row at each stage has passed: (decision stage, role), in order.
DECIDED = (("interview", Role.interviewer), ("qualification", Role.qualification_officer),
           ("security", Role.security_officer))
PASSED = {"awaiting_qualification": 1, "awaiting_security": 2, "awaiting_launch": 3,
          "awaiting_licence": 3, "licensed": 3}
#: Reviewers per role who share the decisions (`<role>-1` … `<role>-N`, as the bench's
#: tokens name them: `<role>-1` is the one signed in).
REVIEWERS = 4


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


def _decisions(row: dict[str, Any], i: int) -> list[dict[str, Any]]:
    """The decisions of a row past its interview: one per decided stage it has passed."""
    out = []
    registered, entered = row["registered_at"], row["stage_entered_at"]
    passed = PASSED.get(row["stage"], 0)
    for seq, (stage, role) in enumerate(DECIDED[:passed], start=1):
        out.append({"application_id": row["application_id"], "seq": seq, "stage": stage,
                    "outcome": "pass", "actor": f"{role.value}-{i % REVIEWERS + 1}",
                    "role": role.value,
                    "at": registered + (entered - registered) * seq / (passed + 1),
                    "score": Decimal(15 + i % 5) if stage == "interview" else None,
                    "reason": None, "rules": []})
    return out


def fill(stack: Stack, year: int, rows: int) -> float:
    """Insert `rows` applications of cycle `year`, their decisions and counters; seconds taken."""
    rng, now = random.Random(year), datetime.now(UTC)
    apps = ApplicationRecord.__table__  # type: ignore[attr-defined]
    decisions = DecisionRow.__table__  # type: ignore[attr-defined]
    counts: Counter[tuple[str, str]] = Counter()
    decided = 0
    started = time.perf_counter()
    with stack.engine.begin() as conn:
        for start in range(0, rows, BATCH):
            batch = [_row(rng, year, i, now) for i in range(start, min(start + BATCH, rows))]
            counts.update((r["province"], r["stage"]) for r in batch)
            conn.execute(apps.insert(), batch)
            made = [d for n, r in enumerate(batch, start=start) for d in _decisions(r, n)]
            if made:
                conn.execute(decisions.insert(), made)
            decided += len(made)
            progress(f"  read model: {start + len(batch)}/{rows} rows, {decided} decisions")
        conn.execute(StageCount.__table__.insert(), [  # type: ignore[attr-defined]
            {"cycle": year, "province": p, "stage": s, "n": n} for (p, s), n in counts.items()])
    if stack.engine.dialect.name == "postgresql":
        # As autovacuum leaves a table a while after a bulk load: statistics, and the
        # visibility map that lets an index-only scan skip the table.
        with stack.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in ("applications", "decisions", "stage_counts"):
                conn.exec_driver_sql(f"VACUUM ANALYZE {name}")
    elapsed = time.perf_counter() - started
    progress(f"  read model: {rows} rows and {decided} decisions in {elapsed:.1f} s",
             done=True)
    return elapsed


#: One timed read: (what, p50, p95, p99, what the last request answered); seconds.
Timed = tuple[str, float, float, float, str]


async def reads(driver: Driver, year: int, rows: int, requests: int) -> list[Timed]:
    """Each admin read `requests` times in turn: (what, p50, p95, p99, what it answered)."""
    admin = driver.staff[Role.admin]
    interviewer = driver.staff[Role.interviewer]
    deep = max(1, rows // 2 // 50)
    cases: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
        ("list, first page (50)", "/v1/applications", {"cycle": year}, admin),
        (f"list, page {deep} (50)", "/v1/applications", {"cycle": year, "page": deep}, admin),
        ("list, stage + province", "/v1/applications",
         {"cycle": year, "stage": "awaiting_interview", "province": "Isfahan"}, admin),
        ("inbox (interviewer)", "/v1/inbox", {"cycle": year}, interviewer),
        ("inbox, deep page (interviewer)", "/v1/inbox",
         {"cycle": year, "page": max(1, rows // 10 // 50)}, interviewer),
        ("stats", f"/v1/cycles/{year}/stats", {}, admin),
        ("cycle (counts by stage)", f"/v1/cycles/{year}", {}, admin),
    ]
    # The console's pages over the same rows, signed in with the same tokens (its cookie).
    console: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
        ("console: inbox (interviewer)", "/console/inbox", {"cycle": year}, interviewer),
        ("console: inbox, last page", "/console/inbox",
         {"cycle": year, "page": 100_000}, interviewer),
        ("console: inbox, soonest deadline first", "/console/inbox",
         {"cycle": year, "sort": "due"}, interviewer),
        ("console: inbox, overdue only", "/console/inbox",
         {"cycle": year, "overdue": "1"}, interviewer),
        ("console: inbox, a name searched", "/console/inbox",
         {"cycle": year, "q": "زهرا کریمی"}, interviewer),
        ("console: dashboard (admin)", "/console/dashboard", {"cycle": year}, admin),
        ("console: overdue (admin)", "/console/overdue", {"cycle": year}, admin),
        ("console: overdue, a deep page", "/console/overdue",
         {"cycle": year, "page": max(1, rows // 5 // 50)}, admin),
        ("console: applications, first page", "/console/applications", {"cycle": year}, admin),
        ("console: applications, stage + province", "/console/applications",
         {"cycle": year, "stage": "awaiting_interview", "province": "Isfahan"}, admin),
        ("console: applications, last page", "/console/applications",
         {"cycle": year, "page": max(1, rows // 50)}, admin),
        ("console: audit, a reviewer's decisions", "/console/audit",
         {"reviewer": f"{Role.interviewer.value}-1", "since": "1400/01/01",
          "until": "1499/12/29"}, admin),
        ("console: audit, a reviewer's deep page", "/console/audit",
         {"reviewer": f"{Role.interviewer.value}-1", "since": "1400/01/01",
          "until": "1499/12/29", "page": max(1, rows // 15 // 50)}, admin),
        ("console: cycle page", f"/console/cycles/{year}", {}, admin),
    ]
    for what, path, params, headers in console:
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
        out.append((what, pct(times, 50), pct(times, 95), pct(times, 99), answer))
    return out


def rows_table(results: list[Timed]) -> list[list[str]]:
    return [[what, ms(p50), ms(p95), ms(p99), answer] for what, p50, p95, p99, answer in results]


async def run(database: str, rows: int, requests: int) -> tuple[float, list[Timed]]:
    """A stack of its own on `database`: the fill's seconds and the reads' figures."""
    year = 1399
    print(f"\n{database}: starting the stack", flush=True)
    async with Stack(database) as stack, http_client(stack, 1) as http:
        driver = Driver(stack, http)
        await driver.create_cycle(year, capacity=10)
        filled = await asyncio.to_thread(fill, stack, year, rows)
        return filled, await reads(driver, year, rows, requests)


async def main(args: argparse.Namespace) -> None:
    print(machine_line(), flush=True)
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = {db: await run(db, args.rows, args.requests) for db in databases}
    first = results[databases[0]][1]
    body = [[f"bulk insert of {args.rows} rows",
             *(f"{results[db][0]:.1f} s" for db in databases)]]
    for i, (what, *_rest) in enumerate(first):
        body.append([f"{what}: p50 / p95 / p99", *(
            " / ".join(ms(t) for t in results[db][1][i][1:4]) for db in databases)])
    body.append(["answers (last request)",
                 *("; ".join(x[4] for x in results[db][1]) for db in databases)])
    print()
    print(table(f"Admin reads with {args.rows} applications in the read model "
                f"(sequential requests, {args.requests} each)", ["figure", *databases], body))
    print(machine_line())


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m bench.readmodel", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=100_000, help="applications bulk-inserted")
    p.add_argument("--requests", type=int, default=50, help="requests per read")
    p.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    asyncio.run(main(p.parse_args()))
    sys.stdout.flush()
    os._exit(0)  # the SDK's runtime may abort at interpreter exit
