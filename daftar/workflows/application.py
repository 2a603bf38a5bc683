"""What every part of ApplicantWorkflow changes state with: the history, the stage, the seat.

`ApplicantWorkflow` (daftar.workflows.applicant) is built from this base and the handlers of
`Corrections` (daftar.workflows.corrections); Temporal reads the handlers of all of them as
one workflow's.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from daftar.contracts.applicant import CycleTerms, SeatIn
    from daftar.contracts.state import ApplicationState, ExamSeat, HistoryEntry
    from daftar.domain.actors import Actor
    from daftar.domain.stages import SLA_KEYS, Role, Stage
    from daftar.workflows.guards import Guards


#: The `workflow.patched` ids that came before revision 1 (daftar.contracts.applicant
#: APPLICANT_REVISION): an application started on revision 1 or later takes their changes as
#: given. A change made after revision 1 keeps a patch of its own, asked of every application.
REVISION_1 = frozenset({"notices", "seats-on-entry", "overdue-reminders",
                        "waits-for-corrections"})


class Application:
    """One application's state and the changes every handler makes to it."""

    _state: ApplicationState
    _terms: CycleTerms
    _guards: Guards
    #: Whether the cycle is closed: a record that waited for corrections ends (COR-2).
    _closed: bool
    #: Whether the candidate asked for a seat since they last came to wait for the exam.
    _seat_sought: bool
    #: The revision the application started on (ApplicantInput.revision).
    _revision: int

    def _since(self, patch: str) -> bool:
        """Whether the change behind `patch` holds for this application.

        As given from the revision that took it in, else as `workflow.patched` says (a marker
        in a new run).
        """
        return (self._revision >= 1 and patch in REVISION_1) or workflow.patched(patch)

    def _bump(self) -> None:
        self._state.version += 1

    def _record(self, record: HistoryEntry) -> None:
        record.seq = len(self._state.decisions) + 1
        self._state.decisions.append(record)

    def _event(self, stage: str, actor: Actor, role: Role) -> None:
        self._record(HistoryEntry(seq=0, stage=stage, outcome="done", actor=actor.id,
                                    role=role, at=workflow.now()))
        self._bump()

    def _move(self, stage: Stage) -> None:
        now = workflow.now()
        self._state.stage = stage
        self._state.stage_entered_at = now
        self._state.claim = None  # a claim is on one stage's decision
        self._state.claims = 0
        self._seat_sought = False
        key = SLA_KEYS.get(stage)
        self._state.due_at = (now + timedelta(days=self._terms.sla_days[key])
                              if key and key in self._terms.sla_days else None)
        self._bump()
        workflow.logger.info("stage %s", stage.value, extra={
            "application_id": self._state.application_id, "stage": stage.value,
            # Every update records its sender before it moves the stage; a move of the run
            # loop's own (a deadline) has no sender.
            "actor": (self._state.decisions[-1].actor
                      if workflow.current_update_info() and self._state.decisions
                      else "system")})

    def _reject(self, rules: list[str]) -> None:
        self._state.rejected_stage = self._state.stage
        self._state.rules = rules
        self._move(Stage.rejected)

    def _give_seat(self, msg: SeatIn) -> None:
        """EXAM-5: the venue and seat, recorded in the history."""
        now = workflow.now()
        self._state.seat = ExamSeat(**msg.model_dump(exclude={"actor"}), at=now)
        self._record(HistoryEntry(
            seq=0, stage="seat", outcome="done", actor=msg.actor.id, role=Role.exam_officer,
            at=now, rules=["EXAM-5"],
            reason=f"{msg.venue_name} ({msg.city}), seat {msg.seat}, "
                   f"{msg.exam_date} {msg.start_time}"))
        self._bump()
