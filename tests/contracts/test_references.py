"""The contracts' references agree with the workflows and activities they name."""

from __future__ import annotations

import inspect
import typing

import pytest
from temporalio import activity, workflow

from daftar.activities.amendments import AmendmentActivities
from daftar.activities.cohort import CohortActivities
from daftar.activities.corrections import ClosingActivities
from daftar.activities.exam_sessions import ExamActivities
from daftar.activities.notices import NoticeActivities
from daftar.activities.records import RecordActivities
from daftar.contracts import activities as interfaces
from daftar.contracts.workflows import Applicant, Cycle, Query, Update
from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow

REFERENCES = [(Applicant, ApplicantWorkflow), (Cycle, ExamCycleWorkflow)]


def _hints(fn: typing.Any) -> dict[str, typing.Any]:
    return typing.get_type_hints(fn)


@pytest.mark.parametrize(("refs", "cls"), REFERENCES)
def test_every_update_and_query_reference_matches_the_workflow(refs: type, cls: type) -> None:
    defn = workflow._Definition.must_from_class(cls)
    assert refs.workflow.name == defn.name  # type: ignore[attr-defined]
    updates = {n: v for n, v in vars(refs).items() if isinstance(v, Update)}
    queries = {n: v for n, v in vars(refs).items() if isinstance(v, Query)}
    assert {u.name for u in updates.values()} == set(defn.updates)
    assert {q.name for q in queries.values()} == set(defn.queries)
    for ref in updates.values():
        hints = _hints(defn.updates[ref.name].fn)
        assert hints["msg"] is ref.msg, ref.name
        assert hints["return"] is ref.result, ref.name
    for ref in queries.values():
        assert _hints(defn.queries[ref.name].fn)["return"] is ref.result, ref.name


def test_every_activity_interface_has_its_implementation() -> None:
    implemented = {
        activity._Definition.must_from_callable(fn).name: fn
        for cls in (RecordActivities, CohortActivities, AmendmentActivities, ExamActivities,
                    ClosingActivities, NoticeActivities)
        for _, fn in inspect.getmembers(cls, inspect.isfunction)
        if activity._Definition.from_callable(fn) is not None}
    named = {
        activity._Definition.must_from_callable(fn).name: fn
        for _, fn in inspect.getmembers(interfaces, inspect.isfunction)
        if activity._Definition.from_callable(fn) is not None}
    assert set(named) == set(implemented)
    for name, stub in named.items():
        stub_hints, impl_hints = _hints(stub), _hints(implemented[name])
        assert list(stub_hints.values()) == list(impl_hints.values()), name
        assert (inspect.iscoroutinefunction(stub)
                == inspect.iscoroutinefunction(implemented[name])), name


def test_an_interface_is_not_an_implementation() -> None:
    with pytest.raises(NotImplementedError, match="interface"):
        interfaces.record_application(None)  # type: ignore[arg-type]
