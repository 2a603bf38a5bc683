"""The `daftar` command: the embedded stack, its parts, and staff tokens."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

from daftar.core.logs import configure
from daftar.core.settings import Settings, SettingsError, load_settings
from daftar.domain.stages import Role


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="daftar", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="the embedded stack: Temporal dev server, worker, API")
    dev.add_argument("--data-dir", type=Path, default=Path("data"))
    dev.add_argument("--api-port", type=int, default=8000)
    dev.add_argument("--temporal-port", type=int, default=7233)
    dev.add_argument("--ui-port", type=int, default=8233)
    dev.add_argument("--metrics-port", type=int, default=9464,
                     help="the worker's Prometheus metrics port (0: off)")
    sub.add_parser("api", help="the API alone, configured by environment variables")
    sub.add_parser("worker", help="the worker alone, configured by environment variables")
    sub.add_parser("migrate", help="bring the read model's schema up to this version")
    token = sub.add_parser("token", help="print a staff token (last line)")
    token.add_argument("--sub", required=True)
    token.add_argument("--role", action="append", required=True,
                       choices=[r.value for r in Role])
    token.add_argument("--hours", type=int, default=None)
    token.add_argument("--data-dir", type=Path, default=None)
    sim = sub.add_parser("simulate", help="drive a whole cycle through a running stack's API")
    sim.add_argument("--cycle", type=int, required=True, help="the cycle's year, e.g. 1405")
    sim.add_argument("--applicants", type=int, required=True)
    sim.add_argument("--api", default="http://127.0.0.1:8000")
    sim.add_argument("--data-dir", type=Path, default=Path("data"),
                     help="the stack's data directory (for the signing secret)")
    sim.add_argument("--concurrency", type=int, default=16)
    sim.add_argument("--seed", type=int, default=1)
    from daftar.audit.commands import add_history_parser

    add_history_parser(sub)
    rep = sub.add_parser("replay", help="replay exported histories against this code")
    rep.add_argument("path", type=Path, nargs="+", help="history files or export directories")
    _add_reconcile_parser(sub)
    args = parser.parse_args(argv)
    try:
        code = _run(args)
    except SettingsError as err:
        print(f"daftar: {err}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # the SDK's runtime may abort at interpreter exit (DESIGN.md)


def _run(args: argparse.Namespace) -> int:
    if args.command == "token":
        from daftar.api.auth import issue_token

        settings = load_settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
        hours = args.hours or settings.token_ttl_hours
        print(f"token for {args.sub} ({', '.join(args.role)}), valid {hours} h:")
        print(issue_token(settings.signing_secret, sub=args.sub,
                          roles=[Role(r) for r in args.role], ttl=timedelta(hours=hours)))
        return 0
    if args.command == "simulate":
        from daftar.progress import run_cli

        return run_cli(args.api, year=args.cycle, applicants=args.applicants,
                       data_dir=args.data_dir, concurrency=args.concurrency, seed=args.seed)
    if args.command == "history":
        from daftar.audit.commands import run_history

        return run_history(args, _settings_in, lambda s: s.audit_key)
    if args.command == "replay":
        return asyncio.run(_replay(args.path))
    if args.command == "reconcile":
        from daftar.reconcile.command import run_reconcile

        settings = _settings_in(args.data_dir)
        settings.check(needs=("codec_keys",))  # the states are encrypted payloads
        return asyncio.run(run_reconcile(
            settings, args.cycle, fix=args.repair, as_json=args.json,
            concurrency=args.concurrency, settle=args.settle))
    if args.command == "dev":
        from daftar.devstack import run_dev

        configure(fmt="console")
        asyncio.run(run_dev(args.data_dir, api_port=args.api_port,
                            temporal_port=args.temporal_port, ui_port=args.ui_port,
                            metrics_port=args.metrics_port))
        return 0
    settings = load_settings()
    configure(fmt=settings.log_format, level=settings.log_level)
    if args.command == "migrate":
        return _migrate(settings)
    if args.command == "api":
        import uvicorn

        from daftar.api.app import create_app

        settings.check()  # fail at start-up, naming the missing setting
        uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port,
                    log_config=None)
        return 0
    settings.check(needs=("codec_keys",))
    from daftar.runner import run_worker

    asyncio.run(run_worker(settings))
    return 0


def _add_reconcile_parser(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser(
        "reconcile", help="report drift between a cycle's workflows and the read model "
        "(exit 0: none, 1: drift, 2: could not check); open workflows are read by a query, "
        "so a worker must be running")
    rec.add_argument("--cycle", type=int, required=True, help="the cycle's year, e.g. 1405")
    rec.add_argument("--repair", action="store_true",
                     help="re-record drifted applications from their workflows, recount the "
                     "cycle's stage counts, then report again (orphan rows are left)")
    rec.add_argument("--json", action="store_true", help="print the report as JSON")
    rec.add_argument("--concurrency", type=_positive, default=16,
                     help="workflows read at once")
    rec.add_argument("--settle", type=float, default=2.0,
                     help="seconds before drift is read again (a write in flight is not drift)")
    rec.add_argument("--data-dir", type=Path, default=None,
                     help="the stack's data directory (for the codec keys)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _migrate(settings: Settings) -> int:
    from daftar.store.db import current_revision, make_engine, migrate

    engine = make_engine(settings.db_url)
    try:
        before = current_revision(engine)
        migrate(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    print(f"read model at revision {after}" + ("" if before == after else
                                               f" (was {before or 'empty'})"))
    return 0


async def _replay(paths: list[Path]) -> int:
    """`daftar replay`: every history replayed on this code; 1 if any is not deterministic."""
    import time

    from daftar.gateway.replay import history_files, read_history, replay, replayer

    files = [f for p in paths for f in history_files(p)]
    missing = [str(f) for f in files if not f.is_file()]
    if missing or not files:
        print(f"daftar replay: no history at {', '.join(missing) or paths[0]}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    verdicts = await replay((read_history(f) for f in files),
                            using=replayer(_keyring()))
    elapsed = time.perf_counter() - started
    failed = [v for v in verdicts if not v.deterministic]
    for v in failed:
        print(f"NOT DETERMINISTIC {v.workflow_id} ({v.events} events): {v.error}")
    print(f"{len(verdicts) - len(failed)} of {len(verdicts)} histories replay deterministically "
          f"({sum(v.events for v in verdicts)} events, {elapsed:.2f} s)")
    return 1 if failed else 0


def _keyring() -> dict[str, bytes] | None:
    """The payload codec's keys, when this machine has them (old plaintext histories replay
    without them; encrypted ones need them)."""
    try:
        return load_settings().codec_keyring
    except SettingsError:
        return None


def _settings_in(data_dir: Path | None) -> Settings:
    """Settings from the environment, with the secrets of `data_dir` when one is given."""
    return load_settings(data_dir=data_dir) if data_dir else load_settings()
