"""CohortActivities: fan-outs to every candidate's workflow, paged, bounded and idempotent.

Each fan-out walks the read model a page at a time in application-id order, sends the page's
updates with as many in flight as its pacer finds keep their round trip near its quickest and
the worker's process below BUSY of a core (at most `concurrency` and FAN_OUT_IN_FLIGHT:
daftar.activities.pacing), then marks the page done and counts it in one transaction and
heartbeats its position. A retry (a crash, a lost worker) resumes after the last page marked; a
page sent but not yet marked is sent again, which the applicant workflow's idempotent update
turns into a no-op. So no candidate is skipped and none gets two results.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import structlog
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from daftar.activities.pacing import Pacer
from daftar.contracts.applicant import ExamResultIn, OfficeIn
from daftar.contracts.cycle import FanOutResult, PublishJob, RoundJob, RoundSummary
from daftar.contracts.ids import applicant_workflow_id
from daftar.contracts.state import ApplicationState
from daftar.contracts.workflows import Applicant, Update
from daftar.domain.actors import Actor
from daftar.domain.publication import PublicationState
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import Role
from daftar.store import cohort as store
from daftar.store.db import SessionFactory, transaction
from daftar.store.models import LaunchRound

log = structlog.get_logger("daftar.cohort")
#: Updates in flight at once in a fan-out (results, offices, seats, new terms, the close), at
#: most. The fan-out shares the worker (its workflow task slots, its activity threads, the read
#: model's writer) with reviewers' decisions: each update in flight queues a workflow task, a
#: read-model write and an SMS ahead of them. A few in flight already keep the worker busy
#: (each update waits on its round trip to Temporal, not on the worker); more only lengthen
#: the queue that decisions wait in, up to seconds, without sending faster. How many of these
#: it keeps in flight is the pacer's to find (daftar.activities.pacing), from one upward.
FAN_OUT_IN_FLIGHT = 8
T = TypeVar("T")
M = TypeVar("M")


class CohortActivities:
    """Publication of exam results and launch rounds, for ExamCycleWorkflow."""

    def __init__(self, client: Client, sessions: SessionFactory, *,
                 concurrency: int = FAN_OUT_IN_FLIGHT, page_size: int = 500,
                 cpu: Callable[[], float] | None = time.process_time) -> None:
        """Fan-outs of at most `concurrency` in flight, over pages of `page_size`.

        `cpu` is the clock of the CPU the worker's process has spent, which each fan-out's
        pacer keeps below pacing.BUSY of a core (None: round trips alone).
        """
        self._client = client
        self._sessions = sessions
        self._concurrency = concurrency
        self._page = page_size
        self._cpu = cpu

    @activity.defn
    async def publish_results(self, job: PublishJob) -> FanOutResult:
        """EXAM-2: send each loaded result to its candidate's workflow, once.

        The workflow judges the exact total against the exact pass mark, never the values
        rounded by their Numeric columns.
        """
        load = await self._db(lambda s: store.set_publication_state(
            s, job.cycle, PublicationState.publishing))
        actor = Actor(id=job.actor.id, roles=[Role.exam_officer])
        pass_mark = store.exact_pass_mark(load)

        async def send(score: Any) -> str:
            total = store.exact_total(score)
            return await self._update(
                score.application_id, Applicant.record_exam_result,
                ExamResultIn(actor=actor, total_score=total, pass_mark=pass_mark,
                             subjects=dict(score.standard)),
                lambda s: s.exam_result is not None and s.exam_result.total_score == total)

        await self._fan_out(
            lambda after: self._db(lambda s: store.unsent_scores(
                s, job.cycle, after, self._page)),
            send,
            lambda outcomes: self._db(lambda s: store.record_score_outcomes(
                s, job.cycle, outcomes)),
            key=lambda score: score.application_id)
        final = await self._db(lambda s: store.set_publication_state(
            s, job.cycle, PublicationState.published))
        log.info("exam results published", cycle=job.cycle, sent=final.sent,
                 skipped=final.skipped, actor=job.actor.id)
        return FanOutResult(sent=final.sent, skipped=final.skipped)

    @activity.defn
    def allocate_round(self, job: RoundJob) -> RoundSummary:
        """LAUNCH-1: compute and store round `number` once; a retry returns the stored one."""
        with transaction(self._sessions) as session:
            stored = session.get(LaunchRound, (job.cycle, job.number))
            if stored is None:
                allocation, _ = store.compute_round(session, job.cycle, relocate=job.relocate)
                stored = store.save_round(session, job.cycle, job.number,
                                          relocate=job.relocate, actor=job.actor.id,
                                          allocation=allocation)
            summary = RoundSummary(number=stored.number, placed=stored.placed,
                                   waiting=stored.waiting)
        log.info("launch round allocated", cycle=job.cycle, round=job.number,
                 placed=summary.placed, waiting=summary.waiting, actor=job.actor.id)
        return summary

    @activity.defn
    async def send_offices(self, job: RoundJob) -> FanOutResult:
        """LAUNCH-1: give each candidate placed in the round their office."""
        actor = Actor(id=job.actor.id, roles=[Role.licensing_officer])

        async def send(p: Any) -> str:
            return await self._update(
                p.application_id, Applicant.assign_office,
                OfficeIn(actor=actor, province=p.province, city=p.city, round=job.number),
                lambda s: s.office is not None and s.office.round == job.number)

        await self._fan_out(
            lambda after: self._db(lambda s: store.unsent_placements(
                s, job.cycle, job.number, after, self._page)),
            send,
            lambda outcomes: self._db(lambda s: store.record_placement_outcomes(
                s, job.cycle, job.number, outcomes)),
            key=lambda p: p.application_id)

        def counts(s: Any) -> FanOutResult:
            if not job.done_apart:
                store.finish_round(s, job.cycle, job.number)
            return _round_counts(s, job)

        return await self._db(counts)

    @activity.defn
    def finish_round(self, job: RoundJob) -> FanOutResult:
        """LAUNCH-1: mark the round done in the read model, once its offices are all sent.

        The cycle's workflow runs it after it has let go of the round: a round the read model
        shows done never refuses the next one.
        """
        with transaction(self._sessions) as session:
            store.finish_round(session, job.cycle, job.number)
            counts = _round_counts(session, job)
        log.info("launch round sent", cycle=job.cycle, round=job.number, sent=counts.sent,
                 skipped=counts.skipped, actor=job.actor.id)
        return counts

    # --- the machinery shared by both fan-outs -----------------------------------------

    async def _fan_out(self, page: Callable[[str], Awaitable[Sequence[T]]],
                       send: Callable[[T], Awaitable[str]],
                       mark: Callable[[dict[str, str]], Awaitable[None]],
                       *, key: Callable[[T], str]) -> None:
        details = activity.info().heartbeat_details
        after = str(details[0]) if details else ""
        pacing = Pacer(min(self._concurrency, FAN_OUT_IN_FLIGHT), cpu=self._cpu)

        async def bounded(item: T) -> str:
            async with pacing.slot():
                return await send(item)

        while items := await page(after):
            outcomes = await asyncio.gather(*(bounded(i) for i in items))
            await mark({key(i): o for i, o in zip(items, outcomes, strict=True)})
            after = key(items[-1])
            activity.heartbeat(after)
            log.debug("fan-out page sent", activity=activity.info().activity_type,
                      sent=len(items), after=after, in_flight=pacing.limit,
                      base_ms=round(pacing.base * 1000) if pacing.base else None,
                      cpu=round(pacing.share, 2) if pacing.share is not None else None)

    async def _send_to_each(self, page: Callable[[str], Awaitable[Sequence[str]]],
                            send: Callable[[str], Awaitable[str]]) -> FanOutResult:
        """A fan-out over application ids whose outcomes are counted, not marked.

        A page sent again after a crash is refused by each workflow as already applied.
        """
        counts = {"sent": 0, "skipped": 0}

        async def count(outcomes: dict[str, str]) -> None:
            for outcome in outcomes.values():
                counts["sent" if outcome == store.SENT else "skipped"] += 1

        await self._fan_out(page, send, count, key=lambda app_id: app_id)
        return FanOutResult(**counts)

    async def _update(self, application_id: str, update: Update[M, ApplicationState], msg: M,
                      applied: Callable[[ApplicationState], bool]) -> str:
        """Send one update; a refusal or a closed workflow is an outcome, not a failure."""
        handle = self._client.get_workflow_handle(applicant_workflow_id(application_id))
        try:
            await handle.execute_update(update.name, msg, result_type=update.result)
            return store.SENT
        except WorkflowUpdateFailedError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == RefusalKind.already_applied:
                return store.SENT  # sent before the crash: it counts once
            kind = cause.type if isinstance(cause, ApplicationError) else "failed"
            return f"skipped: {kind}: {cause or err}"[:200]
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise  # Temporal unreachable: the activity fails and is retried
        # The workflow has ended: maybe by this very message, sent before a crash (a candidate
        # below the pass mark is rejected at once). Its final state tells.
        try:
            state = await handle.query(Applicant.state.name, result_type=Applicant.state.result)
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
            return "skipped: no such application"
        return store.SENT if applied(state) else f"skipped: closed ({state.stage.value})"

    async def _db(self, work: Callable[[Any], T]) -> T:
        def run() -> T:
            with transaction(self._sessions) as session:
                return work(session)

        return await asyncio.to_thread(run)


def _round_counts(session: Any, job: RoundJob) -> FanOutResult:
    done = session.get(LaunchRound, (job.cycle, job.number))
    return FanOutResult(sent=done.sent, skipped=done.skipped)
