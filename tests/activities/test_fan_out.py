"""Every fan-out of CohortActivities paces its updates and bounds them, whatever `concurrency`."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, cast

from temporalio.testing import ActivityEnvironment

from daftar.activities.cohort import FAN_OUT_IN_FLIGHT, CohortActivities


async def test_a_fan_out_keeps_at_most_its_bound_in_flight_and_sends_each_once() -> None:
    ids = [f"{n:04x}" for n in range(300)]
    in_flight, most = 0, 0
    sent: Counter[str] = Counter()

    async def page(after: str) -> list[str]:
        return [i for i in ids if i > after][:50]

    async def send(app_id: str) -> str:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001)  # a round trip: the others may start meanwhile
        in_flight -= 1
        sent[app_id] += 1
        return "sent"

    # Configured for 64 at once: the fan-out still keeps no more than FAN_OUT_IN_FLIGHT.
    acts = CohortActivities(cast(Any, None), cast(Any, None), concurrency=64, page_size=50)
    result = await ActivityEnvironment().run(acts._send_to_each, page, send)

    assert result.sent == len(ids) and result.skipped == 0
    assert sent == Counter(ids)  # each once
    assert 1 < most <= FAN_OUT_IN_FLIGHT  # paced upward from one, never past the bound


async def test_a_smaller_concurrency_bounds_it_below_the_default() -> None:
    ids = [f"{n:04x}" for n in range(120)]
    in_flight, most = 0, 0

    async def page(after: str) -> list[str]:
        return [i for i in ids if i > after][:40]

    async def send(app_id: str) -> str:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        return "sent"

    acts = CohortActivities(cast(Any, None), cast(Any, None), concurrency=2, page_size=40)
    result = await ActivityEnvironment().run(acts._send_to_each, page, send)
    assert result.sent == len(ids)
    assert most <= 2
