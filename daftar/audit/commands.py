"""`daftar history export` and `daftar history verify`: the signed archive on the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from temporalio.service import RPCError

from daftar.audit.archive import MANIFEST, ArchiveError, Manifest, export_cycle, verify
from daftar.core.settings import Settings
from daftar.progress import TextProgress


def add_history_parser(sub: argparse._SubParsersAction) -> None:
    """`history export --cycle YEAR --out DIR` and `history verify DIR`."""
    history = sub.add_parser("history", help="archive a cycle's event histories, or verify one")
    actions = history.add_subparsers(dest="history_command", required=True)
    export = actions.add_parser(
        "export", help="write every application's history of a cycle and a signed manifest")
    export.add_argument("--cycle", type=int, required=True, help="the cycle's year, e.g. 1405")
    export.add_argument("--out", type=Path, required=True,
                        help="a new or empty directory for the archive")
    export.add_argument("--concurrency", type=int, default=8)
    export.add_argument("--data-dir", type=Path, default=None,
                        help="the stack's data directory (for the archive key)")
    check = actions.add_parser(
        "verify", help="check an archive: every file's hash and the manifest's signature")
    check.add_argument("dir", type=Path, help="the archive's directory")
    check.add_argument("--data-dir", type=Path, default=None,
                       help="the stack's data directory (for the archive key)")


def run_history(args: argparse.Namespace, settings_factory: Callable[[Path | None], Settings],
                key_of: Callable[[Settings], bytes], out: TextIO = sys.stdout,
                err: TextIO = sys.stderr) -> int:
    """Run `history export` or `history verify`: 0 on success, 1 otherwise."""
    settings = settings_factory(args.data_dir)
    key = key_of(settings)
    if args.history_command == "export":
        return asyncio.run(_export(settings, key, year=args.cycle, directory=args.out,
                                   concurrency=getattr(args, "concurrency", 8),
                                   out=out, err=err))
    return _verify(args.dir, key, out)


async def _export(settings: Settings, key: bytes, *, year: int, directory: Path,
                  concurrency: int, out: TextIO, err: TextIO) -> int:
    from daftar.gateway.temporal import connect

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
