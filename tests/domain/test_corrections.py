"""COR-1, COR-2, COR-3 in the domain: reopen, reinstate (four eyes), assign, close."""

from __future__ import annotations

from datetime import timedelta

import pytest

from daftar.contracts.state import HistoryEntry, Reinstatement
from daftar.domain.actors import Actor
from daftar.domain.refusals import RefusalKind as K
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.domain.transitions import corrections as c
from tests.domain.test_transitions import NOW, app, expect, staff
from tests.domain.test_transitions_decisions import interview

ADMIN = staff(Role.admin, id="admin-1")
OTHER_ADMIN = Actor(id="admin-2", roles=[Role.admin])


def entry(stage: str, outcome: str, seq: int = 1) -> HistoryEntry:
    return HistoryEntry(seq=seq, stage=stage, outcome=outcome, actor="rev-1",
                        role="interviewer", at=NOW - timedelta(hours=seq))


PASSED = entry("interview", "pass")
FAILED = entry("interview", "fail")


def test_a_pass_reopens_while_the_next_stage_waits() -> None:
    state = app(Stage.awaiting_qualification, decisions=[PASSED])
    assert c.reopen(state, ADMIN, DecisionStage.interview) is None
    expect(c.reopen(app(Stage.awaiting_security, decisions=[PASSED]), ADMIN,
                    DecisionStage.interview), K.wrong_stage, "COR-1")


def test_a_fail_reopens_while_its_rejection_stands() -> None:
    rejected = app(Stage.rejected, decisions=[FAILED], rejected_stage=Stage.awaiting_interview)
    assert c.reopen(rejected, ADMIN, DecisionStage.interview) is None
    withdrawn = app(Stage.withdrawn, decisions=[FAILED])
    expect(c.reopen(withdrawn, ADMIN, DecisionStage.interview), K.wrong_stage, "COR-1")


def test_only_the_latest_decision_reopens_and_only_by_an_admin() -> None:
    later = entry("qualification", "pass", seq=2)
    state = app(Stage.awaiting_security, decisions=[PASSED, later])
    expect(c.reopen(state, ADMIN, DecisionStage.interview), K.wrong_stage, "COR-1")
    expect(c.reopen(app(Stage.awaiting_interview), ADMIN, DecisionStage.interview),
           K.wrong_stage, "COR-1")  # nothing decided yet
    expect(c.reopen(app(Stage.awaiting_qualification, decisions=[PASSED]),
                    staff(Role.interviewer), DecisionStage.interview), K.forbidden, "COR-1")


def test_after_a_reopening_the_stage_decides_anew() -> None:
    reopened = app(Stage.awaiting_interview,
                   decisions=[PASSED, entry("reopening", "interview", seq=2)])
    assert interview(reopened) is None
    # Decided again and moved on: a third decision is a duplicate.
    moved = reopened.model_copy(update={"stage": Stage.awaiting_qualification})
    expect(interview(moved), K.duplicate, "INT-1")


@pytest.mark.parametrize("stage", [Stage.rejected, Stage.disqualified, Stage.revoked])
def test_two_different_admins_reinstate(stage: Stage) -> None:
    state = app(stage, rejected_stage=Stage.awaiting_interview)
    assert c.reinstate(state, ADMIN) is None  # proposes
    proposed = state.model_copy(update={"reinstatement": Reinstatement(
        actor=ADMIN.id, reason="r", at=NOW)})
    expect(c.reinstate(proposed, ADMIN), K.forbidden, "COR-2")  # not their own proposal
    assert c.reinstate(proposed, OTHER_ADMIN) is None  # confirms


def test_only_ended_cases_are_reinstated_by_admins() -> None:
    expect(c.reinstate(app(Stage.awaiting_interview), ADMIN), K.wrong_stage, "COR-2")
    expect(c.reinstate(app(Stage.withdrawn, rejected_stage=Stage.awaiting_exam), ADMIN),
           K.wrong_stage, "COR-2")
    expect(c.reinstate(app(Stage.rejected, rejected_stage=Stage.awaiting_interview),
                       staff(Role.auditor)), K.forbidden, "COR-2")


def test_a_waiting_decision_is_assigned_by_an_admin() -> None:
    assert c.assign(app(Stage.awaiting_security), ADMIN) is None
    expect(c.assign(app(Stage.awaiting_exam), ADMIN), K.wrong_stage, "COR-3")
    expect(c.assign(app(Stage.awaiting_security), staff(Role.security_officer)),
           K.forbidden, "COR-3")


def test_only_an_ended_record_closes() -> None:
    assert c.close(app(Stage.rejected), ADMIN) is None
    expect(c.close(app(Stage.awaiting_interview), ADMIN), K.wrong_stage, "COR-2")
