"""Replay time for a cycle's worth of histories, by the path `daftar replay DIR` takes.

    .venv/bin/python -m bench.replay --histories 1000

Writes N history files into a temporary directory — the recorded histories of every stage
and ending (tests/histories), repeated in turn under distinct workflow ids — then reads and
replays them all against the current code and prints the time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from daftar.gateway.replay import history_files, read_history, replay

RECORDED = Path(__file__).parent.parent / "tests" / "histories"


async def main(count: int) -> None:
    sources = history_files(RECORDED)
    out = Path(tempfile.mkdtemp(prefix="daftar-replay-"))
    for i in range(count):
        source = sources[i % len(sources)]
        (out / f"application-{i:016x}.json").write_text(source.read_text())
    started = time.perf_counter()
    verdicts = await replay(read_history(f) for f in history_files(out))
    elapsed = time.perf_counter() - started
    events = sum(v.events for v in verdicts)
    failed = sum(not v.deterministic for v in verdicts)
    rate = f"{len(verdicts) / elapsed:.0f} histories/s, {events / elapsed:.0f} events/s"
    print(f"""| figure | value |
| --- | --- |
| histories replayed | {len(verdicts)} ({len(sources)} recorded kinds in turn) |
| events | {events} |
| not deterministic | {failed} |
| wall time | {elapsed:.1f} s ({rate}) |""")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--histories", type=int, default=1000)
    asyncio.run(main(parser.parse_args().histories))
    sys.stdout.flush()
    os._exit(0)
