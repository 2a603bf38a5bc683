"""Reviewer decisions (INT-1, QUAL-1, SEC-1), claims and releases as pure transitions."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from daftar.contracts.applicant import ClaimIn, DecisionIn, ReleaseIn
from daftar.contracts.state import ApplicationState, Claim, HistoryEntry
from daftar.domain import transitions as t
from daftar.domain.actors import Actor
from daftar.domain.decisions import Outcome, qualification_checklist
from daftar.domain.refusals import Refusal, RefusalKind
from daftar.domain.stages import DecisionStage, Role, Stage
from tests.domain.test_transitions import NOW, app, expect, staff
from tests.factories import registration

K = RefusalKind
INTERVIEWER = staff(Role.interviewer)
QUALIFIER = staff(Role.qualification_officer)
RULES = {DecisionStage.interview: "INT-1", DecisionStage.qualification: "QUAL-1",
         DecisionStage.security: "SEC-1"}
ROLES = {DecisionStage.interview: Role.interviewer,
         DecisionStage.qualification: Role.qualification_officer,
         DecisionStage.security: Role.security_officer}


def held(by: str = "rev-2", stage: Stage = Stage.awaiting_interview, *, age: int = 0,
         left: int = 120) -> Claim:
    """A claim taken `age` minutes before NOW that lapses `left` minutes after it."""
    return Claim(actor=by, role=Role.interviewer, stage=stage,
                 at=NOW - timedelta(minutes=age), expires_at=NOW + timedelta(minutes=left))


def interview(state: ApplicationState, actor: Actor = INTERVIEWER, now: datetime = NOW,
              **fields: Any) -> Refusal | None:
    """An interview decision (a pass with score 80 unless `fields` say otherwise)."""
    msg = DecisionIn(actor=actor, **{"stage": DecisionStage.interview,
                                     "outcome": Outcome.passed, "score": Decimal(80), **fields})
    return t.decision(state, actor, msg, now)


# --- the API's early role answer ------------------------------------------------------------


@pytest.mark.parametrize("stage", list(DecisionStage))
def test_only_the_stages_reviewer_may_decide_it(stage: DecisionStage) -> None:
    assert t.decision_role_refusal([Role.auditor, ROLES[stage]], stage) is None
    others = [r for r in Role if r is not ROLES[stage]]
    got = t.decision_role_refusal(others, stage)
    expect(got, K.forbidden, RULES[stage])
    assert got is not None and got.message == f"Only the {ROLES[stage].value} role may do this."


# --- decisions ----------------------------------------------------------------------------


def test_a_well_formed_decision_at_its_stage_is_accepted() -> None:
    assert interview(app(Stage.awaiting_interview)) is None


def test_a_womans_qualification_checklist_has_no_military_service_item() -> None:
    checks = dict.fromkeys(qualification_checklist(male=False, veteran=False), True)
    state = app(Stage.awaiting_qualification, form=registration(gender="female",
                                                             military_service=None))
    msg = DecisionIn(actor=QUALIFIER, stage=DecisionStage.qualification,
                     outcome=Outcome.passed, checks=checks)
    assert t.decision(state, QUALIFIER, msg, NOW) is None
    expect(t.decision(app(Stage.awaiting_qualification), QUALIFIER, msg, NOW),
           K.invalid, "QUAL-1", "checks")


def test_a_veterans_qualification_pass_needs_no_age_item() -> None:
    # QUAL-1: veteran-quota applicants are exempt from AGE-1; their checklist has no AGE-1.
    checks = dict.fromkeys(qualification_checklist(male=True, veteran=True), True)
    assert "AGE-1" not in checks
    veteran = app(Stage.awaiting_qualification, veteran=True,
                  form=registration(quota={"kind": "veteran", "category": "martyr_family"}))
    msg = DecisionIn(actor=QUALIFIER, stage=DecisionStage.qualification,
                     outcome=Outcome.passed, checks=checks)
    assert t.decision(veteran, QUALIFIER, msg, NOW) is None
    # A free-quota applicant still needs AGE-1 verified.
    expect(t.decision(app(Stage.awaiting_qualification), QUALIFIER, msg, NOW),
           K.invalid, "QUAL-1", "checks")
    # And a veteran's decision naming AGE-1 is refused: not an item of their checklist.
    with_age = msg.model_copy(update={"checks": {**checks, "AGE-1": True}})
    expect(t.decision(veteran, QUALIFIER, with_age, NOW), K.invalid, "QUAL-1", "checks")


DECIDED = HistoryEntry(seq=1, stage="interview", outcome="pass", actor="rev-1",
                       role="interviewer", at=NOW)


@pytest.mark.parametrize(("state", "actor", "kind"), [
    (app(Stage.awaiting_interview), staff(Role.security_officer), K.forbidden),
    (app(Stage.awaiting_qualification, decisions=[DECIDED]), INTERVIEWER, K.duplicate),
    (app(Stage.awaiting_qualification, decisions=[DECIDED]), staff(Role.admin), K.forbidden),
    (app(Stage.awaiting_exam), INTERVIEWER, K.wrong_stage),
    (app(Stage.awaiting_interview, claim=held()), INTERVIEWER, K.claimed),
])
def test_decision_refusals(state: ApplicationState, actor: Actor, kind: RefusalKind) -> None:
    expect(interview(state, actor), kind, "INT-1")


@pytest.mark.parametrize("claim", [
    held(by="rev-1"),  # the sender's own claim
    held(left=0),  # lapsed at NOW
    held(stage=Stage.awaiting_exam),  # taken at an earlier stage
])
def test_a_claim_that_holds_nothing_against_the_sender_lets_the_decision_in(
        claim: Claim) -> None:
    assert interview(app(Stage.awaiting_interview, claim=claim)) is None


def test_a_malformed_decision_is_refused_with_every_violation() -> None:
    got = interview(app(Stage.awaiting_interview), outcome=Outcome.failed, score=None)
    assert got is not None and got.kind is K.invalid
    assert got.message == "The interview decision is malformed."
    assert [(v.rule, v.field) for v in got.violations] == [("INT-1", "reason"),
                                                           ("INT-1", "score")]


def test_the_content_is_checked_only_after_the_claim() -> None:
    got = interview(app(Stage.awaiting_interview, claim=held()), score=Decimal(101))
    expect(got, K.claimed, "INT-1")
    assert got is not None and got.message.startswith("rev-2 has claimed this decision until ")


# --- claims -------------------------------------------------------------------------------


def claim(state: ApplicationState, actor: Actor = INTERVIEWER,
          now: datetime = NOW) -> Refusal | None:
    return t.claim(state, actor, ClaimIn(actor=actor), now)


@pytest.mark.parametrize("state", [
    app(Stage.awaiting_interview),
    app(Stage.awaiting_interview, claim=held(by="rev-1", age=61, left=59)),  # renewal, past half
    app(Stage.awaiting_interview, claim=held(left=0)),  # another's claim has lapsed
    app(Stage.awaiting_interview, claims=t.MAX_CLAIMS - 1),
])
def test_a_claim_on_the_waiting_decision_is_accepted(state: ApplicationState) -> None:
    assert claim(state) is None


@pytest.mark.parametrize(("state", "actor", "kind", "rule"), [
    (app(Stage.awaiting_exam), QUALIFIER, K.wrong_stage, "QUAL-1"),
    (app(Stage.awaiting_interview), QUALIFIER, K.forbidden, "INT-1"),
    (app(Stage.awaiting_interview, claim=held()), INTERVIEWER, K.claimed, "INT-1"),
    (app(Stage.awaiting_interview, claim=held(by="rev-1", age=59, left=61)), INTERVIEWER,
     K.already_applied, "INT-1"),
    (app(Stage.awaiting_interview, claims=t.MAX_CLAIMS), INTERVIEWER, K.not_ready, "INT-1"),
])
def test_claim_refusals(state: ApplicationState, actor: Actor, kind: RefusalKind,
                        rule: str) -> None:
    expect(claim(state, actor), kind, rule)


def test_a_claim_where_no_decision_waits_is_forbidden_to_a_non_reviewer_under_no_rule() -> None:
    got = claim(app(Stage.awaiting_licence), staff(Role.licensing_officer))
    assert got is not None and (got.kind, got.rules) == (K.forbidden, [])
    assert got.message == "The application is at awaiting_licence: no decision waits to be claimed."


def test_the_claim_limit_gives_way_to_another_reviewers_hold() -> None:
    state = app(Stage.awaiting_interview, claims=t.MAX_CLAIMS, claim=held())
    expect(claim(state), K.claimed, "INT-1")


# --- releases -----------------------------------------------------------------------------


def release(state: ApplicationState, actor: Actor = INTERVIEWER) -> Refusal | None:
    return t.release(state, actor, ReleaseIn(actor=actor), NOW)


@pytest.mark.parametrize("actor", [INTERVIEWER, staff(Role.admin, id="admin")])
def test_the_claimant_or_an_admin_releases_a_live_claim(actor: Actor) -> None:
    assert release(app(Stage.awaiting_interview, claim=held(by="rev-1")), actor) is None


@pytest.mark.parametrize("state", [
    app(Stage.awaiting_interview),
    app(Stage.awaiting_interview, claim=held(by="rev-1", left=0)),
    app(Stage.awaiting_qualification, claim=held(by="rev-1")),
])
def test_releasing_no_live_claim_is_an_already_applied_no_op(state: ApplicationState) -> None:
    got = release(state)
    assert got is not None and (got.kind, got.rules) == (K.already_applied, [])


def test_another_reviewer_may_not_release_a_claim() -> None:
    state = app(Stage.awaiting_qualification,
                claim=held(by="rev-2", stage=Stage.awaiting_qualification))
    expect(release(state, QUALIFIER), K.forbidden, "QUAL-1")
    expect(release(state, staff(Role.interviewer, id="rev-3")), K.forbidden, "QUAL-1")


@pytest.mark.parametrize("role", list(Role))
def test_only_a_reviewer_may_claim_and_a_reviewer_or_an_admin_release(role: Role) -> None:
    reviewer = role in t.DECIDING_ROLES
    claim, release = t.claim_role_refusal([role]), t.release_role_refusal([role])
    assert (claim is None) == reviewer
    assert (release is None) == (reviewer or role is Role.admin)
    for refused in (claim, release):
        if refused is not None:
            assert (refused.kind, refused.rules) == (RefusalKind.forbidden, [])
