"""Replaying recorded histories against the current workflow code.

A history that no longer replays means running applicants would break on the next deploy: each
verdict says which history, and the first mismatch the SDK found (README: "Changing a workflow
safely").
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from pydantic import BaseModel
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from daftar.core.codec import data_converter, worker_converter
from daftar.core.seal import SealInterceptor
from daftar.workflows.registry import WORKFLOWS

MANIFEST = "manifest.json"


class ReplayVerdict(BaseModel):
    """Whether one history replays deterministically on the current code."""

    workflow_id: str
    deterministic: bool
    events: int
    error: str | None = None


def replayer(keyring: dict[str, bytes] | None = None) -> Replayer:
    """A replayer of daftar's workflows with the converter every client and worker uses.

    Encrypted histories need the payload codec's `keyring` (one that still holds every key
    they were sealed with); plaintext ones, recorded before encryption, replay either way.
    A forged start's history replays to the same end: its verdict is recorded in it.
    """
    # Lenient like a worker's: a forged start's unreadable input replays to its recorded end.
    return Replayer(workflows=WORKFLOWS, data_converter=worker_converter(data_converter(keyring)),
                    # No keys: on replay the seal check reads each history's own verdict.
                    interceptors=[SealInterceptor(None)])


async def replay(histories: Iterable[WorkflowHistory],
                 using: Replayer | None = None) -> list[ReplayVerdict]:
    """Replay each history and report; one failure does not stop the others."""
    engine = using or replayer()

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    verdicts: list[ReplayVerdict] = []
    async with engine.workflow_replay_iterator(each()) as results:
        async for result in results:
            failure = result.replay_failure
            verdicts.append(ReplayVerdict(
                workflow_id=result.history.workflow_id, deterministic=failure is None,
                events=len(result.history.events),
                error=None if failure is None else f"{type(failure).__name__}: {failure}"))
    return verdicts


def read_history(path: Path) -> WorkflowHistory:
    """A history file as exported (the Temporal CLI's JSON); its name is the workflow id."""
    return WorkflowHistory.from_json(path.stem, json.loads(path.read_text()))


def history_files(target: Path) -> list[Path]:
    """The history files of `target`: itself, or a directory's `*.json` but its manifest."""
    if target.is_dir():
        return sorted(p for p in target.glob("*.json") if p.name != MANIFEST)
    return [target]
