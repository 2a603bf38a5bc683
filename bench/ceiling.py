"""The ceiling: a bare workflow doing what one applicant's path costs Temporal, and no more.

One start and eight updates, each followed by a no-op local activity (daftar records the read
model with a local activity after every transition, and once after the start), driven by the
same client concurrency against the same dev server, with its own worker in its own process
configured like daftar's. No API, no database, no payload codec, no search attributes, no
timers: the gap between daftar's figure and this one is what daftar adds.

A `Shape` adds back one thing daftar does at a time (its SLA timers, its search-attribute
upserts, its payload sizes, its notices), so `--ceiling-breakdown` shows what each costs the
server; `Shape.daftar()` does all the durable work one daftar path asks of Temporal (the same
updates, upserts, timers, local activities and notice activities, daftar's payload sizes) and
nothing else: the ceiling daftar's full path is held to.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes
from temporalio.worker import Worker

if TYPE_CHECKING:
    from bench.http_path import Phase
    from bench.stack import Stack

TASK_QUEUE = "ceiling"
#: daftar's four search attributes (daftar.contracts.search), registered on the bench server.
STAGE = SearchAttributeKey.for_keyword("DaftarStage")
CYCLE = SearchAttributeKey.for_int("DaftarCycle")
PROVINCE = SearchAttributeKey.for_keyword("DaftarProvince")
QUOTA = SearchAttributeKey.for_keyword("DaftarQuota")


@dataclass
class Shape:
    """What the bare path does on top of updates and local activities."""

    timers: bool = False  # wait with a timeout each time, as ApplicantWorkflow's SLA waits do
    upserts: bool = False  # start with, then upsert at every update, daftar's 4 attributes
    payload: int = 0  # bytes of each update's argument/result (daftar's: ≈ 450 / 2,400)
    #: daftar's notices (NOTE-1): an activity started, not awaited, at the start and after
    #: each of the last six updates (registered, exam result, 3 decisions, office, licence).
    notices: bool = False
    #: As daftar's revision 1: only the stage upserted, at the 7 updates that change it (not
    #: the photo's), the start having set all four; plus the seat's local activity once.
    stage_only: bool = False

    @classmethod
    def daftar(cls) -> Shape:
        """One daftar path's durable work (history of 100 events, as daftar's)."""
        return cls(timers=True, upserts=True, payload=2400, notices=True, stage_only=True)

    @property
    def name(self) -> str:
        if self == Shape.daftar():
            return "daftar's durable work"
        parts = [p for p, on in (("timers", self.timers), ("upserts", self.upserts),
                                 (f"payloads {self.payload} B", self.payload),
                                 ("notices", self.notices), ("stage only", self.stage_only))
                 if on]
        return "bare" if not parts else " + ".join(parts)


@activity.defn
def record(version: int) -> None:
    """The stand-in for daftar's read-model write: nothing (a thread hop, like daftar's)."""


@activity.defn
def notice(version: int) -> None:
    """The stand-in for daftar's SMS: nothing, as an activity task through the server."""


@workflow.defn
class CeilingWorkflow:
    @workflow.init
    def __init__(self, shape: Shape) -> None:
        self._shape, self._version, self._synced = shape, 0, -1
        self._sending: list[asyncio.Task[None]] = []

    @workflow.run
    async def run(self, shape: Shape) -> None:
        while True:  # like ApplicantWorkflow after `licensed`: it waits on, never ends
            if self._synced != self._version:
                version = self._version
                if shape.upserts and shape.stage_only and version >= 2:
                    workflow.upsert_search_attributes([STAGE.value_set(f"stage-{version}")])
                elif shape.upserts and version and not shape.stage_only:
                    workflow.upsert_search_attributes([
                        STAGE.value_set(f"stage-{version}"), CYCLE.value_set(1405),
                        PROVINCE.value_set("Tehran"), QUOTA.value_set("free")])
                await workflow.execute_local_activity(
                    record, version, start_to_close_timeout=timedelta(seconds=30))
                if shape.stage_only and version == 2:  # daftar asks for an exam seat
                    await workflow.execute_local_activity(
                        record, version, start_to_close_timeout=timedelta(seconds=30))
                self._synced = version
                if shape.notices and (version == 0 or version >= 3):
                    self._sending.append(asyncio.create_task(workflow.execute_activity(
                        notice, version, start_to_close_timeout=timedelta(seconds=30))))
                continue
            try:
                await workflow.wait_condition(lambda: self._synced != self._version,
                                              timeout=timedelta(days=10) if shape.timers
                                              else None)
            except TimeoutError:
                pass

    @workflow.update
    def step(self, arg: str) -> str:
        self._version += 1
        return "r" * self._shape.payload


async def serve(address: str) -> None:
    """The ceiling's worker process: like daftar's (16 activity threads) until SIGTERM."""
    client = await Client.connect(address)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = Worker(client, task_queue=TASK_QUEUE, workflows=[CeilingWorkflow],
                        activities=[record, notice], activity_executor=executor,
                        max_concurrent_activities=16)
        await worker.run()  # until SIGTERM ends the process


def main() -> None:
    asyncio.run(serve(sys.argv[1]))
    sys.stdout.flush()
    os._exit(0)


async def run_ceiling(stack: Stack, count: int, concurrency: int,
                      shape: Shape | None = None) -> Phase:
    """`count` ceiling paths of `shape`, `concurrency` at once, through a plain client."""
    from bench.common import CpuMeter
    from bench.http_path import UPDATES, CallFailed, Phase, concurrently

    shape = shape or Shape()
    prefix = "ceiling-" + "".join(c for c in shape.name if c.isalnum() or c in "+-")
    stack.spawn("ceiling", [sys.executable, "-c", "from bench.ceiling import main; main()",
                            stack.temporal_address])
    client = await Client.connect(stack.temporal_address)
    await stack.wait_polling("ceiling", TASK_QUEUE)
    phase = Phase(sample=f"{prefix}-0")
    meter = CpuMeter({"server": stack.pid("server"), "worker": stack.pid("ceiling"),
                      "bench": None})
    attributes = TypedSearchAttributes([
        SearchAttributePair(STAGE, "stage-0"), SearchAttributePair(CYCLE, 1405),
        SearchAttributePair(PROVINCE, "Tehran"), SearchAttributePair(QUOTA, "free")])
    arg = "a" * (shape.payload // 5)

    async def one(i: int) -> None:
        try:
            started = time.perf_counter()
            handle = await client.start_workflow(
                CeilingWorkflow.run, shape, id=f"{prefix}-{i}", task_queue=TASK_QUEUE,
                search_attributes=attributes if shape.upserts else None)
            phase.latency["register"].append(time.perf_counter() - started)
            for label in UPDATES:
                started = time.perf_counter()
                await handle.execute_update(CeilingWorkflow.step, arg)
                phase.latency[label].append(time.perf_counter() - started)
        except Exception as err:
            phase.errors.append(f"ceiling: {err!r}")
            raise CallFailed("ceiling") from err

    try:
        meter.start()
        await concurrently(count, concurrency, one, phase, f"ceiling paths ({shape.name})")
        phase.cpu = meter.stop()
        return phase
    finally:
        await stack.stop("ceiling")
