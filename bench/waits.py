"""Where an update's time went, read back from its workflow's history.

An accepted update follows the workflow task that ran its handler. That task's events say
how long it waited in the task queue for a worker to take it (scheduled → started) and how
long the worker took to finish it (started → completed): the handler, a replay of the whole
history when the workflow was not cached, and the local activities the task ran (daftar's
read-model write). What the caller saw beyond those two is the API, the client and the
server's own handling of the call. The events carry the server's times; the update's name is
not encrypted by the codec, so a client without it reads them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.common import pct


@dataclass(frozen=True, slots=True)
class UpdateWait:
    """One accepted update: when its task was scheduled (epoch seconds), its queue and work."""

    name: str
    scheduled: float
    queued: float
    worked: float


async def update_waits(client: Client, workflow_ids: Iterable[str], *, name: str,
                       concurrency: int = 16) -> list[UpdateWait]:
    """The accepted updates called `name` of each workflow, with their task's waits."""
    gate = asyncio.Semaphore(concurrency)

    async def one(workflow_id: str) -> list[UpdateWait]:
        async with gate:
            history = await client.get_workflow_handle(workflow_id).fetch_history()
        found: list[UpdateWait] = []
        scheduled = started = completed = 0.0
        for event in history.events:
            at = event.event_time.ToMicroseconds() / 1e6
            kind = event.event_type
            if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
                scheduled = at
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                started = at
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                completed = at
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                attrs = event.workflow_execution_update_accepted_event_attributes
                if attrs.accepted_request.input.name == name and scheduled and started:
                    found.append(UpdateWait(name, scheduled, started - scheduled,
                                            max(0.0, completed - started)))
        return found

    return [w for ws in await asyncio.gather(*(one(i) for i in workflow_ids)) for w in ws]


def p50_p99(waits: Sequence[UpdateWait], part: str) -> str:
    """The p50 / p99 of one part of `waits` ("queued" or "worked"), in ms."""
    values = [getattr(w, part) for w in waits]
    return f"{pct(values, 50) * 1000:.0f} / {pct(values, 99) * 1000:.0f} ms"


def task_rows(quiet: Sequence[UpdateWait], busy: Sequence[UpdateWait]) -> list[tuple[str, str]]:
    """Where the decisions' workflow tasks waited, queued and in the worker, p50 / p99:
    without the fan-out (`quiet`) and during it (`busy`)."""
    return [
        ("decisions' workflow task, queued p50 / p99: without / during",
         f"{p50_p99(quiet, 'queued')} / {p50_p99(busy, 'queued')}"),
        ("decisions' workflow task, in the worker p50 / p99: without / during",
         f"{p50_p99(quiet, 'worked')} / {p50_p99(busy, 'worked')}"),
    ]
