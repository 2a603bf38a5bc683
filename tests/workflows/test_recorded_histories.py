"""The recorded histories (tests/histories) replay on the current code; a change that would
break running applicants is caught, with the first mismatch named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.worker import Replayer

from daftar.contracts.state import ApplicationState
from daftar.core.codec import data_converter
from daftar.gateway.replay import history_files, read_history, replay, replayer
from daftar.workflows.applicant import OVERDUE_REMINDERS, ApplicantWorkflow
from daftar.workflows.cycle import ROUND_DONE_AFTER
from daftar.workflows.notices import NOTICES
from tests.conftest import TEST_KEYRING

HISTORIES = Path(__file__).parent.parent / "histories"
ENDINGS = {"licensed_then_revoked", "licensed_open", "rejected_exam", "rejected_interview",
           "rejected_qualification", "rejected_security", "withdrawn", "disqualified",
           "incomplete", "escalated_waiting", "escalated_reminded",
           "escalated_before_reminders", "amended", "amended_incomplete",
           "seated", "seated_on_entry", "reopened", "reinstated", "rejected_then_closed",
           "absent", "document_requested", "document_lapsed",
           "notified_licensed_then_revoked", "notified_incomplete", "notified_seated",
           "notified_document_lapsed", "notified_reinstated", "notified_withdrawn"}


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


def notices(name: str) -> list[str]:
    """The events of the SMS a recorded history sends (NOTE-1), in the order it sends them."""
    history = read_history(HISTORIES / f"{name}.json")
    out = []
    for e in history.events:
        if (e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                and e.activity_task_scheduled_event_attributes.activity_type.name
                == "send_notice"):
            payload = e.activity_task_scheduled_event_attributes.input.payloads[0]
            out.append(json.loads(payload.data)["event"])
    return out


async def test_notices_are_behind_a_patch_that_old_histories_skip() -> None:
    assert notices("licensed_then_revoked") == [] and notices("document_lapsed") == []
    assert not any(NOTICES in m for m in patch_markers("licensed_then_revoked"))
    assert any(NOTICES in m for m in patch_markers("notified_licensed_then_revoked"))
    assert notices("notified_licensed_then_revoked") == [
        "registered", "exam_result", "stage_passed", "stage_passed", "stage_passed", "office",
        "licence", "revoked"]
    # The reminders and the card's opening: moments the run loop waits for.
    assert notices("notified_incomplete") == ["registered", "incomplete_soon", "incomplete"]
    assert notices("notified_seated") == [
        "registered", "card_available", "exam_result"]
    assert notices("notified_document_lapsed") == [
        "registered", "exam_result", "stage_passed", "document_requested",
        "document_reminder", "document_lapsed"]
    assert notices("notified_reinstated") == [
        "registered", "disqualified", "reinstated", "exam_result"]
    assert notices("notified_withdrawn") == ["registered", "withdrawn"]
    verdicts = await replay([read_history(HISTORIES / f"{n}.json") for n in ENDINGS
                             if n.startswith("notified_")])
    assert all(v.deterministic for v in verdicts) and len(verdicts) == 6


def activities_scheduled(name: str) -> list[tuple[str, dict[str, Any]]]:
    """Each activity a recorded history schedules, in order, with its input."""
    history = read_history(HISTORIES / f"{name}.json")
    return [(attrs.activity_type.name, json.loads(attrs.input.payloads[0].data))
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            for attrs in [e.activity_task_scheduled_event_attributes]]


async def test_a_round_is_marked_done_apart_behind_a_patch_that_old_cycles_skip() -> None:
    # LAUNCH-1: before the patch, send_offices marked the round done as its last step, a
    # moment before the cycle let go of it; now finish_round does, once the cycle has.
    assert not any(ROUND_DONE_AFTER in m for m in patch_markers("cycle_rounds_done_inside"))
    assert any(ROUND_DONE_AFTER in m for m in patch_markers("cycle_rounds"))
    old = activities_scheduled("cycle_rounds_done_inside")
    assert [name for name, _ in old] == ["allocate_round", "send_offices"] * 2
    assert all(not job.get("done_apart", False) for _, job in old)
    new = activities_scheduled("cycle_rounds")
    assert [name for name, _ in new] == ["allocate_round", "send_offices", "finish_round"] * 2
    assert [job["number"] for _, job in new] == [1, 1, 1, 2, 2, 2]
    assert all(job["done_apart"] for _, job in new)
    verdicts = await replay([read_history(HISTORIES / "cycle_rounds_done_inside.json"),
                             read_history(HISTORIES / "cycle_rounds.json")])
    assert [v.deterministic for v in verdicts] == [True, True]
