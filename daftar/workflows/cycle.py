"""ExamCycleWorkflow: the steps that act on a whole cycle (README: "A whole cycle").

Publication of exam results and launch rounds are queued here and carried out by heartbeating,
idempotent activities that page through the read model, so the cohort never enters this
workflow's history and a crash in the middle neither skips nor repeats a candidate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy

with workflow.unsafe.imports_passed_through():
    from daftar.contracts import activities
    from daftar.contracts.cycle import (
        AmendIn,
        AmendJob,
        Amendment,
        CloseCycleIn,
        CloseJob,
        CycleAmendments,
        CycleProgress,
        CycleWorkflowIn,
        PublicationState,
        PublishIn,
        PublishJob,
        RoundIn,
        RoundJob,
        RoundSummary,
        SeatJob,
        SeatsIn,
        cycle_queue,
    )
    from daftar.domain import transitions
    from daftar.workflows.refusals import raise_refusal, start_input, unreadable

_FOREVER = RetryPolicy(initial_interval=timedelta(seconds=1),
                       maximum_interval=timedelta(seconds=30))
# A fan-out that stops heartbeating (its worker died) is retried elsewhere within a minute.
_HEARTBEAT = timedelta(seconds=60)
_FAN_OUT_LIMIT = timedelta(hours=12)
#: workflow.patched id: after publication, the candidates with no result end as absent
#: (EXAM-6). Cycles that published before it did not, as their histories say.
ABSENTEES = "absentees"
#: workflow.patched id: a launch round is marked done in the read model by an activity of its
#: own (finish_round), after the cycle has let go of the round, not by send_offices a moment
#: before. Cycles that ran a round before it keep the old way for all their rounds.
ROUND_DONE_AFTER = "round-done-after"
#: After an amendment's fan-out, a second one over the applications registered since shortly
#: before it: a registration that read the configuration just before the amendment was stored
#: may not have been in the read model when the first one paged through it.
_RACE_MARGIN = timedelta(minutes=10)
_SECOND_SWEEP_AFTER = timedelta(seconds=10)


def _queue() -> str:
    """The cycle's activities' own task queue (daftar.contracts.cycle.cycle_queue)."""
    return cycle_queue(workflow.info().task_queue)


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
        self._jobs: list[PublishJob | RoundJob | SeatJob | CloseJob] = []
        self._publication = PublicationState.none
        self._rounds: list[RoundSummary] = []
        self._sending_round: int | None = None
        self._allocating = False
        self._amendments: list[Amendment] = []
        self._closed = False

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
                    start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER,
                    task_queue=_queue())
                if workflow.patched(ABSENTEES):
                    await workflow.execute_activity(
                        activities.mark_absent, job, heartbeat_timeout=_HEARTBEAT,
                        start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER,
                        task_queue=_queue())
                self._publication = PublicationState.published
            elif isinstance(job, CloseJob):
                await workflow.execute_activity(
                    activities.close_records, job, heartbeat_timeout=_HEARTBEAT,
                    start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER,
                    task_queue=_queue())
            elif isinstance(job, SeatJob):
                await workflow.execute_activity(
                    activities.send_seats, job, heartbeat_timeout=_HEARTBEAT,
                    start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER,
                    task_queue=_queue())
            else:
                await workflow.execute_activity(
                    activities.send_offices, job, heartbeat_timeout=_HEARTBEAT,
                    start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER,
                    task_queue=_queue())
                self._sending_round = None
                # Only now the read model shows the round done: a POST of the next round that
                # read it done is never refused for the round still being sent.
                if job.done_apart:
                    await workflow.execute_activity(
                        activities.finish_round, job,
                        start_to_close_timeout=timedelta(minutes=1), retry_policy=_FOREVER,
                        task_queue=_queue())

    @workflow.signal(dynamic=True)
    def refuse_signal(self, name: str, args: Sequence[RawValue]) -> None:
        """Daftar sends no signals: whatever arrives is refused, logged, and changes nothing."""
        workflow.logger.warning("signal %r refused: daftar sends no signals", name,
                                extra={"refused": "signal"})

    @workflow.query
    def progress(self) -> CycleProgress:
        """The cycle's publication state, its launch rounds and the round being sent."""
        return CycleProgress(year=self._year, publication=self._publication,
                             rounds=self._rounds, sending_round=self._sending_round,
                             closed=self._closed)

    @workflow.query
    def amendments(self) -> CycleAmendments:
        """Every amendment of the cycle (CYC-1), the oldest first."""
        return CycleAmendments(year=self._year, items=self._amendments)

    @workflow.update
    async def amend(self, msg: AmendIn) -> Amendment:
        """CYC-1: record the amendment, store it, then carry it to the open applications.

        The update returns once the read model holds the amended configuration (so the next
        registration reads it); the fan-out to open applications goes on after it.
        """
        now = workflow.now()
        amendment = Amendment(number=len(self._amendments) + 1, actor=msg.actor.id, at=now,
                              before=msg.before, after=msg.after)
        self._amendments.append(amendment)
        job = AmendJob(cycle=self._year, number=amendment.number, actor=msg.actor, at=now,
                       config=msg.config, cities=msg.cities, closes_at=msg.closes_at,
                       sla_days=msg.sla_days, claim_hours=msg.claim_hours,
                       changed=msg.changed)
        await workflow.execute_activity(
            activities.store_amendment, job,
            start_to_close_timeout=timedelta(minutes=1), retry_policy=_FOREVER,
            task_queue=_queue())
        if job.changed:
            asyncio.create_task(self._propagate(job))  # noqa: RUF006 - the workflow owns it
        return amendment

    @amend.validator
    def _check_amend(self, msg: AmendIn) -> None:
        raise_refusal(transitions.amend(
            msg.actor, base=msg.base, amendments=len(self._amendments),
            closes_before=msg.closes_before,
            closes_at=msg.closes_at if "closes_at" in msg.changed else None,
            now=workflow.now()) or transitions.still_running(self._closed))

    async def _propagate(self, job: AmendJob) -> None:
        await workflow.execute_activity(
            activities.propagate_amendment, job, heartbeat_timeout=_HEARTBEAT,
            start_to_close_timeout=_FAN_OUT_LIMIT, retry_policy=_FOREVER,
            task_queue=_queue())
        await workflow.sleep(_SECOND_SWEEP_AFTER)
        await workflow.execute_activity(
            activities.propagate_amendment,
            job.model_copy(update={"registered_since": job.at - _RACE_MARGIN}),
            heartbeat_timeout=_HEARTBEAT, start_to_close_timeout=_FAN_OUT_LIMIT,
            retry_policy=_FOREVER,
            task_queue=_queue())

    @workflow.update
    def close(self, msg: CloseCycleIn) -> CycleProgress:
        """COR-2: close the cycle; every record waiting for corrections ends (queued)."""
        self._closed = True
        self._jobs.append(CloseJob(cycle=self._year, actor=msg.actor, at=workflow.now()))
        return self.progress()

    @close.validator
    def _check_close(self, msg: CloseCycleIn) -> None:
        raise_refusal(transitions.close_cycle(msg.actor, closed=self._closed))

    @workflow.update
    def assign_seats(self, msg: SeatsIn) -> CycleProgress:
        """EXAM-5: send each candidate the seat of exam session `version` (queued)."""
        self._jobs.append(SeatJob(cycle=self._year, version=msg.version, actor=msg.actor))
        return self.progress()

    @assign_seats.validator
    def _check_seats(self, msg: SeatsIn) -> None:
        raise_refusal(transitions.seats(msg.actor) or transitions.still_running(self._closed))

    @workflow.update
    def publish_results(self, msg: PublishIn) -> CycleProgress:
        """EXAM-2: send every candidate their result; accepted once per cycle."""
        self._publication = PublicationState.publishing
        self._jobs.append(PublishJob(cycle=self._year, actor=msg.actor))
        return self.progress()

    @publish_results.validator
    def _check_publish(self, msg: PublishIn) -> None:
        raise_refusal(transitions.publish(self._publication, msg.actor)
                      or transitions.still_running(self._closed))

    @workflow.update
    async def launch_round(self, msg: RoundIn) -> RoundSummary:
        """LAUNCH-1: allocate the next round's seats, then send each placed candidate's office."""
        self._allocating = True
        number = len(self._rounds) + 1
        job = RoundJob(cycle=self._year, number=number, relocate=msg.relocate, actor=msg.actor,
                       done_apart=workflow.patched(ROUND_DONE_AFTER))
        try:
            summary = await workflow.execute_activity(
                activities.allocate_round, job,
                start_to_close_timeout=timedelta(minutes=10), retry_policy=_FOREVER,
                task_queue=_queue())
        finally:
            self._allocating = False
        self._rounds.append(summary)
        self._sending_round = number
        self._jobs.append(job)
        return summary

    @launch_round.validator
    def _check_round(self, msg: RoundIn) -> None:
        raise_refusal(transitions.launch_round(
            msg.actor, allocating=self._allocating, sending_round=self._sending_round)
            or transitions.still_running(self._closed))
