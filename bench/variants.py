"""Proposed fixes of daftar, tried in the bench's own API and worker processes only.

    python -m bench --fixes pyc,unsandboxed

Each fix is a patch applied at start-up of the `daftar api` / `daftar worker` processes the
bench spawns (`python -m bench.variants --fixes … api|worker`); daftar's files are untouched.
It measures a change before anyone makes it; the change itself belongs in daftar (each
docstring names the file and function). Fixes measured this way and then made in daftar
(the sandbox passing daftar's modules through, async dependencies, the lean upsert, the list
indexes) are no longer here: README's performance section gives their before and after.
"""

from __future__ import annotations

import argparse


def pyc() -> None:
    """The dev stack's environment (PYTHONDONTWRITEBYTECODE=1, an editable install) leaves
    daftar without .pyc files, so each new sandboxed workflow instance compiles
    daftar/workflows/applicant.py again; bench/stack.py gives this variant a bytecode cache
    (PYTHONPYCACHEPREFIX) instead. Production images get .pyc from `pip install .`."""


def concurrent_writes() -> None:
    """The way back, to measure what daftar/store/db.py `transaction`'s one-writer-at-a-time
    on SQLite saves: every thread straight to SQLite's busy handler, as before it."""
    from contextlib import nullcontext

    import daftar.store.db as db

    db._writer_turn = lambda bind: nullcontext()  # type: ignore[assignment]


def unsandboxed() -> None:
    """daftar/worker.py RUNNER: workflows run without Temporal's sandbox in the worker (the
    replayer and the suite's replays would keep it, to catch a non-deterministic call)."""
    from temporalio.worker import UnsandboxedWorkflowRunner

    import daftar.worker as worker

    worker.RUNNER = UnsandboxedWorkflowRunner()  # type: ignore[assignment]


FIXES = {"concurrent-writes": concurrent_writes, "pyc": pyc, "unsandboxed": unsandboxed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixes", default="", help="comma-separated: " + ", ".join(FIXES))
    parser.add_argument("--profile-out", help="profile between SIGUSR1 and SIGUSR2 into this")
    parser.add_argument("command", choices=["api", "worker"])
    args = parser.parse_args()
    for name in filter(None, args.fixes.split(",")):
        FIXES[name]()
    if args.profile_out:
        from bench.profile import wrapped

        wrapped(args.profile_out, args.command)
    else:
        from daftar.commands import main as daftar

        daftar([args.command])


if __name__ == "__main__":
    main()
