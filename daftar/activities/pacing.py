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

Round trips alone let a fan-out fill the worker's core: much of a round trip is the server's
time, on another core, so it grows little as the worker fills, and the pacer adds updates in
flight until the worker process runs flat out; a reviewer's decision then waits for its turn on
that core behind the fan-out's replays. A pacer given the process's CPU clock (`cpu`, as the
fan-outs are: they run in the worker) also keeps one fewer in flight after a window in which
the process spent more than `BUSY` of one core, and never one more: what is left of the core
stays with the decisions. One core, because a Python process runs its Python on one core at a
time, however many the machine has.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

#: A window's mean round trip above this many times the base: one fewer in flight.
SLOWER = 2.0
#: Below this many times the base: one more in flight.
FASTER = 1.5
#: A window in which the worker process spent more than this share of one core's time: one
#: fewer in flight, whatever the round trips say.
BUSY = 0.7


class Pacer:
    """At most `limit` in flight, kept between `least` and `most` by round trips (and CPU)."""

    def __init__(self, most: int, *, least: int = 1, cpu: Callable[[], float] | None = None,
                 busy: float = BUSY, clock: Callable[[], float] = time.monotonic) -> None:
        """Keep `least` to `most` in flight, `least` at first.

        Starting low, the first windows, not yet queued, give the base. With `cpu` (seconds of
        CPU the process has spent, as `time.process_time`), a window in which the process
        spent more than `busy` of `clock`'s seconds also lowers the limit.
        """
        if not 1 <= least <= most:
            raise ValueError(f"need 1 <= least <= most, got least={least}, most={most}")
        if busy <= 0:
            raise ValueError(f"need busy > 0, got {busy}")
        self.most, self.least = most, least
        self.limit = least
        self.base: float | None = None
        #: The process's CPU share of one core in the last window (with `cpu`).
        self.share: float | None = None
        self._cpu, self._busy, self._clock = cpu, busy, clock
        self._since = (clock(), cpu()) if cpu else (0.0, 0.0)
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
        busy = self._busy_window()
        if self.base is None or mean < self.base:
            self.base = mean
        slow = mean > self.base * SLOWER
        if slow or busy:
            if slow and self.limit == self.least:
                self.base = mean
            self.limit = max(self.least, self.limit - 1)
        elif mean < self.base * FASTER:
            self.limit = min(self.most, self.limit + 1)

    def _busy_window(self) -> bool:
        """Whether the process spent more than `busy` of one core since the last window."""
        if self._cpu is None:
            return False
        now, spent = self._clock(), self._cpu()
        wall, cpu = now - self._since[0], spent - self._since[1]
        self._since = (now, spent)
        if wall <= 0:
            return False
        self.share = cpu / wall
        return self.share > self._busy
