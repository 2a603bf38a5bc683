r"""Progress of a long command (`simulate`, `history export`) on its output stream.

On a terminal a bar is redrawn in place with `\r`; anywhere else (a pipe, a file, a CI log)
a plain line is written now and then and when each phase ends, never a `\r` frame.
"""

from __future__ import annotations

import time
from typing import TextIO


class TextProgress:
    """A plain-text progress report, one phase at a time: `progress(phase, done, total)`.

    Args:
        stream: where to write.
        width: the bar's width in characters (terminal only).
        interactive: draw a bar redrawn in place; default: whether `stream` is a terminal.
        interval: seconds between two plain lines of one phase (not a terminal).
    """

    def __init__(self, stream: TextIO, width: int = 30, *, interactive: bool | None = None,
                 interval: float = 10.0) -> None:
        self._stream, self._width, self._interval = stream, width, interval
        self._interactive = _is_terminal(stream) if interactive is None else interactive
        self._phase, self._drawn = "", 0.0
        self._last: tuple[int, int] | None = None  # (done, total) reported last
        self._written: tuple[int, int] | None = None  # (done, total) written last

    def __call__(self, phase: str, done: int, total: int) -> None:
        """Report that `done` of `total` items of `phase` are finished."""
        if phase != self._phase:
            self.close()
            self._phase = phase
            self._drawn = time.monotonic()
            if not self._interactive:
                self._last = (done, total)
                return  # a phase's first line is written after its first interval or at its end
        elif done < total and time.monotonic() - self._drawn < (
                0.1 if self._interactive else self._interval):
            self._last = (done, total)
            return  # a terminal need not be redrawn 100,000 times, nor a log fill up
        self._last = (done, total)
        self._drawn = time.monotonic()
        if self._interactive:
            filled = self._width * done // total if total else self._width
            self._stream.write(f"\r{phase:<9} [{'#' * filled}{'.' * (self._width - filled)}] "
                               f"{done}/{total}")
            self._stream.flush()
        else:
            self._line()

    def close(self) -> None:
        """End the current phase: the bar's line ends, or its last count is written."""
        if self._phase:
            if self._interactive:
                self._stream.write("\n")
            elif self._last is not None and self._last != self._written:
                self._line()
            self._stream.flush()
            self._phase, self._last, self._written = "", None, None

    def _line(self) -> None:
        assert self._last is not None
        done, total = self._last
        self._stream.write(f"{self._phase:<9} {done}/{total}\n")
        self._stream.flush()
        self._written = self._last


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
