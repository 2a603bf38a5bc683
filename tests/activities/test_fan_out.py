"""Every fan-out of CohortActivities paces its updates and bounds them, whatever `concurrency`."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any, cast

from temporalio.testing import ActivityEnvironment

from daftar.activities.cohort import FAN_OUT_IN_FLIGHT, CohortActivities
from daftar.contracts.cycle import FanOutResult


async def fan_out(count: int, concurrency: int, page_size: int,
                  busy: float = 0.0) -> tuple[FanOutResult, Counter[str], int]:
    """A fan-out over `count` ids whose every send takes a round trip, in a process that spends
    `busy` of a core: its result, the sends each id got, and the most ever in flight at once."""
    ids = [f"{n:04x}" for n in range(count)]
    in_flight, most = 0, 0
    sent: Counter[str] = Counter()

    async def page(after: str) -> list[str]:
        return [i for i in ids if i > after][:page_size]

    async def send(app_id: str) -> str:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001)  # a round trip: the others may start meanwhile
        in_flight -= 1
        sent[app_id] += 1
        return "sent"

    acts = CohortActivities(cast(Any, None), cast(Any, None), concurrency=concurrency,
                            page_size=page_size, cpu=lambda: time.monotonic() * busy)
    result = await ActivityEnvironment().run(acts._send_to_each, page, send)
    return result, sent, most


async def test_a_fan_out_keeps_at_most_its_bound_in_flight_and_sends_each_once() -> None:
    # Configured for 64 at once, pages of 50: still no more than FAN_OUT_IN_FLIGHT.
    result, sent, most = await fan_out(300, concurrency=64, page_size=50)
    assert result.sent == 300 and result.skipped == 0
    assert len(sent) == 300 and set(sent.values()) == {1}  # each once
    assert 1 < most <= FAN_OUT_IN_FLIGHT  # paced upward from one, never past the bound


async def test_a_smaller_concurrency_bounds_it_below_the_default() -> None:
    result, sent, most = await fan_out(120, concurrency=2, page_size=40)
    assert result.sent == 120 and len(sent) == 120
    assert most <= 2


async def test_a_fan_out_in_a_busy_process_keeps_one_in_flight() -> None:
    # The same sends as above, in a worker whose process spends 90% of a core: one at a time.
    result, sent, most = await fan_out(300, concurrency=64, page_size=50, busy=0.9)
    assert result.sent == 300 and len(sent) == 300 and set(sent.values()) == {1}
    assert most == 1


def test_a_fan_out_watches_its_own_process_by_default() -> None:
    acts = CohortActivities(cast(Any, None), cast(Any, None))
    assert acts._cpu is time.process_time
