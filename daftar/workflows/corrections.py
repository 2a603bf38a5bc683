"""ApplicantWorkflow's corrections (COR-1, COR-2, COR-3) and the cycle's close.

A rejected, disqualified or revoked application keeps its workflow open, waiting, until the
cycle closes (`close`), so a correction can still reach it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from daftar.contracts.applicant import AssignIn, CloseIn, ReinstateIn, ReopenIn
    from daftar.contracts.state import ApplicationState, Claim, HistoryEntry, Reinstatement
    from daftar.domain.notices import NoticeEvent
    from daftar.domain.stages import DECISION_AT, DECISION_FLOW, Role, Stage
    from daftar.workflows.notices import Notices


class Corrections(Notices):
    """The admins' corrections of an application, and the end of its wait."""

    @workflow.update
    def reopen(self, msg: ReopenIn) -> ApplicationState:
        """COR-1: the latest reviewer decision goes back to its stage's inbox, fresh SLA.

        The history keeps the decision and the reopening; the next decision there is new.
        """
        s = self._state
        self._record(HistoryEntry(seq=0, stage="reopening", outcome=msg.stage.value,
                                  actor=msg.actor.id, role=Role.admin, at=workflow.now(),
                                  reason=msg.reason, rules=["COR-1"]))
        s.rules, s.rejected_stage = [], None
        self._move(DECISION_FLOW[msg.stage][0])
        return self._state

    @reopen.validator
    def _check_reopen(self, msg: ReopenIn) -> None:
        self._guards.reopen(msg)

    @workflow.update
    def reinstate(self, msg: ReinstateIn) -> ApplicationState:
        """COR-2: one admin proposes; a second, different admin confirms.

        Only the confirmation changes the case: it returns to the stage it was at, its
        decision there pending again (a licence revoked by a disqualification is restored).
        """
        s, now = self._state, workflow.now()
        if s.reinstatement is None:
            s.reinstatement = Reinstatement(actor=msg.actor.id, reason=msg.reason, at=now)
            self._record(HistoryEntry(seq=0, stage="reinstatement", outcome="proposed",
                                      actor=msg.actor.id, role=Role.admin, at=now,
                                      reason=msg.reason, rules=["COR-2"]))
            self._bump()
            return s
        self._record(HistoryEntry(seq=0, stage="reinstatement", outcome="confirmed",
                                  actor=msg.actor.id, role=Role.admin, at=now,
                                  reason=msg.reason, rules=["COR-2"]))
        back = s.rejected_stage
        assert back is not None
        s.reinstatement, s.rules, s.rejected_stage = None, [], None
        if back == Stage.awaiting_exam:
            s.exam_result = None  # the result it was rejected on is to be given again
        self._move(back)
        self._notify(NoticeEvent.reinstated)
        return s

    @reinstate.validator
    def _check_reinstate(self, msg: ReinstateIn) -> None:
        self._guards.reinstate(msg)

    @workflow.update
    def assign(self, msg: AssignIn) -> ApplicationState:
        """COR-3: the waiting decision is claimed on the named reviewer's behalf."""
        s, now = self._state, workflow.now()
        role, _ = DECISION_AT[s.stage]
        s.claim = Claim(actor=msg.reviewer, role=role, stage=s.stage, at=now,
                        expires_at=now + timedelta(hours=self._terms.claim_hours),
                        assigned_by=msg.actor.id)
        self._record(HistoryEntry(seq=0, stage="assignment", outcome="assigned",
                                  actor=msg.actor.id, role=Role.admin, at=now,
                                  reason=f"assigned to {msg.reviewer}", rules=["COR-3"]))
        self._bump()
        return s

    @assign.validator
    def _check_assign(self, msg: AssignIn) -> None:
        self._guards.assign(msg)

    @workflow.update
    def close(self, msg: CloseIn) -> ApplicationState:
        """The cycle is closed: an ended application's record ends; no correction after."""
        self._closed = True
        return self._state

    @close.validator
    def _check_close(self, msg: CloseIn) -> None:
        self._guards.close(msg)
