"""`daftar simulate`: a whole cycle driven through a running stack's HTTP API.

The simulation itself is `daftar.commands.simulation`; this module declares the command,
signs the staff tokens with the stack's secret, shows the progress and prints the report.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from daftar.commands.common import Subparsers, add_command
from daftar.domain.stages import Role


def register(subparsers: Subparsers) -> None:
    """Declare `daftar simulate --cycle YEAR --applicants N` and its options."""
    parser = add_command(
        subparsers, "simulate", help="drive a whole cycle through a running stack's API",
        description="Drive a whole cycle through a running stack's HTTP API: create the cycle, "
        "register applicants (photos, payments), load and publish exam results, decide the "
        "reviews, run a launch round and issue the licences, with progress per phase; then "
        "print the final stages. Exit 1 if a step fails.", run=run)
    parser.add_argument("--cycle", type=int, required=True,
                        help="the cycle's year, e.g. 1410 (a year with no cycle yet)")
    parser.add_argument("--applicants", type=int, required=True,
                        help="how many applicants register")
    parser.add_argument("--api", default="http://127.0.0.1:8000",
                        help="the running stack's API address")
    parser.add_argument("--data-dir", type=Path, default=Path("data"),
                        help="the stack's data directory (for the signing secret)")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="HTTP calls in flight at once")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed of the random cohort: the same seed draws the same applicants")


def run(args: argparse.Namespace) -> int:
    """Run the simulation; 0 when the cycle reached its licences, 1 otherwise."""
    return run_cli(args.api, year=args.cycle, applicants=args.applicants,
                   data_dir=args.data_dir, concurrency=args.concurrency, seed=args.seed)


def run_cli(base_url: str, *, year: int, applicants: int, data_dir: Path, concurrency: int,
            seed: int, out: TextIO = sys.stdout) -> int:
    """Simulate with tokens signed by the stack's secret (`data_dir`); 1 on failure.

    Args:
        base_url: the stack's API address.
        year: the new cycle's year.
        applicants: how many register.
        data_dir: the stack's data directory, for the signing secret.
        concurrency: HTTP calls in flight at once.
        seed: the random cohort's seed.
        out: where progress and the report go.

    Returns:
        The exit status.
    """
    import httpx

    from daftar.commands.progress import TextProgress
    from daftar.commands.simulation import SimulationError, simulate
    from daftar.core.settings import Settings
    from daftar.services.auth import issue_token

    secret = Settings(data_dir=data_dir).signing_secret

    def tokens(sub: str, roles: list[Role]) -> str:
        return issue_token(secret, sub=sub, roles=roles, ttl=timedelta(hours=12))

    bar = TextProgress(out)
    try:
        report = asyncio.run(simulate(base_url, year=year, applicants=applicants, tokens=tokens,
                                      concurrency=concurrency, seed=seed, progress=bar))
    except (SimulationError, httpx.HTTPError) as err:
        bar.close()
        why = f"no answer from {base_url}: {err!r}" if isinstance(err, httpx.HTTPError) else err
        sys.stderr.write(f"daftar simulate: {why}\n")
        return 1
    bar.close()
    out.write("\n".join(report.lines()) + "\n")
    return 0
