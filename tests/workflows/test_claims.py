"""Reviewers' claims on a waiting decision: held, refused to others, released, expired."""

from __future__ import annotations

from datetime import timedelta

from daftar.contracts.applicant import ClaimIn, ReleaseIn
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.domain.transitions import MAX_CLAIMS
from daftar.workflows.applicant import ApplicantWorkflow
from tests.workflows.conftest import Harness
from tests.workflows.steps import decide, decision, exam, register, staff, state, to_decision
from tests.workflows.test_refusals import accepted_updates, refused, rules

ALICE = staff(Role.interviewer, "alice")
BOB = staff(Role.interviewer, "bob")


async def test_a_claim_keeps_the_decision_for_its_holder(harness: Harness) -> None:
    h = await harness.start()
    await to_decision(h, DecisionStage.interview)
    claimed = await h.execute_update(ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    assert claimed.claim is not None
    assert (claimed.claim.actor, claimed.claim.stage) == ("alice", Stage.awaiting_interview)
    assert claimed.claim.expires_at - claimed.claim.at == timedelta(hours=2)
    before = await accepted_updates(h)
    err = await refused(h, ApplicantWorkflow.decide,
                        decision(DecisionStage.interview, actor=BOB))
    assert (err.type, rules(err)) == (RefusalKind.claimed, {"INT-1"})
    err = await refused(h, ApplicantWorkflow.claim, ClaimIn(actor=BOB))
    assert (err.type, rules(err)) == (RefusalKind.claimed, {"INT-1"})
    err = await refused(h, ApplicantWorkflow.release_claim, ReleaseIn(actor=BOB))
    assert (err.type, rules(err)) == (RefusalKind.forbidden, {"INT-1"})
    assert await accepted_updates(h) == before  # refusals never enter the history
    moved = await decide(h, DecisionStage.interview, actor=ALICE)
    assert moved.stage == Stage.awaiting_qualification
    assert moved.claim is None  # a claim is on one stage's decision


async def test_an_admin_releases_any_claim_and_another_reviewer_decides(
        harness: Harness) -> None:
    h = await harness.start()
    await to_decision(h, DecisionStage.interview)
    await h.execute_update(ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    released = await h.execute_update(ApplicantWorkflow.release_claim,
                                      ReleaseIn(actor=staff(Role.admin, "head")))
    assert released.claim is None
    err = await refused(h, ApplicantWorkflow.release_claim, ReleaseIn(actor=ALICE))
    assert err.type == RefusalKind.already_applied  # nothing to release: no history either
    assert (await decide(h, DecisionStage.interview, actor=BOB)).stage == (
        Stage.awaiting_qualification)


async def test_a_claim_lapses_after_the_cycles_claim_period(harness: Harness) -> None:
    h = await harness.start()
    await to_decision(h, DecisionStage.interview)
    first = await h.execute_update(ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    assert first.claim is not None
    await harness.env.sleep(timedelta(hours=1, minutes=1))  # past half the claim period
    renewed = await h.execute_update(ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    assert renewed.claim is not None and renewed.claim.actor == "alice"
    assert renewed.claim.expires_at > first.claim.expires_at
    await harness.env.sleep(timedelta(hours=2, minutes=1))
    taken = await h.execute_update(ApplicantWorkflow.claim, ClaimIn(actor=BOB))
    assert taken.claim is not None and taken.claim.actor == "bob"
    assert (await state(h)).stage == Stage.awaiting_interview


async def test_only_the_waiting_stages_reviewer_claims_it(harness: Harness) -> None:
    h = await harness.start()
    await register(h)
    err = await refused(h, ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    assert (err.type, rules(err)) == (RefusalKind.wrong_stage, {"INT-1"})  # still at the exam
    await exam(h)
    err = await refused(h, ApplicantWorkflow.claim,
                        ClaimIn(actor=staff(Role.qualification_officer)))
    assert (err.type, rules(err)) == (RefusalKind.forbidden, {"INT-1"})


async def test_an_early_renewal_is_not_recorded_and_claims_are_bounded(
        harness: Harness) -> None:
    """However often a reviewer renews, the history an applicant's workflow can grow to is
    bounded: a renewal within the first half of the claim changes nothing and records
    nothing, and a stage records at most MAX_CLAIMS claims."""
    h = await harness.start()
    await to_decision(h, DecisionStage.interview)
    await h.execute_update(ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    before = await accepted_updates(h)
    for _ in range(5):
        err = await refused(h, ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
        assert (err.type, rules(err)) == (RefusalKind.already_applied, {"INT-1"})
    assert await accepted_updates(h) == before
    for _ in range(MAX_CLAIMS - 1):
        await harness.env.sleep(timedelta(hours=1, minutes=1))
        await h.execute_update(ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    await harness.env.sleep(timedelta(hours=1, minutes=1))
    err = await refused(h, ApplicantWorkflow.claim, ClaimIn(actor=ALICE))
    assert (err.type, rules(err)) == (RefusalKind.not_ready, {"INT-1"})
    assert await accepted_updates(h) == before + MAX_CLAIMS - 1
    events = len((await h.fetch_history()).events)
    # The stage still decides, and the next stage starts counting afresh.
    moved = await decide(h, DecisionStage.interview, actor=ALICE)
    assert moved.stage == Stage.awaiting_qualification and moved.claims == 0
    assert events < 60 + 12 * MAX_CLAIMS
