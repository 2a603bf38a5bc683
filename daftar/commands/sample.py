"""`daftar sample`: files and bodies the README's walkthrough needs, made on this machine.

`sample photo` writes a photo that passes REG-4's upload checks, `sample cycle` prints a
cycle whose registration window holds today (Tehran), and `sample results` writes an exam
results CSV for the candidates a running stack has at `awaiting_exam`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from daftar.commands.common import HelpFormatter, Subparsers, add_command, add_data_dir

#: The walkthrough's fee, in rials (REG-2).
FEE = 2_000_000


def register(subparsers: Subparsers) -> None:
    """Declare `daftar sample photo|cycle|results`."""
    sample = add_command(subparsers, "sample",
                         help="write a sample photo, cycle or exam results (the README's "
                         "walkthrough)", run=run)
    kinds = sample.add_subparsers(dest="kind", required=True, metavar="KIND",
                                  help="what to write")
    photo = kinds.add_parser(
        "photo", help="a JPG photo that passes REG-4's upload checks",
        description="Write a 250×350 JPG of a few KB (REG-4: JPG, 200×300 to 300×400 pixels, "
        "at most 70 KB).", formatter_class=HelpFormatter)
    photo.add_argument("out", type=Path, help="the file to write, e.g. photo.jpg")
    cycle = kinds.add_parser(
        "cycle", help="a cycle's JSON body whose registration window holds today",
        description="Print the body of POST /v1/cycles: one city (Tehran) and a registration "
        "window from yesterday to DAYS days from today, in Jalali dates (Tehran's day).",
        formatter_class=HelpFormatter)
    cycle.add_argument("--year", type=int, default=None,
                       help="the cycle's year (default: this Jalali year)")
    cycle.add_argument("--days", type=int, default=30,
                       help="days from today to the window's last day")
    cycle.add_argument("--capacity", type=int, default=10, help="Tehran's office seats")
    results = kinds.add_parser(
        "results", help="an exam results CSV for a cycle's candidates at awaiting_exam",
        description="Ask the running stack for the cycle's subjects and its candidates at "
        "awaiting_exam, and write one CSV row of answer counts for each "
        "(tracking_code,<subject>_correct,<subject>_wrong,...), ready for POST "
        "/v1/cycles/{year}/exam-results.", formatter_class=HelpFormatter)
    results.add_argument("out", type=Path, help="the CSV file to write, e.g. results.csv")
    results.add_argument("--cycle", type=int, required=True, help="the cycle's year")
    results.add_argument("--api", default="http://127.0.0.1:8000",
                         help="the running stack's API address")
    add_data_dir(results, "the signing secret")
    results.add_argument("--spread", type=float, default=0.0,
                         help="how far candidates' shares of correct answers spread around "
                         "70%% (0 to 0.3); 0: every candidate answers alike, so every one "
                         "reaches the EXAM-2 pass mark")
    results.add_argument("--seed", type=int, default=1, help="seed of the spread")


def run(args: argparse.Namespace) -> int:
    """Write or print the sample asked for; 1 if the stack refuses or cannot be reached."""
    if args.kind == "photo":
        args.out.write_bytes(sample_photo())
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes, 250×350 JPG)")
        return 0
    if args.kind == "cycle":
        print(json.dumps(sample_cycle(year=args.year, days=args.days,
                                      capacity=args.capacity), indent=2))
        return 0
    import httpx

    try:
        rows = asyncio.run(_results(args))
    except (httpx.HTTPError, RuntimeError) as err:
        sys.stderr.write(f"daftar sample results: {err}\n")
        return 1
    args.out.write_text(rows, encoding="utf-8")
    print(f"wrote {args.out} ({rows.count(chr(10)) - 1} candidates of cycle {args.cycle})")
    return 0


def sample_photo() -> bytes:
    """A 250×350 JPG on a white background (a grey head and shoulders) within REG-4."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (250, 350), "white")
    draw = ImageDraw.Draw(img)
    draw.ellipse((40, 250, 210, 420), fill=(70, 80, 100))  # shoulders
    draw.ellipse((80, 70, 170, 190), fill=(205, 170, 140))  # face
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def sample_cycle(*, year: int | None = None, days: int = 30,
                 capacity: int = 10) -> dict[str, Any]:
    """The body of `POST /v1/cycles` whose window runs from yesterday to `days` from today.

    Args:
        year: the cycle's year (default: today's Jalali year).
        days: days from today (Tehran's business day) to the window's last day.
        capacity: Tehran's office seats.

    Returns:
        The JSON body.
    """
    from daftar.domain import jalali

    today = jalali.business_day(datetime.now(UTC))
    day = jalali.to_gregorian(today)
    return {"year": year or today.year,
            "registration_start": str(jalali.from_gregorian(day - timedelta(days=1))),
            "registration_end": str(jalali.from_gregorian(day + timedelta(days=days))),
            "fee_rials": FEE,
            "cities": [{"province": "Tehran", "city": "Tehran", "capacity": capacity,
                        "priority": 1}]}


def results_csv(subjects: list[dict[str, Any]], tracking_codes: list[str], *,
                spread: float = 0.0, seed: int = 1) -> str:
    """Answer counts for each candidate, as the exam-results CSV (EXAM-4).

    Args:
        subjects: the cycle's subjects (`code`, `questions`), as the API lists them.
        tracking_codes: one row each.
        spread: how far shares of correct answers spread around 70% (0: all alike).
        seed: the spread's seed.

    Returns:
        The CSV text, header first.
    """
    rng = random.Random(seed)
    spread = min(max(spread, 0.0), 0.3)
    header = ["tracking_code"] + [f"{s['code']}_{part}" for s in subjects
                                  for part in ("correct", "wrong")]
    lines = [",".join(header)]
    for code in tracking_codes:
        share = 0.7 + rng.uniform(-spread, spread)
        cells = [code]
        for s in subjects:
            correct = round(s["questions"] * share)
            cells += [str(correct), str((s["questions"] - correct) // 3)]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


async def _results(args: argparse.Namespace) -> str:
    """The CSV for the candidates the stack at `args.api` has at awaiting_exam."""
    import httpx

    from daftar.commands.common import settings_in
    from daftar.domain.stages import Role
    from daftar.services.auth import issue_token

    token = issue_token(settings_in(args.data_dir).signing_secret, sub="sample",
                        roles=[Role.admin], ttl=timedelta(minutes=10))
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=args.api, headers=headers, timeout=60) as client:
        cycle = await client.get(f"/v1/cycles/{args.cycle}")
        if cycle.status_code != 200:
            raise RuntimeError(f"cycle {args.cycle}: {cycle.status_code} {cycle.text[:300]}")
        codes: list[str] = []
        page = 1
        while True:
            listed = await client.get("/v1/applications", params={
                "cycle": args.cycle, "stage": "awaiting_exam", "size": 500, "page": page})
            if listed.status_code != 200:
                raise RuntimeError(f"listing: {listed.status_code} {listed.text[:300]}")
            body = listed.json()
            codes += [item["tracking_code"] for item in body["items"]]
            if not body["items"] or len(codes) >= body["total"]:
                break
            page += 1
    if not codes:
        raise RuntimeError(f"cycle {args.cycle} has no candidate at awaiting_exam (paid, with "
                           "a photo) yet")
    return results_csv(cycle.json()["config"]["subjects"], codes, spread=args.spread,
                       seed=args.seed)
