"""ClosingActivities: a closed cycle's ended records end too (COR-2 no longer reaches them).

Rejected, disqualified and revoked applications keep their workflow open for corrections; the
cycle's close pages through them in application-id order and ends each, idempotently (an
ended one answers as closed), then marks the cycle closed in the read model.
"""

from __future__ import annotations

import structlog
from temporalio import activity

from daftar.activities.cohort import CohortActivities
from daftar.contracts.applicant import CloseIn
from daftar.contracts.cycle import CloseJob, FanOutResult
from daftar.contracts.workflows import Applicant
from daftar.domain.actors import Actor
from daftar.domain.stages import Role
from daftar.domain.transitions.corrections import REINSTATABLE
from daftar.store import cycles as store

log = structlog.get_logger("daftar.corrections")


class ClosingActivities(CohortActivities):
    """The cycle's close, for ExamCycleWorkflow; the fan-out machinery is the cohort's."""

    @activity.defn
    async def close_records(self, job: CloseJob) -> FanOutResult:
        """End every record of the cycle that waited for corrections; mark the cycle closed."""
        msg = CloseIn(actor=Actor(id=job.actor.id, roles=[Role.admin]))
        stages = {s.value for s in REINSTATABLE}

        async def send(app_id: str) -> str:
            return await self._update(app_id, Applicant.close, msg, lambda _: False)

        result = await self._send_to_each(
            lambda after: self._db(lambda s: store.open_applications(
                s, job.cycle, stages, after, self._page)), send)
        await self._db(lambda s: store.mark_closed(s, job.cycle, job.at))
        log.info("cycle closed", cycle=job.cycle, actor=job.actor.id, sent=result.sent,
                 skipped=result.skipped)
        return result
