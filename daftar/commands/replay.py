"""`daftar replay`: exported histories replayed against this code (determinism check)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from daftar.commands.common import Subparsers, add_command


def register(subparsers: Subparsers) -> None:
    """Declare `daftar replay PATH [PATH ...]`."""
    parser = add_command(
        subparsers, "replay", help="replay exported histories against this code",
        description="Replay every history file (or every history of an export directory) on "
        "this code. Exit 0 when all are deterministic, 1 when one is not, 2 when there is no "
        "history at a path. Encrypted histories need the codec keys (DAFTAR_CODEC_KEYS).",
        run=run)
    parser.add_argument("path", type=Path, nargs="+", help="history files or export directories")


def run(args: argparse.Namespace) -> int:
    """Replay the histories at `args.path`."""
    return asyncio.run(replay_paths(args.path))


async def replay_paths(paths: list[Path]) -> int:
    """Replay every history at `paths`; 1 if any is not deterministic, 2 if none is found.

    Args:
        paths: history files or export directories.

    Returns:
        The exit status.
    """
    from daftar.commands.common import keyring
    from daftar.gateway.replay import history_files, read_history, replay, replayer

    files = [f for p in paths for f in history_files(p)]
    missing = [str(f) for f in files if not f.is_file()]
    if missing or not files:
        print(f"daftar replay: no history at {', '.join(missing) or paths[0]}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    verdicts = await replay((read_history(f) for f in files), using=replayer(keyring()))
    elapsed = time.perf_counter() - started
    failed = [v for v in verdicts if not v.deterministic]
    for v in failed:
        print(f"NOT DETERMINISTIC {v.workflow_id} ({v.events} events): {v.error}")
    print(f"{len(verdicts) - len(failed)} of {len(verdicts)} histories replay deterministically "
          f"({sum(v.events for v in verdicts)} events, {elapsed:.2f} s)")
    return 1 if failed else 0
