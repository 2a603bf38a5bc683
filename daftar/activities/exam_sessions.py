"""ExamActivities: exam seats sent (EXAM-5); after publication, absentees ended (EXAM-6).

Each candidate's seat is sent to their workflow once; once the results are published, each
candidate with no result is ended as absent.

Paged through the read model's seats of the session's version in application-id order, like
the publication of results: a page is sent, then marked and counted in one transaction, and
the position heartbeated; a retry resumes after the last page marked, and a seat sent twice is
refused by the workflow as already given.
"""

from __future__ import annotations

from typing import Any

import structlog
from temporalio import activity

from daftar.activities.cohort import CohortActivities
from daftar.contracts.applicant import AbsenceIn, SeatIn
from daftar.contracts.cycle import FanOutResult, PublishJob, SeatJob
from daftar.contracts.workflows import Applicant
from daftar.domain.actors import Actor
from daftar.domain.stages import Role, Stage
from daftar.store import exam_sessions as store
from daftar.store.models import ExamSessionRecord

log = structlog.get_logger("daftar.exam_sessions")


class ExamActivities(CohortActivities):
    """EXAM-5's and EXAM-6's fan-outs, for ExamCycleWorkflow; the machinery is the cohort's."""

    @activity.defn
    async def send_seats(self, job: SeatJob) -> FanOutResult:
        """Give each candidate their venue and seat of exam session `job.version`."""
        actor = Actor(id=job.actor.id, roles=[Role.exam_officer])
        exam = await self._db(lambda s: s.get(ExamSessionRecord, job.cycle))
        if exam is None or exam.version != job.version:  # set again since: its own job sends
            return FanOutResult(sent=0, skipped=0)

        async def send(pair: Any) -> str:
            seat, venue = pair
            return await self._update(
                seat.application_id, Applicant.assign_seat,
                SeatIn(actor=actor, version=job.version, venue_id=venue.venue_id,
                       venue_name=venue.name, address=venue.address, province=venue.province,
                       city=venue.city, seat=seat.seat, exam_date=exam.exam_date,
                       start_time=exam.start_time, card_date=exam.card_date),
                lambda s: s.seat is not None and s.seat.version >= job.version)

        await self._fan_out(
            lambda after: self._db(lambda s: store.unsent_seats(
                s, job.cycle, job.version, after, self._page)),
            send,
            lambda outcomes: self._db(lambda s: store.record_seat_outcomes(
                s, job.cycle, job.version, outcomes)),
            key=lambda pair: pair[0].application_id)
        done = await self._db(lambda s: s.get(ExamSessionRecord, job.cycle))
        result = FanOutResult(sent=done.sent, skipped=done.skipped) if done else FanOutResult(
            sent=0, skipped=0)
        log.info("exam seats sent", cycle=job.cycle, version=job.version, sent=result.sent,
                 skipped=result.skipped, actor=job.actor.id)
        return result

    @activity.defn
    async def mark_absent(self, job: PublishJob) -> FanOutResult:
        """EXAM-6: end each candidate still waiting for the exam with no result as absent."""
        msg = AbsenceIn(actor=Actor(id=job.actor.id, roles=[Role.exam_officer]))

        async def send(app_id: str) -> str:
            return await self._update(app_id, Applicant.record_absence, msg,
                                      lambda s: s.stage == Stage.absent)

        result = await self._send_to_each(
            lambda after: self._db(lambda s: store.absentees(s, job.cycle, after, self._page)),
            send)
        log.info("absentees ended", cycle=job.cycle, actor=job.actor.id, sent=result.sent,
                 skipped=result.skipped)
        return result
