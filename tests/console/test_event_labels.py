"""Every event an application's timeline can show has a Persian label (no English kind left)."""

from __future__ import annotations

import inspect
import re

from temporalio import workflow

from daftar.console import labels
from daftar.services import timeline
from daftar.workflows.applicant import ApplicantWorkflow

PERSIAN = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


def recorded_kinds() -> set[str]:
    """Each kind `timeline.timeline` records: one per workflow update, and those it names."""
    source = inspect.getsource(timeline)
    named = set(re.findall(r'_event\(out, event, "(\w+)"', source))
    named |= set(re.findall(r'entry\.kind = "(\w+)"', source))
    return {kind for _, kind in timeline.UPDATES.values()} | named


def test_every_update_of_the_workflow_is_a_timeline_event() -> None:
    # An update the timeline does not know would be left out of it.
    updates = set(workflow._Definition.must_from_class(ApplicantWorkflow).updates)
    assert updates == set(timeline.UPDATES)


def test_the_timeline_names_the_events_it_is_known_for() -> None:
    # The scan of the timeline's source finds the events it builds besides the updates.
    assert {"registered", "escalated", "seat", "closed", "revoked"} <= recorded_kinds()


def test_every_event_kind_has_a_persian_label() -> None:
    missing = sorted(k for k in recorded_kinds() if k not in labels.EVENTS)
    assert missing == []
    for kind in recorded_kinds():
        text = labels.label(labels.EVENTS, kind)
        assert PERSIAN.search(text) and not LATIN.search(text), (kind, text)


def test_claims_and_releases_read_in_persian() -> None:
    assert labels.label(labels.EVENTS, "claimed") == "برداشتن پرونده"
    assert labels.label(labels.EVENTS, "released") == "رها کردن پرونده"


def test_every_recorded_outcome_and_step_has_a_persian_label() -> None:
    # The outcomes and steps the workflow writes into an application's history, shown in
    # the decisions table of its page.
    source = inspect.getsource(inspect.getmodule(ApplicantWorkflow))  # type: ignore[arg-type]
    outcomes = set(re.findall(r'outcome="(\w+)"', source)) | {"pass", "fail"}
    steps = set(re.findall(r'HistoryEntry\(\s*seq=0, stage="(\w+)"', source))
    assert {"absent", "uploaded", "requested", "answered"} <= outcomes
    assert {"exam", "document", "document_request"} <= steps
    for value, table in [*((o, labels.OUTCOMES) for o in outcomes),
                         *((s, labels.DECISION_STAGES) for s in steps)]:
        text = labels.label(table, value)
        assert PERSIAN.search(text) and not LATIN.search(text), (value, text)
