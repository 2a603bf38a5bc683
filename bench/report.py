"""The printed tables: one column per read-model database, figures only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.common import ms, pct, table
from bench.http_path import STEPS, UPDATES, Phase

if TYPE_CHECKING:
    from bench.openloop import OpenLoop

#: History event kinds worth showing per path (the rest are counted in the total).
EVENT_KINDS = {"WORKFLOW_TASK_COMPLETED": "workflow tasks", "MARKER_RECORDED": "local activities",
               "TIMER_STARTED": "timers started", "TIMER_CANCELED": "timers cancelled",
               "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES": "search-attribute upserts",
               "WORKFLOW_EXECUTION_UPDATE_ACCEPTED": "updates accepted"}


@dataclass
class Result:
    """Everything one database's run measured."""

    database: str
    registration: Phase | None = None
    path: Phase | None = None
    ceiling: Phase | None = None
    same_work: Phase | None = None  # the ceiling doing daftar's durable work (Shape.daftar)
    open_loop: OpenLoop | None = None  # decision latency at half the ceiling's rate
    events: dict[str, Counter[str]] = field(default_factory=dict)  # daftar / ceiling
    fill_seconds: float = 0.0
    reads: list[tuple[str, float, float, float, str]] = field(default_factory=list)
    publication: list[tuple[str, str]] = field(default_factory=list)
    launch: list[tuple[str, str]] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)  # process → summary
    breakdown: list[tuple[str, Phase, Counter[str]]] = field(default_factory=list)
    stats_check: str = ""  # the read model's stats after the HTTP parts


async def history_events(client: Client, workflow_id: str) -> Counter[str]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return Counter(EventType.Name(e.event_type).removeprefix("EVENT_TYPE_")
                   for e in history.events)


def _lat(values: list[float]) -> str:
    return f"{ms(pct(values, 50))} / {ms(pct(values, 95))} / {ms(pct(values, 99))}"


def _cpu(phase: Phase, name: str) -> str:
    if name not in phase.cpu or not phase.done:
        return "–"
    return f"{phase.cpu[name] / phase.done * 1000:.0f} ms"


def _events(c: Counter[str]) -> str:
    shown = ", ".join(f"{label} {c[kind]}" for kind, label in EVENT_KINDS.items() if c[kind])
    return f"{sum(c.values())} ({shown})"


def render(results: list[Result], *, applicants: int, concurrency: int, rows: int) -> str:
    head = ["figure", *(r.database for r in results)]
    out: list[str] = []
    if all(r.registration for r in results):
        regs = [r.registration for r in results if r.registration]
        out.append(table(
            f"Registration through HTTP ({applicants} applications, {concurrency} clients)",
            head, [
                ["applications/s", *(f"{p.rate:.1f}" for p in regs)],
                ["wall time", *(f"{p.wall:.1f} s" for p in regs)],
                ["latency p50", *(ms(pct(p.latency["register"], 50)) for p in regs)],
                ["latency p99", *(ms(pct(p.latency["register"], 99)) for p in regs)],
                ["errors", *(str(len(p.errors)) for p in regs)]]))
    if all(r.path and r.ceiling for r in results):
        pairs = [(r.path, r.ceiling, r.events) for r in results if r.path and r.ceiling]
        out.append(table(
            f"Full path through HTTP vs the bare-Temporal ceiling ({applicants} paths, "
            f"{concurrency} clients)", head, [
                ["daftar paths/s", *(f"{p.rate:.2f}" for p, _, _ in pairs)],
                ["ceiling paths/s (same run, same server)",
                 *(f"{c.rate:.2f}" for _, c, _ in pairs)],
                ["ratio daftar / ceiling", *(f"{p.rate / c.rate:.2f}" if c.rate else "–"
                                             for p, c, _ in pairs)],
                ["ceiling doing daftar's durable work: paths/s",
                 *(f"{r.same_work.rate:.2f}" if r.same_work else "–" for r in results)],
                ["ratio daftar / durable-work ceiling (goal ≥ 0.8)",
                 *(f"{r.path.rate / r.same_work.rate:.2f}"
                   if r.same_work and r.same_work.rate and r.path else "–" for r in results)],
                ["CPU per path, durable-work ceiling: server / worker",
                 *(f"{_cpu(r.same_work, 'server')} / {_cpu(r.same_work, 'worker')}"
                   if r.same_work else "–" for r in results)],
                ["wall time daftar / ceiling", *(f"{p.wall:.1f} s / {c.wall:.1f} s"
                                                 for p, c, _ in pairs)],
                ["CPU per path: Temporal server, daftar / ceiling",
                 *(f"{_cpu(p, 'server')} / {_cpu(c, 'server')}" for p, c, _ in pairs)],
                ["CPU per path: worker, daftar / ceiling",
                 *(f"{_cpu(p, 'worker')} / {_cpu(c, 'worker')}" for p, c, _ in pairs)],
                ["CPU per path: API", *(_cpu(p, "api") for p, _, _ in pairs)],
                ["CPU per path: load generator, daftar (HTTP) / ceiling",
                 *(f"{_cpu(p, 'bench')} / {_cpu(c, 'bench')}" for p, c, _ in pairs)],
                ["history events per path, daftar", *(_events(e["daftar"]) for _, _, e in pairs)],
                ["history events per path, ceiling",
                 *(_events(e["ceiling"]) for _, _, e in pairs)],
                ["history events per path, durable-work ceiling",
                 *(_events(e["same work"]) if "same work" in e else "–" for _, _, e in pairs)],
                ["errors daftar / ceiling", *(f"{len(p.errors)} / {len(c.errors)}"
                                              for p, c, _ in pairs)],
                ["read model after both parts (stats)", *(r.stats_check for r in results)]]))
        lat_head = ["call (p50 / p95 / p99)"]
        for r in results:
            lat_head += [f"daftar, {r.database}", f"ceiling, {r.database} run",
                         "durable-work ceiling"]
        lat_rows = []
        for step in [*STEPS, "all 8 updates"]:
            labels = UPDATES if step == "all 8 updates" else [step]
            row = [step]
            for r in results:
                assert r.path and r.ceiling
                row += [_lat(r.path.all_of(labels)), _lat(r.ceiling.all_of(labels)),
                        _lat(r.same_work.all_of(labels)) if r.same_work else "–"]
            lat_rows.append(row)
        out.append(table("Decision (update) latency under the full-path load", lat_head,
                         lat_rows))
    for r in results:
        if r.breakdown and r.ceiling:
            rows_ = [[f"bare ({r.database} run)", f"{r.ceiling.rate:.2f}",
                      _cpu(r.ceiling, "server"), _cpu(r.ceiling, "worker"),
                      str(sum(r.events["ceiling"].values()))]]
            rows_ += [[f"+ {name}", f"{p.rate:.2f}", _cpu(p, "server"), _cpu(p, "worker"),
                       str(sum(e.values()))] for name, p, e in r.breakdown]
            out.append(table("Ceiling with daftar's extras added one at a time",
                             ["ceiling shape", "paths/s", "server CPU/path", "worker CPU/path",
                              "events/path"], rows_))
    if any(r.reads for r in results):
        done = [r for r in results if r.reads]
        read_rows = [[f"bulk insert of {rows} rows", *(f"{r.fill_seconds:.1f} s" for r in done)]]
        for i, (what, *_rest) in enumerate(done[0].reads):
            read_rows.append([f"{what}: p50 / p95 / p99",
                              *(" / ".join(ms(t) for t in r.reads[i][1:4]) for r in done)])
        read_rows.append(["answers (last request)", *("; ".join(x[4] for x in r.reads)
                                                      for r in done)])
        out.append(table(f"Admin reads with {rows} applications in the read model "
                         "(sequential requests)", ["figure", *(r.database for r in done)],
                         read_rows))
    if any(r.launch for r in results):
        done = [r for r in results if r.launch]
        out.append(table("Launch round", ["figure", *(r.database for r in done)],
                         [[name, *(dict(r.launch).get(name, "–") for r in done)]
                          for name, _ in done[0].launch]))
    if any(r.publication for r in results):
        done = [r for r in results if r.publication]
        out.append(table("Publication of exam results", ["figure", *(r.database for r in done)],
                         [[name, *(dict(r.publication)[name] for r in done)]
                          for name, _ in done[0].publication]))
    for r in results:
        for proc, s in r.profiles.items():
            out.append(_profile(r.database, proc, s))
    return "\n".join(out)


def _profile(database: str, proc: str, s: dict[str, Any]) -> str:
    rows = []
    views = {"threads": "thread", "packages": "package (leaf frame)", "self": "self time",
             "inclusive": "daftar function, inclusive"}
    for kind, view in views.items():
        for name, share in s[kind]:
            rows.append([view, name.replace("|", "/"), f"{share:.1f} %"])
    return table(f"Profile: {proc} during the full path ({database}; {s['active']} active "
                 f"samples, {s['idle']} idle left out)", ["view", "where", "share"], rows)
