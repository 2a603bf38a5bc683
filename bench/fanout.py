"""The bare fan-out: what publishing to N waiting workflows costs Temporal, and no more.

N bare workflows are started and given no-op updates (each followed by a no-op local
activity, as daftar records the read model after every transition) until their histories
are as long as a daftar candidate's at awaiting_exam; then they wait. A bare cycle workflow
runs one activity that sends every one of them an update in daftar's fan-out shape (pages of
the same size, the same number of updates in flight, a heartbeat per page). The worker is a
process of its own with the same workflow cache size as daftar's. No API, no database, no
payload codec, no search attributes, no notices: the gap between daftar's publication and
this one is what daftar adds.

Used by bench/publication.py beside each publication size; standalone it runs one size on a
bare dev server:

    .venv/bin/python -m bench.fanout --candidates 2000 --events 30
"""

from __future__ import annotations

import argparse
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
from temporalio.worker import Worker

if TYPE_CHECKING:
    from bench.stack import Stack

TASK_QUEUE = "bare-fanout"
PREFIX = "bare-candidate"


@dataclass
class FanOutJob:
    count: int
    page: int
    concurrency: int


@activity.defn
def record(version: int) -> None:
    """The stand-in for daftar's read-model write: nothing (a thread hop, like daftar's)."""


@workflow.defn
class BareCandidate:
    """Waits forever; each update is recorded by a no-op local activity."""

    @workflow.init
    def __init__(self) -> None:
        self._version, self._synced = 0, -1

    @workflow.run
    async def run(self) -> None:
        while True:
            if self._synced != self._version:
                version = self._version
                await workflow.execute_local_activity(
                    record, version, start_to_close_timeout=timedelta(seconds=30))
                self._synced = version
                continue
            await workflow.wait_condition(lambda: self._synced != self._version)

    @workflow.update
    def step(self, arg: str) -> int:
        self._version += 1
        return workflow.info().get_current_history_length()


class Sender:
    """The fan-out activity, in the shape of daftar.activities.cohort._fan_out."""

    def __init__(self, client: Client) -> None:
        self._client = client

    @activity.defn
    async def fan_out(self, job: FanOutJob) -> int:
        details = activity.info().heartbeat_details
        after = int(details[0]) if details else 0
        limit = asyncio.Semaphore(job.concurrency)
        sent = 0

        async def one(i: int) -> None:
            async with limit:
                handle = self._client.get_workflow_handle(f"{PREFIX}-{i}")
                await handle.execute_update(BareCandidate.step, "result")

        while after < job.count:
            page = range(after, min(after + job.page, job.count))
            await asyncio.gather(*(one(i) for i in page))
            sent += len(page)
            after = page[-1] + 1
            activity.heartbeat(after)
        return sent


@workflow.defn
class BareCycle:
    @workflow.run
    async def run(self, job: FanOutJob) -> int:
        result: int = await workflow.execute_activity(
            "fan_out", job, heartbeat_timeout=timedelta(seconds=60),
            start_to_close_timeout=timedelta(hours=12), result_type=int)
        return result


async def serve(address: str, cache: int) -> None:
    """The bare worker process: 16 activity threads, `cache` cached workflows, until SIGTERM."""
    client = await Client.connect(address)
    sender = Sender(client)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = Worker(client, task_queue=TASK_QUEUE, workflows=[BareCandidate, BareCycle],
                        activities=[record, sender.fan_out], activity_executor=executor,
                        max_concurrent_activities=16, max_cached_workflows=cache)
        await worker.run()


def main() -> None:
    asyncio.run(serve(sys.argv[1], int(sys.argv[2])))
    sys.stdout.flush()
    os._exit(0)


async def start_worker(stack: Stack, cache: int) -> None:
    stack.spawn("bare", [sys.executable, "-c", "from bench.fanout import main; main()",
                         stack.temporal_address, str(cache)])
    await stack.wait_polling("bare", TASK_QUEUE)


async def history_size(client: Client, workflow_id: str) -> tuple[int, int]:
    """Events and bytes of a workflow's history."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return len(history.events), sum(e.ByteSize() for e in history.events)


async def set_up(client: Client, count: int, events: int, concurrency: int) -> tuple[int, int]:
    """Start `count` bare candidates with histories of at least `events` events; the updates
    each needed and the first one's history (events)."""
    first = await client.start_workflow(BareCandidate.run, id=f"{PREFIX}-0",
                                        task_queue=TASK_QUEUE)
    steps = 0
    while (await history_size(client, first.id))[0] < events and steps < 100:
        await first.execute_update(BareCandidate.step, "pad")
        steps += 1
        await asyncio.sleep(0.2)  # the local activity's marker lands after the update
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            h = await client.start_workflow(BareCandidate.run, id=f"{PREFIX}-{i}",
                                            task_queue=TASK_QUEUE)
            for _ in range(steps):
                await h.execute_update(BareCandidate.step, "pad")

    for start in range(1, count, 1000):
        await asyncio.gather(*(one(i) for i in range(start, min(start + 1000, count))))
    return steps, (await history_size(client, first.id))[0]


async def publish(client: Client, count: int, page: int, concurrency: int) -> float:
    """The timed fan-out to every bare candidate; its wall time."""
    started = time.perf_counter()
    await client.execute_workflow(BareCycle.run, FanOutJob(count, page, concurrency),
                                  id=f"bare-cycle-{time.time_ns()}", task_queue=TASK_QUEUE)
    return time.perf_counter() - started


async def _standalone(count: int, events: int, cache: int) -> None:
    from bench.common import CpuMeter, machine_line
    from bench.stack import Stack

    async with Stack("sqlite", log_level="WARNING") as stack:
        await start_worker(stack, cache)
        steps, got = await set_up(stack.client, count, events, 64)
        meter = CpuMeter({"bare worker": stack.pid("bare"), "server": stack.pid("server")})
        meter.start()
        wall = await publish(stack.client, count, 500, 64)
        cpu = meter.stop()
        await stack.stop("bare")
    print(f"\n| bare fan-out | value |\n| --- | --- |\n| workflows | {count} |\n"
          f"| history events (no-op updates) | {got} ({steps}) |\n"
          f"| wall | {wall:.1f} s ({count / wall:.0f}/s) |\n"
          f"| CPU per workflow: worker / server | {cpu['bare worker'] / count * 1000:.1f} ms / "
          f"{cpu['server'] / count * 1000:.1f} ms |\n\n{machine_line()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--events", type=int, default=30, help="history events to build")
    parser.add_argument("--cache", type=int, default=1000, help="max_cached_workflows")
    args = parser.parse_args()
    asyncio.run(_standalone(args.candidates, args.events, args.cache))
    sys.stdout.flush()
    os._exit(0)
