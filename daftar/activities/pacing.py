"""Pacer: how many of a fan-out's updates are in flight at once, learned from their round trips.

A fan-out's updates run in the same workers as reviewers' decisions: each update in flight is
a workflow task, a read-model write and an SMS that a decision may wait behind. Up to the
number that keeps the workers busy, one more in flight sends faster; past it, it sends no
faster and only lengthens the queue, so every update's round trip, the fan-out's own and a
reviewer's alike, grows with it. Every fan-out of daftar.activities.cohort (the publication,
launch rounds, exam seats, new terms, the close) keeps one.

So the pacer watches its own round trips. After each window of `limit` updates it compares
their mean with the base, the quickest window's mean: above `SLOWER` times the base it keeps
one fewer in flight, below `FASTER` times it one more, between `least` and `most` (the rule of
TCP Vegas). A window still slow with only `least` in flight has no queue of the fan-out's own
to blame: its mean is the new base, so that round trips grown for good (longer histories, a
busier machine) do not hold the fan-out at its least forever.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

#: A window's mean round trip above this many times the base: one fewer in flight.
SLOWER = 2.0
#: Below this many times the base: one more in flight.
FASTER = 1.5


class Pacer:
    """At most `limit` in flight, `limit` kept between `least` and `most` by round trips."""

    def __init__(self, most: int, *, least: int = 1) -> None:
        """Keep `least` to `most` in flight, `least` at first.

        Starting low, the first windows, not yet queued, give the base.
        """
        if not 1 <= least <= most:
            raise ValueError(f"need 1 <= least <= most, got least={least}, most={most}")
        self.most, self.least = most, least
        self.limit = least
        self.base: float | None = None
        self._in_flight = 0
        self._window: list[float] = []
        self._turn = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for room under the limit; the body's time is one round trip."""
        async with self._turn:
            await self._turn.wait_for(lambda: self._in_flight < self.limit)
            self._in_flight += 1
        began = time.monotonic()
        ok = False
        try:
            yield
            ok = True
        finally:
            async with self._turn:
                self._in_flight -= 1
                if ok:
                    self.observe(time.monotonic() - began)
                # Wake only as many as there is room for, not the whole page waiting.
                room = self.limit - self._in_flight
                if room > 0:
                    self._turn.notify(room)

    def observe(self, seconds: float) -> None:
        """Count one round trip; a full window moves the limit by at most one."""
        self._window.append(seconds)
        if len(self._window) < self.limit:
            return
        mean = sum(self._window) / len(self._window)
        self._window.clear()
        if self.base is None or mean < self.base:
            self.base = mean
        if mean > self.base * SLOWER:
            if self.limit == self.least:
                self.base = mean
            self.limit = max(self.least, self.limit - 1)
        elif mean < self.base * FASTER:
            self.limit = min(self.most, self.limit + 1)
