"""Profiles of the API and worker processes during one phase, and where their time goes.

With `py-spy` (installed by `./test`; found beside the running Python, or on PATH) it
attaches to both processes (all threads, active samples only) for the phase; without it each
process runs under pyinstrument (main thread only, wall clock, idle waits left out of the
summary): `python -m bench.variants --profile-out PREFIX api|worker`
wraps `daftar api|worker`, starts profiling on SIGUSR1 and writes PREFIX.txt and
PREFIX.collapsed on SIGUSR2. Both leave collapsed stacks (`frame;frame;… count`) that
`summary` reads.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import table

PY_SPY = (shutil.which("py-spy", path=str(Path(sys.executable).parent))
          or shutil.which("py-spy"))
#: Leaf functions that are a thread waiting, not working (pyinstrument samples wall clock).
IDLE = {"select", "poll", "control", "sleep", "wait", "acquire", "_worker"}
_FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


class Profiling:
    """Profile processes {name: pid} from `start()` to `stop()`, into `out`."""

    def __init__(self, out: Path, pids: dict[str, int], prefix: str) -> None:
        self.out, self.pids, self.prefix = out, pids, prefix
        self.tool = "py-spy" if PY_SPY else "pyinstrument"
        self._spies: list[subprocess.Popen[bytes]] = []

    def file(self, name: str) -> Path:
        return self.out / f"{self.prefix}-{name}.collapsed"

    def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for name, pid in self.pids.items():
            if PY_SPY:
                self._spies.append(subprocess.Popen(
                    [PY_SPY, "record", "--pid", str(pid), "--format", "raw", "--threads",
                     "--nonblocking", "--rate", "200", "--output", str(self.file(name))],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            else:
                os.kill(pid, signal.SIGUSR1)

    def stop(self) -> None:
        for spy in self._spies:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        if not PY_SPY:
            for pid in self.pids.values():
                os.kill(pid, signal.SIGUSR2)
            for name in self.pids:
                for _ in range(600):
                    if self.file(name).exists():
                        break
                    time.sleep(0.1)


def _split(frame: str) -> tuple[str, str]:
    m = _FRAME.match(frame)
    return (m["fn"], m["file"]) if m else (frame, "")


def _package(file: str) -> str:
    """The package a frame's file belongs to: `sqlalchemy`, `daftar.api`, `stdlib:json`…"""
    for marker in ("site-packages/", "dist-packages/", "/lib/python3.11/", "/work/main/"):
        file = file.split(marker)[-1]
    parts = file.split("/")
    top = parts[0].removesuffix(".py")
    if top == "daftar" and len(parts) > 1:
        return "daftar." + parts[1].removesuffix(".py")
    if top in sys.stdlib_module_names:
        return "stdlib:" + top
    return top or "?"


def summary(path: Path, top: int = 12) -> dict[str, Any]:
    """Samples by thread, by package of the leaf frame, the top functions by self time and
    daftar's own functions by inclusive time, in per cent of the active samples."""
    threads: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    active = idle = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames, n = stack.split(";"), int(count)
        thread = "MainThread"
        if frames[0].startswith("thread ("):
            thread = re.sub(r"_\d+$", "", frames.pop(0).split(": ", 1)[-1])
            thread = "unnamed (SDK core callbacks)" if thread.startswith("thread (") else thread
        if not frames:  # no Python frame: native code (the SDK's core, the C library)
            frames = ["(native) (native)"]
        fn, file = _split(frames[-1])
        if fn.rsplit(".", 1)[-1] in IDLE:
            idle += n
            continue
        active += n
        threads[thread] += n
        packages[_package(file)] += n
        own[f"{fn} ({file.rsplit('/', 1)[-1]})"] += n
        for name in {f"{f} ({p.split('daftar/')[-1]})" for f, p in map(_split, frames)
                     if _package(p).startswith("daftar.") and f != "main" and f != "_run"}:
            inclusive[name] += n

    def share(c: Counter[str]) -> list[tuple[str, float]]:
        return [(k, 100 * v / max(active, 1)) for k, v in c.most_common(top)]

    return {"active": active, "idle": idle, "threads": share(threads),
            "packages": share(packages), "self": share(own), "inclusive": share(inclusive)}


def _collapse(frame: Any, trail: list[str], out: Counter[str]) -> None:
    """pyinstrument's frame tree as collapsed stacks, in milliseconds of self time."""
    if frame.function == "[self]" or frame.is_synthetic:
        out[";".join(trail)] += round(frame.time * 1000)
        return
    here = [*trail, f"{frame.function} ({frame.file_path}:{frame.line_no})"]
    rest = frame.time - sum(c.time for c in frame.children)
    if not frame.children or rest > 0.0005:
        out[";".join(here)] += round(max(rest, 0) * 1000)
    for child in frame.children:
        _collapse(child, here, out)


def wrapped(out: str, command: str) -> None:
    """Run `daftar <command>` profiled between SIGUSR1 and SIGUSR2."""
    from pyinstrument import Profiler

    from daftar.commands import main

    profiler = Profiler(interval=0.001, async_mode="disabled")

    def begin(*_: Any) -> None:
        if not profiler.is_running:
            profiler.start()

    def end(*_: Any) -> None:
        if not profiler.is_running:
            return
        session = profiler.stop()
        Path(out + ".txt").write_text(profiler.output_text(show_all=False, color=False))
        stacks: Counter[str] = Counter()
        if (root := session.root_frame()) is not None:
            _collapse(root, [], stacks)
        Path(out + ".collapsed").write_text(
            "".join(f"{k} {v}\n" for k, v in stacks.items() if k and v))

    signal.signal(signal.SIGUSR1, begin)
    signal.signal(signal.SIGUSR2, end)
    main([command])


def summary_tables(profile: dict[str, Any], what: str) -> list[str]:
    """`summary`'s parts as Markdown tables, each titled with `what` was profiled."""
    return [table(f"{what}: {part} (% of {profile['active']} active samples)", ["", "%"],
                  [[k, f"{v:.1f}"] for k, v in profile[part]])
            for part in ("threads", "packages", "self", "inclusive")]
