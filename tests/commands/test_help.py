"""Every command declares its options with help text, and shows their defaults."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from daftar.commands import COMMANDS, parser

DAFTAR = str(Path(sys.executable).parent / "daftar")


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command's parser, and every nested action's (`history export`, ...)."""
    found: list[tuple[str, argparse.ArgumentParser]] = []

    def walk(name: str, p: argparse.ArgumentParser) -> None:
        found.append((name, p))
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child, sub in action.choices.items():
                    walk(f"{name} {child}".strip(), sub)

    walk("", parser())
    return found


def test_every_command_of_the_list_is_on_the_command_line() -> None:
    names = {name for name, _ in _parsers() if name and " " not in name}
    assert names == {"dev", "api", "worker", "migrate", "token", "simulate", "history",
                     "replay", "reconcile", "sample", "docs"}
    assert len(COMMANDS) == len(names)


@pytest.mark.parametrize(("name", "command"), _parsers(),
                         ids=[name or "daftar" for name, _ in _parsers()])
def test_every_option_has_help_and_a_run_function(
        name: str, command: argparse.ArgumentParser) -> None:
    for action in command._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"daftar {name}: {action.dest} has no help text"
    if name and " " not in name:
        assert callable(command.get_default("run")), f"daftar {name} has no run function"


def test_simulate_help_shows_each_option_and_its_default() -> None:
    out = subprocess.run([DAFTAR, "simulate", "--help"], capture_output=True, text=True,
                         check=True).stdout
    flat = " ".join(out.split())
    for shown in ("--api API the running stack's API address (default: http://127.0.0.1:8000)",
                  "(for the signing secret) (default: data)",
                  "HTTP calls in flight at once (default: 16)",
                  "(default: 1)", "--cycle CYCLE the cycle's year",
                  "--applicants APPLICANTS how many applicants register"):
        assert shown in flat, shown
    assert "(default: None)" not in flat


def test_options_keep_their_defaults() -> None:
    p = parser()
    dev = p.parse_args(["dev"])
    assert (dev.data_dir, dev.api_port, dev.temporal_port, dev.ui_port, dev.metrics_port) == (
        Path("data"), 8000, 7233, 8233, 9464)
    sim = p.parse_args(["simulate", "--cycle", "1410", "--applicants", "5"])
    assert (sim.api, sim.data_dir, sim.concurrency, sim.seed) == (
        "http://127.0.0.1:8000", Path("data"), 16, 1)
    rec = p.parse_args(["reconcile", "--cycle", "1405"])
    assert (rec.repair, rec.json, rec.concurrency, rec.settle, rec.data_dir) == (
        False, False, 16, 2.0, None)
    export = p.parse_args(["history", "export", "--cycle", "1405", "--out", "x"])
    assert (export.history_command, export.concurrency, export.data_dir) == ("export", 8, None)


def test_a_wrong_value_is_refused_by_the_parser() -> None:
    out = subprocess.run([DAFTAR, "reconcile", "--cycle", "1405", "--concurrency", "0"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "expected a positive number" in out.stderr
