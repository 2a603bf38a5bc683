"""The fan-outs' pacer: as many in flight as keep the round trip near its quickest."""

from __future__ import annotations

import asyncio

import pytest

from daftar.activities.pacing import Pacer


def settle(pacer: Pacer, round_trip: float, workers: int, windows: int) -> list[int]:
    """Feed `windows` windows of a worker that serves `workers` updates at once, each in
    `round_trip` seconds: more in flight than that wait their turn. The limits seen."""
    seen = []
    for _ in range(windows):
        rtt = round_trip * max(1.0, pacer.limit / workers)
        for _ in range(pacer.limit):
            pacer.observe(rtt)
        seen.append(pacer.limit)
    return seen


def test_a_busy_worker_holds_the_limit_near_what_it_serves_at_once() -> None:
    pacer = Pacer(64)
    seen = settle(pacer, 0.05, workers=4, windows=200)
    assert pacer.least <= min(seen[-50:]) and max(seen[-50:]) <= 8  # 4 served, ≤ 2× queued
    assert max(seen[-50:]) >= 4  # and no fewer than keep it busy


def test_a_worker_that_never_queues_gets_the_most() -> None:
    pacer = Pacer(16)
    assert pacer.limit == 1  # the least, to start: the first windows give the base
    seen = settle(pacer, 0.05, workers=1000, windows=40)
    assert seen[-1] == 16


def test_a_slower_worker_for_good_becomes_the_base() -> None:
    pacer = Pacer(16)
    settle(pacer, 0.05, workers=1000, windows=20)
    # From now on every round trip takes 5× as long, however few are in flight.
    settle(pacer, 0.25, workers=1000, windows=10)
    assert pacer.limit < 16
    seen = settle(pacer, 0.25, workers=1000, windows=200)
    assert seen[-1] == 16


def test_least_equal_to_most_is_a_fixed_limit() -> None:
    pacer = Pacer(5, least=5)
    assert settle(pacer, 0.05, workers=1, windows=30) == [5] * 30


@pytest.mark.parametrize(("most", "least"), [(0, 1), (3, 4), (3, 0)])
def test_bounds_out_of_order_are_refused(most: int, least: int) -> None:
    with pytest.raises(ValueError, match="least"):
        Pacer(most, least=least)


async def test_no_more_than_the_limit_are_ever_in_flight() -> None:
    pacer = Pacer(3, least=3)
    in_flight, most_seen = 0, 0

    async def one() -> None:
        nonlocal in_flight, most_seen
        async with pacer.slot():
            in_flight += 1
            most_seen = max(most_seen, in_flight)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            in_flight -= 1

    await asyncio.gather(*(one() for _ in range(50)))
    assert most_seen == 3
    assert in_flight == 0


async def test_a_failed_send_frees_its_slot_and_is_not_a_round_trip() -> None:
    pacer = Pacer(2)
    with pytest.raises(RuntimeError):
        async with pacer.slot():
            raise RuntimeError("Temporal unreachable")
    assert pacer.base is None  # not counted
    async with asyncio.timeout(5):  # the slot is free again
        async with pacer.slot():
            pass
    assert pacer.base is not None


class Process:
    """A worker process's clocks: each update in flight costs it `per_update` of a core, its
    other work (decisions, SMS) `other`."""

    def __init__(self, per_update: float, other: float = 0.0) -> None:
        self.per_update, self.other = per_update, other
        self.wall = 0.0
        self.cpu = 0.0

    def run(self, pacer: Pacer, round_trip: float, windows: int) -> list[int]:
        """`windows` windows of round trips that never grow; the limits seen."""
        seen = []
        for _ in range(windows):
            self.wall += round_trip
            self.cpu += round_trip * min(1.0, self.other + pacer.limit * self.per_update)
            for _ in range(pacer.limit):
                pacer.observe(round_trip)
            seen.append(pacer.limit)
        return seen


def test_a_worker_busy_past_busy_gets_fewer_though_round_trips_never_grow() -> None:
    # Each update in flight takes a quarter of the core: 3 in flight take 0.75, over 0.7.
    process = Process(per_update=0.25)
    pacer = Pacer(8, cpu=lambda: process.cpu, clock=lambda: process.wall)
    seen = process.run(pacer, 0.1, windows=200)
    assert max(seen[-100:]) == 3 and min(seen[-100:]) == 2  # around 0.7, never at 8
    assert pacer.share is not None and 0.45 < pacer.share < 0.8
    # The same round trips without the process's clock: the pacer goes to the most.
    assert settle(Pacer(8), 0.1, workers=1000, windows=100)[-1] == 8


def test_a_worker_never_busy_gets_the_most() -> None:
    process = Process(per_update=0.05)  # 8 in flight take 0.4 of the core
    pacer = Pacer(8, cpu=lambda: process.cpu, clock=lambda: process.wall)
    assert process.run(pacer, 0.1, windows=100)[-1] == 8


def test_a_worker_busy_with_other_work_keeps_the_fan_out_at_its_least() -> None:
    process = Process(per_update=0.05)
    pacer = Pacer(8, cpu=lambda: process.cpu, clock=lambda: process.wall)
    process.run(pacer, 0.1, windows=30)
    assert pacer.limit == 8
    process.other = 0.9  # decisions, SMS: busy without the fan-out's help
    seen = process.run(pacer, 0.1, windows=20)
    assert seen[:7] == [7, 6, 5, 4, 3, 2, 1]  # one fewer a window
    assert set(seen[7:]) == {1}  # and no more while it stays busy
    process.other = 0.2  # the decisions done: the fan-out takes the room again
    assert process.run(pacer, 0.1, windows=30)[-1] == 8


def test_busy_must_be_a_share() -> None:
    with pytest.raises(ValueError, match="busy"):
        Pacer(4, cpu=lambda: 0.0, busy=0)
