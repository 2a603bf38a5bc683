"""`daftar dev`: the embedded stack (Temporal dev server, worker, API) in the foreground."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from daftar.commands.common import Subparsers, add_command


def register(subparsers: Subparsers) -> None:
    """Declare `daftar dev` and its options."""
    parser = add_command(
        subparsers, "dev", help="the embedded stack: Temporal dev server, worker, API",
        description="Run the embedded stack in the foreground: a Temporal dev server on a "
        "SQLite file, the worker and the API, with the read model and secrets in the data "
        "directory. Ctrl-C stops all three; running it again keeps the data.", run=run)
    parser.add_argument("--data-dir", type=Path, default=Path("data"),
                        help="where Temporal's and the read model's databases, the files and "
                        "the secrets are kept")
    parser.add_argument("--api-port", type=int, default=8000,
                        help="the API's port (also the console and the codec endpoint)")
    parser.add_argument("--temporal-port", type=int, default=7233,
                        help="the Temporal dev server's frontend port")
    parser.add_argument("--ui-port", type=int, default=8233,
                        help="the Temporal Web UI's port")
    parser.add_argument("--metrics-port", type=int, default=9464,
                        help="the worker's Prometheus metrics port (0: off)")


def run(args: argparse.Namespace) -> int:
    """Run the stack until Ctrl-C or SIGTERM; 0 once it has stopped."""
    from daftar.commands.devstack import run_dev
    from daftar.core.logs import configure

    configure(fmt="console")
    # Absolute, so the banner and the closing line say where the data is wherever one looks.
    asyncio.run(run_dev(args.data_dir.resolve(), api_port=args.api_port,
                        temporal_port=args.temporal_port, ui_port=args.ui_port,
                        metrics_port=args.metrics_port))
    return 0
