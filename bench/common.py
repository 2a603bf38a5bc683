"""Shared helpers of the benchmarks: percentiles, tables, the machine line, /proc readings."""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def progress(text: str, *, done: bool = False) -> None:
    """A progress line: redrawn in place on a terminal; only the final one when piped."""
    if done:
        print(("\r" if sys.stdout.isatty() else "") + text, flush=True)
    elif sys.stdout.isatty():
        print("\r" + text, end="", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return "–" if seconds != seconds else f"{seconds * 1000:.0f} ms"  # NaN check


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table under a `### title` line."""
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine_line() -> str:
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1])
    load = os.getloadavg()[0]
    return (f"machine: {os.cpu_count()} CPUs, {mem / 1024 / 1024:.0f} GiB, "
            f"Python {sys.version.split()[0]} ({platform.machine()}), "
            f"load average at start {load:.2f}")


def proc_kib(pid: int, field: str = "VmRSS") -> int:
    """A memory field of /proc/<pid>/status in KiB (VmRSS now, VmHWM the peak); 0 if gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds used so far by process `pid` (this process when None)."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds per thread name of process `pid` (threads of one name added up)."""
    out: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    return out


class CpuMeter:
    """CPU seconds each named process spends between `start()` and `stop()`."""

    def __init__(self, pids: dict[str, int | None]) -> None:
        self.pids = pids
        self.used: dict[str, float] = {}
        self._at: dict[str, float] = {}

    def start(self) -> None:
        self._at = {name: cpu_seconds(pid) for name, pid in self.pids.items()}

    def stop(self) -> dict[str, float]:
        self.used = {name: cpu_seconds(pid) - self._at[name] for name, pid in self.pids.items()}
        return self.used


class Sampler:
    """Peak resident memory of some processes, sampled while a phase runs."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0)
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], proc_kib(pid))
            await asyncio.sleep(0.25)

    def __enter__(self) -> Sampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
