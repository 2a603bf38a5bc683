"""`daftar worker`: the Temporal worker alone, configured by environment variables."""

from __future__ import annotations

import argparse
import asyncio

from daftar.commands.common import Subparsers, add_command


def register(subparsers: Subparsers) -> None:
    """Declare `daftar worker` (no options: settings come from the environment)."""
    add_command(subparsers, "worker",
                help="the worker alone, configured by environment variables",
                description="Run the Temporal worker (workflows and activities), configured by "
                "environment variables. It waits for Temporal at start and drains on SIGTERM.",
                run=run)


def run(args: argparse.Namespace) -> int:
    """Run the worker until SIGTERM or SIGINT, then let running tasks finish."""
    from daftar.commands.runner import run_worker
    from daftar.core.logs import configure
    from daftar.core.settings import load_settings

    settings = load_settings()
    configure(fmt=settings.log_format, level=settings.log_level)
    settings.check(needs=("codec_keys",))
    asyncio.run(run_worker(settings))
    return 0
