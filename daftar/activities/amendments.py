"""AmendmentActivities: a cycle's amendment stored, then carried to its open applications.

Storing is one idempotent transaction (the cycle row holds how many amendments it includes).
The fan-out pages through the read model in application-id order, heartbeating its position,
and sends each open application the cycle's terms after the amendment: the applicant's
workflow ignores an amendment its terms already include, so a retried page changes nothing,
and since each message carries the whole terms, amendments that race arrive in any order.
"""

from __future__ import annotations

import structlog
from temporalio import activity

from daftar.activities.cohort import CohortActivities
from daftar.contracts.applicant import TermsIn
from daftar.contracts.cycle import AmendJob, FanOutResult
from daftar.contracts.workflows import Applicant
from daftar.domain.actors import Actor
from daftar.domain.stages import SLA_KEYS, Role, Stage
from daftar.store import cycles as store
from daftar.store.db import transaction
from daftar.store.models import CityRecord

log = structlog.get_logger("daftar.amendments")
#: The stages whose applications a change of each term concerns.
_CONCERNED = {
    "closes_at": {Stage.awaiting_payment.value},
    "sla_days": {s.value for s in SLA_KEYS},
    "claim_hours": {s.value for s in SLA_KEYS if s != Stage.awaiting_licence},
}


class AmendmentActivities(CohortActivities):
    """CYC-1's activities, for ExamCycleWorkflow; the fan-out machinery is the cohort's."""

    @activity.defn
    def store_amendment(self, job: AmendJob) -> bool:
        """Write the amendment's configuration and cities to the read model, once."""
        cities = [CityRecord(cycle=job.cycle, province=c.province, city=c.city,
                             capacity=c.capacity, priority=c.priority,
                             neighbours=c.neighbours) for c in job.cities]
        with transaction(self._sessions) as session:
            wrote = store.apply_amendment(session, job.cycle, job.number, job.config, cities)
        log.info("cycle amended", cycle=job.cycle, amendment=job.number, actor=job.actor.id,
                 stored=wrote)
        return wrote

    @activity.defn
    async def propagate_amendment(self, job: AmendJob) -> FanOutResult:
        """Send the amended terms to every open application whose terms changed."""
        stages = set().union(*(_CONCERNED[k] for k in job.changed)) if job.changed else set()
        actor = Actor(id=job.actor.id, roles=[Role.admin])
        msg = TermsIn(actor=actor, number=job.number, registration_closes_at=job.closes_at,
                      sla_days=job.sla_days, claim_hours=job.claim_hours)

        async def send(app_id: str) -> str:
            # An application that ended meanwhile is not concerned: counted as skipped.
            return await self._update(app_id, Applicant.amend_terms, msg, lambda _: False)

        result = FanOutResult(sent=0, skipped=0)
        if stages:
            result = await self._send_to_each(
                lambda after: self._db(lambda s: store.open_applications(
                    s, job.cycle, stages, after, self._page, job.registered_since)), send)
        log.info("amendment carried to open applications", cycle=job.cycle,
                 amendment=job.number, sent=result.sent, skipped=result.skipped)
        return result
