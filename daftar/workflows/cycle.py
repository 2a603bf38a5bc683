"""ExamCycleWorkflow: the steps that act on a whole cycle (README: "A whole cycle").

Publication of exam results and launch rounds are queued here and carried out by heartbeating,
idempotent activities that page through the read model, so the cohort never enters this
workflow's history and a crash in the middle neither skips nor repeats a candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy

with workflow.unsafe.imports_passed_through():
    from daftar.contracts import activities
    from daftar.contracts.cycle import (
        CycleProgress,
        CycleWorkflowIn,
        PublicationState,
        PublishIn,
        PublishJob,
        RoundIn,
        RoundJob,
        RoundSummary,
    )
    from daftar.domain import transitions
    from daftar.workflows.refusals import raise_refusal, start_input, unreadable

_FOREVER = RetryPolicy(initial_interval=timedelta(seconds=1),
                       maximum_interval=timedelta(seconds=30))
# A fan-out that stops heartbeating (its worker died) is retried elsewhere within a minute.
_HEARTBEAT = timedelta(seconds=60)
_FAN_OUT_LIMIT = timedelta(hours=12)


@workflow.defn
class ExamCycleWorkflow:
    """Publication (EXAM-2) and launch rounds (LAUNCH-1) of one cycle."""

    @workflow.init
    def __init__(self, raw: Any) -> None:
        # Typed loosely, like ApplicantWorkflow's: a start daftar did not send must reach the
        # seal check (daftar.core.seal), which ends it.
        inp = start_input(CycleWorkflowIn, raw)
        self._readable = inp is not None
        self._year = inp.year if inp is not None else 0
        self._jobs: list[PublishJob | RoundJob] = []
        self._publication = PublicationState.none
        self._rounds: list[RoundSummary] = []
        self._sending_round: int | None = None
        self._allocating = False

    @workflow.run
    async def run(self, raw: Any) -> None:
        """Run the cycle's jobs one at a time, in the order they were accepted, forever.

        A publication sends every candidate their result; a launch round sends its offices.

        Raises:
            RuntimeError: The start input, though sealed by daftar, is not a CycleWorkflowIn.
        """
        if not self._readable:  # sealed by daftar, yet not a CycleWorkflowIn: a defect
            raise RuntimeError(f"the start input is not a CycleWorkflowIn: {unreadable(raw)}")
        while True:
            await workflow.wait_condition(lambda: bool(self._jobs))
            job = self._jobs.pop(0)
            if isinstance(job, PublishJob):
                await workflow.execute_activity(
                    activities.publish_results, job, heartbeat_timeout=_HEARTBEAT,
                    start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER)
                self._publication = PublicationState.published
            else:
                await workflow.execute_activity(
                    activities.send_offices, job, heartbeat_timeout=_HEARTBEAT,
                    start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER)
                self._sending_round = None

    @workflow.signal(dynamic=True)
    def refuse_signal(self, name: str, args: Sequence[RawValue]) -> None:
        """Daftar sends no signals: whatever arrives is refused, logged, and changes nothing."""
        workflow.logger.warning("signal %r refused: daftar sends no signals", name,
                                extra={"refused": "signal"})

    @workflow.query
    def progress(self) -> CycleProgress:
        """The cycle's publication state, its launch rounds and the round being sent."""
        return CycleProgress(year=self._year, publication=self._publication,
                             rounds=self._rounds, sending_round=self._sending_round)

    @workflow.update
    def publish_results(self, msg: PublishIn) -> CycleProgress:
        """EXAM-2: send every candidate their result; accepted once per cycle."""
        self._publication = PublicationState.publishing
        self._jobs.append(PublishJob(cycle=self._year, actor=msg.actor))
        return self.progress()

    @publish_results.validator
    def _check_publish(self, msg: PublishIn) -> None:
        raise_refusal(transitions.publish(self._publication, msg.actor))

    @workflow.update
    async def launch_round(self, msg: RoundIn) -> RoundSummary:
        """LAUNCH-1: allocate the next round's seats, then send each placed candidate's office."""
        self._allocating = True
        number = len(self._rounds) + 1
        job = RoundJob(cycle=self._year, number=number, relocate=msg.relocate, actor=msg.actor)
        try:
            summary = await workflow.execute_activity(
                activities.allocate_round, job,
                start_to_close_timeout=timedelta(minutes=10), retry_policy=_FOREVER)
        finally:
            self._allocating = False
        self._rounds.append(summary)
        self._sending_round = number
        self._jobs.append(job)
        return summary

    @launch_round.validator
    def _check_round(self, msg: RoundIn) -> None:
        raise_refusal(transitions.launch_round(
            msg.actor, allocating=self._allocating, sending_round=self._sending_round))
