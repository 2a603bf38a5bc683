"""The recorded histories (tests/histories) replay on the current code; a change that would
break running applicants is caught, with the first mismatch named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.worker import Replayer

from daftar.contracts.state import ApplicationState
from daftar.core.codec import data_converter
from daftar.gateway.replay import history_files, read_history, replay, replayer
from daftar.workflows.applicant import OVERDUE_REMINDERS, ApplicantWorkflow
from tests.conftest import TEST_KEYRING

HISTORIES = Path(__file__).parent.parent / "histories"
ENDINGS = {"licensed_then_revoked", "licensed_open", "rejected_exam", "rejected_interview",
           "rejected_qualification", "rejected_security", "withdrawn", "disqualified",
           "incomplete", "escalated_waiting", "escalated_reminded",
           "escalated_before_reminders", "amended", "amended_incomplete",
           "seated", "seated_on_entry", "reopened", "reinstated", "rejected_then_closed",
           "absent", "document_requested", "document_lapsed"}


async def test_every_recorded_history_replays() -> None:
    files = history_files(HISTORIES)
    assert ENDINGS <= {f.stem for f in files}  # every stage and ending is covered
    # Recorded in plaintext before encryption: they replay with the codec's keys too.
    verdicts = await replay((read_history(f) for f in files), using=replayer(TEST_KEYRING))
    assert [(v.workflow_id, v.error) for v in verdicts if not v.deterministic] == []
    assert len(verdicts) == len(files) and all(v.events > 10 for v in verdicts)


@workflow.defn(name="ApplicantWorkflow", sandboxed=False)
class SkipsTheRecord(ApplicantWorkflow):
    """A 'harmless' change: stop writing the read model after each transition."""

    async def _sync(self) -> None:
        self._synced = self._state.version

    @workflow.run
    async def run(self, raw: Any) -> ApplicationState:
        return await super().run(raw)


async def test_a_non_deterministic_change_is_reported_with_its_mismatch() -> None:
    broken = Replayer(workflows=[SkipsTheRecord], data_converter=data_converter(TEST_KEYRING))
    [verdict] = await replay([read_history(HISTORIES / "rejected_exam.json")], using=broken)
    assert not verdict.deterministic
    assert verdict.error is not None and verdict.error.startswith("NondeterminismError")


def patch_markers(name: str) -> list[str]:
    history = read_history(HISTORIES / f"{name}.json")
    return [e.marker_recorded_event_attributes.details["patch-data"].payloads[0].data.decode()
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and e.marker_recorded_event_attributes.marker_name == "core_patch"]


async def test_reminders_are_behind_a_patch_that_old_histories_skip() -> None:
    assert f'"{OVERDUE_REMINDERS}"' not in "".join(patch_markers("escalated_before_reminders"))
    assert any(OVERDUE_REMINDERS in m for m in patch_markers("escalated_reminded"))
    old, new = await replay([read_history(HISTORIES / "escalated_before_reminders.json"),
                             read_history(HISTORIES / "escalated_reminded.json")])
    assert old.deterministic and new.deterministic
