"""`daftar history export` and `daftar history verify`: the signed archive on the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from daftar.commands.common import (
    HelpFormatter,
    Subparsers,
    add_command,
    add_data_dir,
    settings_in,
)
from daftar.core.settings import Settings


def register(subparsers: Subparsers) -> None:
    """Declare `history export --cycle YEAR --out DIR` and `history verify DIR`."""
    history = add_command(subparsers, "history",
                          help="archive a cycle's event histories, or verify one", run=run)
    actions = history.add_subparsers(dest="history_command", required=True, metavar="ACTION",
                                     help="export or verify")
    export = actions.add_parser(
        "export", help="write every application's history of a cycle and a signed manifest",
        description="Write every application's event history of a cycle, one JSON file each "
        "as `temporal workflow show --output json` writes it, and manifest.json with their "
        "SHA-256 digests under an HMAC (the archive key).", formatter_class=HelpFormatter)
    export.add_argument("--cycle", type=int, required=True, help="the cycle's year, e.g. 1405")
    export.add_argument("--out", type=Path, required=True,
                        help="a new or empty directory for the archive")
    export.add_argument("--concurrency", type=int, default=8,
                        help="histories fetched at once")
    add_data_dir(export, "the archive key")
    check = actions.add_parser(
        "verify", help="check an archive: every file's hash and the manifest's signature",
        description="Check an archive against its signed manifest: altered, missing or added "
        "files and the manifest's signature. Exit 0 when it matches, 1 otherwise.",
        formatter_class=HelpFormatter)
    check.add_argument("dir", type=Path, help="the archive's directory")
    add_data_dir(check, "the archive key")


def run(args: argparse.Namespace) -> int:
    """Run `history export` or `history verify` with the settings' archive key."""
    return run_history(args, settings_in, lambda settings: settings.audit_key)


def run_history(args: argparse.Namespace, settings_factory: Callable[[Path | None], Settings],
                key_of: Callable[[Settings], bytes], out: TextIO = sys.stdout,
                err: TextIO = sys.stderr) -> int:
    """Run `history export` or `history verify`: 0 on success, 1 otherwise.

    Args:
        args: the parsed `history` arguments.
        settings_factory: settings for the `--data-dir` given (or None).
        key_of: the archive key of those settings.
        out: where the report goes.
        err: where failures go.

    Returns:
        The exit status.
    """
    settings = settings_factory(args.data_dir)
    key = key_of(settings)
    if args.history_command == "export":
        return asyncio.run(_export(settings, key, year=args.cycle, directory=args.out,
                                   concurrency=getattr(args, "concurrency", 8),
                                   out=out, err=err))
    return _verify(args.dir, key, out)


async def _export(settings: Settings, key: bytes, *, year: int, directory: Path,
                  concurrency: int, out: TextIO, err: TextIO) -> int:
    from temporalio.service import RPCError

    from daftar.commands.progress import TextProgress
    from daftar.gateway.temporal import connect
    from daftar.services.archive import MANIFEST, ArchiveError, Manifest, export_cycle

    bar = TextProgress(out)
    try:
        client = await connect(settings)
        manifest: Manifest = await export_cycle(client, year, directory, key, progress=bar,
                                                concurrency=concurrency)
    except (ArchiveError, RPCError, RuntimeError, OSError) as error:
        bar.close()
        err.write(f"daftar history export: {error}\n")
        return 1
    bar.close()
    out.write(f"wrote {len(manifest.files)} histories of cycle {year} and {MANIFEST} "
              f"to {directory}\n")
    return 0


def _verify(directory: Path, key: bytes, out: TextIO) -> int:
    from daftar.services.archive import MANIFEST, verify

    report = verify(directory, key)
    lines: list[str] = []
    if report.problem:
        lines.append(f"PROBLEM: {report.problem}")
    if report.bad_signature:
        lines.append(f"BAD SIGNATURE: {MANIFEST} was edited or signed with another key")
    lines += [f"ALTERED: {name}" for name in report.altered]
    lines += [f"MISSING: {name}" for name in report.missing]
    lines += [f"ADDED: {name}" for name in report.added]
    if report.ok:
        lines.append(f"OK: {report.checked} files in {directory} match the signed manifest")
    else:
        lines.append(f"FAILED: {directory} does not match its manifest "
                     f"({report.checked} files checked)")
    out.write("\n".join(lines) + "\n")
    return 0 if report.ok else 1
