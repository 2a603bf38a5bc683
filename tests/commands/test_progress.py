"""Progress: a bar redrawn with `\\r` on a terminal, plain lines anywhere else."""

from __future__ import annotations

import io

from daftar.commands.progress import TextProgress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(bar: TextProgress) -> None:
    for phase, total in (("register", 300), ("sync", 1), ("publish", 0)):
        for done in range(total + 1):
            bar(phase, done, total)
    bar.close()


def test_a_pipe_gets_plain_lines_without_carriage_returns() -> None:
    out = io.StringIO()
    _run(TextProgress(out))
    assert "\r" not in out.getvalue()
    assert out.getvalue().splitlines() == ["register  300/300", "sync      1/1",
                                           "publish   0/0"]


def test_a_pipe_gets_a_line_now_and_then_during_a_long_phase() -> None:
    out = io.StringIO()
    bar = TextProgress(out, interval=0.0)
    for done in range(4):
        bar("review", done, 3)
    bar.close()
    assert out.getvalue().splitlines() == ["review    1/3", "review    2/3", "review    3/3"]


def test_a_terminal_gets_a_bar_redrawn_in_place() -> None:
    out = _Terminal()
    _run(TextProgress(out))
    text = out.getvalue()
    assert text.startswith("\rregister  [")
    assert "\rregister  [##############################] 300/300\n" in text
    assert text.count("\n") == 3


def test_the_choice_can_be_forced() -> None:
    out = io.StringIO()
    bar = TextProgress(out, interactive=True)
    bar("export", 1, 2)
    bar.close()
    assert out.getvalue().startswith("\r")
