"""The `daftar` command: the embedded stack, its parts, staff tokens and the auditors' tools.

One module per command; each declares its arguments and its run function
(`register(subparsers)`), and `main` lists them in `COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys
from types import ModuleType

from daftar.commands import (
    api,
    dev,
    docs,
    history,
    migrate,
    reconcile,
    replay,
    sample,
    simulate,
    token,
    worker,
)
from daftar.commands.common import HelpFormatter
from daftar.core.settings import SettingsError

#: The commands in the order `daftar --help` lists them.
COMMANDS: tuple[ModuleType, ...] = (dev, api, worker, migrate, token, simulate, history, replay,
                                    reconcile, sample, docs)


def parser() -> argparse.ArgumentParser:
    """The `daftar` parser with every command of `COMMANDS`."""
    top = argparse.ArgumentParser(prog="daftar", description=__doc__.splitlines()[0],
                                  formatter_class=HelpFormatter)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                             help="`daftar COMMAND --help` shows its options")
    for command in COMMANDS:
        command.register(sub)
    return top


def main(argv: list[str] | None = None) -> None:
    """Run one command and exit with its status.

    Exits with `os._exit` after flushing output: the Temporal SDK's runtime may abort at
    interpreter exit (a known SDK issue). A wrong setting exits with 2, Ctrl-C
    with 130.

    Args:
        argv: the arguments after `daftar` (default: the process's).
    """
    args = parser().parse_args(argv)
    try:
        code = args.run(args)
    except SettingsError as err:
        print(f"daftar: {err}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
