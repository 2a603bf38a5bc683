"""What every command module shares: its parser's shape, argument types and settings.

A command module declares its arguments in `register(subparsers)`, which calls `add_command`
with its run function; `daftar.commands.main` parses and calls that function. Imports that
pull in Temporal, the database or the API stay inside the run functions, so `daftar token`
and `daftar --help` start quickly.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from daftar.core.settings import Settings, SettingsError, load_settings

#: A command's run function: the parsed arguments in, the exit status out.
Run = Callable[[argparse.Namespace], int]
#: What `argparse.ArgumentParser.add_subparsers` returns (generic in typeshed only, hence a
#: string: it is read in annotations alone).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's help followed by its default.

    The default is left out where it would say nothing (a required option, a flag that is off, no
    default).
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if (action.required or action.default is None or action.default is False
                or action.default == argparse.SUPPRESS):
            return action.help
        return super()._get_help_string(action)


def add_command(subparsers: Subparsers, name: str, *, help: str, run: Run,
                description: str | None = None) -> argparse.ArgumentParser:
    """Add the subcommand `name` whose parsed arguments go to `run`.

    Args:
        subparsers: the parent parser's subcommands.
        name: the subcommand's name on the command line.
        help: one line for the parent's list of commands.
        run: called with the parsed arguments; returns the exit status.
        description: the longer text of the command's own `--help` (default: `help`).

    Returns:
        The command's parser, for its arguments.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help, description=description or help, formatter_class=HelpFormatter)
    parser.set_defaults(run=run)
    return parser


def add_data_dir(parser: argparse.ArgumentParser, what: str) -> None:
    """`--data-dir DIR`: the embedded stack's data directory, whose secrets settle `what`."""
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"the stack's data directory (for {what}); default: the "
                        "settings from the environment")


def positive(text: str) -> int:
    """An argument type: a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def settings_in(data_dir: Path | None) -> Settings:
    """Settings from the environment, with the secrets of `data_dir` when one is given."""
    return load_settings(data_dir=data_dir) if data_dir else load_settings()


def keyring() -> dict[str, bytes] | None:
    """The payload codec's keys, when this machine has them.

    Old plaintext histories replay without them; encrypted ones need them.
    """
    try:
        return load_settings().codec_keyring
    except SettingsError:
        return None
