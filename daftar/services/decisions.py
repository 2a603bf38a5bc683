"""Reviewers' actions, shared by the JSON routes and the console: one path to the workflow.

Each function checks the caller's role where it can tell at once (403), then sends the
workflow update whose validator holds the rules; refusals come back as `ServiceError`.
"""

from __future__ import annotations

import asyncio

from daftar.contracts.applicant import ClaimIn, DecisionIn, ReleaseIn
from daftar.contracts.state import ApplicationState
from daftar.contracts.workflows import Applicant
from daftar.core.errors import ErrorDetail, ServiceError
from daftar.domain.refusals import Refusal
from daftar.domain.transitions import (
    claim_role_refusal,
    decision_role_refusal,
    release_role_refusal,
)
from daftar.gateway.workflows import Applicants
from daftar.services.auth import Principal, actor
from daftar.services.errors import refused
from daftar.services.schemas import BatchBody, BatchItemResult, BatchResult, DecisionBody

#: Decisions of one batch in flight at once: enough to keep the worker busy, few enough
#: that one reviewer's batch does not crowd out everyone else's single decisions.
BATCH_CONCURRENCY = 16


def _answer_early(refusal: Refusal | None) -> None:
    """A transition's check that needs no state, answered before sending (one rule, one place)."""
    if refusal is not None:
        raise refused(refusal)


async def decide(applicants: Applicants, principal: Principal, app_id: str,
                 body: DecisionBody) -> ApplicationState:
    """A reviewer's pass or fail (INT-1, QUAL-1, SEC-1)."""
    _answer_early(decision_role_refusal(principal.roles, body.stage))
    return await _send(applicants, principal, app_id, body)


async def _send(applicants: Applicants, principal: Principal, app_id: str,
                body: DecisionBody) -> ApplicationState:
    return await applicants.update(app_id, Applicant.decide, DecisionIn(
        actor=actor(principal), **body.model_dump()))


async def claim(applicants: Applicants, principal: Principal, app_id: str) -> ApplicationState:
    """Take the waiting decision for the cycle's claim period; again renews it."""
    _answer_early(claim_role_refusal(principal.roles))
    return await applicants.update(app_id, Applicant.claim, ClaimIn(actor=actor(principal)))


async def release(applicants: Applicants, principal: Principal,
                  app_id: str) -> ApplicationState:
    """Give the waiting decision back; with no claim to release, the current state."""
    _answer_early(release_role_refusal(principal.roles))
    return await applicants.update(app_id, Applicant.release_claim,
                                   ReleaseIn(actor=actor(principal)))


async def decide_batch(applicants: Applicants, principal: Principal,
                       body: BatchBody) -> BatchResult:
    """Each decision validated and applied on its own.

    One refused (or unsent while Temporal is unreachable, `unavailable`) does not stop the others.
    The same application twice in a batch is refused the second time by the workflow itself (already
    decided).
    """
    _answer_early(decision_role_refusal(principal.roles, body.stage))  # once for the batch
    limit = asyncio.Semaphore(BATCH_CONCURRENCY)

    async def one(item_no: int) -> BatchItemResult:
        item = body.items[item_no]
        decision = DecisionBody(stage=body.stage, outcome=item.outcome, score=item.score,
                                reason=item.reason, checks=item.checks)
        async with limit:
            try:
                state = await _send(applicants, principal, item.application_id, decision)
            except ServiceError as err:  # 503 too: that item alone is to be sent again
                return BatchItemResult(
                    application_id=item.application_id, status="refused",
                    error=ErrorDetail(code=err.code, message=err.message, rules=err.rules))
        return BatchItemResult(application_id=item.application_id, status="applied",
                               stage=state.stage)

    # Repeats of one application go one after the other, so the first is the one applied.
    results: list[BatchItemResult | None] = [None] * len(body.items)
    seen: dict[str, list[int]] = {}
    for no, item in enumerate(body.items):
        seen.setdefault(item.application_id, []).append(no)

    async def in_turn(numbers: list[int]) -> None:
        for no in numbers:
            results[no] = await one(no)

    await asyncio.gather(*(in_turn(numbers) for numbers in seen.values()))
    done = [r for r in results if r is not None]
    applied = sum(r.status == "applied" for r in done)
    return BatchResult(results=done, applied=applied, refused=len(done) - applied)
