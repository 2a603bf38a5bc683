"""Timelines read from real histories: every event a person cares about, in order."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowUpdateFailedError

from daftar.contracts.applicant import (
    DocumentIn,
    DocumentKind,
    LicenceIn,
    WithdrawIn,
)
from daftar.core.codec import data_converter
from daftar.domain.decisions import Outcome
from daftar.domain.stages import DecisionStage, Role
from daftar.services.timeline import TimelineEvent, timeline
from daftar.workflows.applicant import ApplicantWorkflow
from tests.conftest import TEST_KEYRING
from tests.factories import VETERAN
from tests.workflows.conftest import Harness
from tests.workflows.steps import (
    Handle,
    applicant,
    decide,
    disqualify,
    ended,
    exam,
    place,
    register,
    staff,
    state,
    to_launch,
    until_escalated,
)


async def events(h: Handle) -> list[TimelineEvent]:
    return await timeline(await h.fetch_history(), data_converter(TEST_KEYRING))


async def test_full_path_to_revocation(harness: Harness) -> None:
    h = await harness.start(quota=VETERAN, birth_date="1340/01/01")
    await to_launch(h)
    await place(h)
    app_id = (await state(h)).application_id
    licence = LicenceIn(actor=staff(Role.licensing_officer))
    try:  # refused (VET-2): a refusal never reaches the history, nor the timeline
        await h.execute_update(ApplicantWorkflow.issue_licence, licence)
        raise AssertionError("the licence needs the veteran certificate")
    except WorkflowUpdateFailedError:
        pass
    await h.execute_update(ApplicantWorkflow.submit_document, DocumentIn(
        actor=applicant(app_id), kind=DocumentKind.veteran_certificate, reference="VC-1"))
    await h.execute_update(ApplicantWorkflow.issue_licence, licence)
    await disqualify(h, "forged", by=staff(Role.admin, "admin-7"))
    await ended(h)  # the record waited for a correction (COR-2) until the cycle closed
    got = await events(h)
    assert [e.kind for e in got] == [
        "registered", "paid", "photo", "exam_result", "decision", "decision", "decision",
        "office", "document", "licence", "revoked", "record_closed", "closed"]
    assert [e.seq for e in got] == list(range(1, len(got) + 1))
    assert [e.at for e in got] == sorted(e.at for e in got)
    interview = got[4]
    assert (interview.stage, interview.outcome, interview.actor, interview.role,
            interview.score) == ("interview", "pass", "interviewer-1", "interviewer", 80)
    assert got[3].outcome == "pass" and got[3].score == 6000
    assert got[9].details["licence_number"] == (await state(h)).licence_number
    assert (got[10].actor, got[10].rules, got[10].reason) == ("admin-7", ["FRAUD-1"], "forged")
    assert (got[-1].stage, got[-1].rules) == ("revoked", ["FRAUD-1"])
    assert all(e.at_jalali.count("/") == 2 for e in got)


async def test_each_ending_is_on_the_timeline(harness: Harness) -> None:
    rejected = await harness.start()
    await register(rejected)
    await exam(rejected)
    checks = {"REG-4": True, "GEN-1": True, "GEN-2": False, "GEN-3": True, "GEN-4": True,
              "GEN-5": True, "GEN-6": True, "GEN-7": True, "AGE-1": True, "AGE-2": True,
              "EXP-1": True}
    await decide(rejected, DecisionStage.interview)
    await decide(rejected, DecisionStage.qualification, Outcome.failed, checks=checks)
    await ended(rejected)
    got = await events(rejected)
    assert (got[-3].kind, got[-3].stage, got[-3].outcome, got[-3].rules) == (
        "decision", "qualification", "fail", ["GEN-2"])
    assert got[-2].kind == "record_closed"
    assert (got[-1].kind, got[-1].stage, got[-1].rules) == ("closed", "rejected",
                                                            ["QUAL-1", "GEN-2"])

    below = await harness.start()
    await register(below)
    await exam(below, total="4000")
    await ended(below)
    got = await events(below)
    assert (got[-3].kind, got[-3].outcome, got[-3].rules) == ("exam_result", "fail", ["EXAM-2"])

    withdrawn = await harness.start()
    app_id = (await state(withdrawn)).application_id
    await withdrawn.execute_update(ApplicantWorkflow.withdraw, WithdrawIn(
        actor=applicant(app_id), reason="moved abroad"))
    await withdrawn.result()
    got = await events(withdrawn)
    assert [(e.kind, e.reason) for e in got[1:]] == [("withdrawn", "moved abroad"),
                                                     ("closed", None)]

    incomplete = await harness.start(window_days=1)
    await incomplete.result()
    got = await events(incomplete)
    assert [e.kind for e in got] == ["registered", "closed"]
    assert (got[-1].stage, got[-1].rules) == ("incomplete", ["REG-2"])


async def test_escalations_are_on_the_timeline(harness: Harness) -> None:
    h = await harness.start(sla_days={"interview": 3, "qualification": 3, "security": 3,
                                      "licence": 3})
    await register(h)
    await exam(h)
    await harness.env.sleep(timedelta(days=4))
    await until_escalated(h)
    got = await events(h)
    assert [(e.kind, e.stage) for e in got if e.kind == "escalated"] == [
        ("escalated", "awaiting_interview")]
