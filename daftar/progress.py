"""`daftar simulate` on the command line: a plain-text progress bar and the final report."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TextIO

import httpx

from daftar.domain.stages import Role
from daftar.simulate import SimulationError, simulate


class TextProgress:
    """A plain-text progress bar, one line per phase, redrawn in place with `\\r`."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self._stream, self._width, self._phase, self._drawn = stream, width, "", 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self._phase:
            self.close()
            self._phase = phase
        elif done < total and time.monotonic() - self._drawn < 0.1:
            return  # a terminal need not be redrawn 100,000 times
        self._drawn = time.monotonic()
        filled = self._width * done // total if total else self._width
        self._stream.write(f"\r{phase:<9} [{'#' * filled}{'.' * (self._width - filled)}] "
                           f"{done}/{total}")
        self._stream.flush()

    def close(self) -> None:
        if self._phase:
            self._stream.write("\n")
            self._phase = ""


def run_cli(base_url: str, *, year: int, applicants: int, data_dir: Path, concurrency: int,
            seed: int, out: TextIO = sys.stdout) -> int:
    """`daftar simulate`: tokens signed with the stack's secret (`data_dir`); 1 on failure."""
    from daftar.api.auth import issue_token
    from daftar.core.settings import Settings

    secret = Settings(data_dir=data_dir).signing_secret

    def tokens(sub: str, roles: list[Role]) -> str:
        return issue_token(secret, sub=sub, roles=roles, ttl=timedelta(hours=12))

    bar = TextProgress(out)
    try:
        report = asyncio.run(simulate(base_url, year=year, applicants=applicants, tokens=tokens,
                                      concurrency=concurrency, seed=seed, progress=bar))
    except (SimulationError, httpx.HTTPError) as err:
        bar.close()
        why = f"no answer from {base_url}: {err!r}" if isinstance(err, httpx.HTTPError) else err
        sys.stderr.write(f"daftar simulate: {why}\n")
        return 1
    bar.close()
    out.write("\n".join(report.lines()) + "\n")
    return 0
