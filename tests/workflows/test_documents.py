"""DOC-1 on the time-skipping server: uploads recorded in the history; LIC-1 counts them."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from daftar.contracts.applicant import DocumentRequestIn, UploadIn
from daftar.domain.documents import DocKind
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.workflows.applicant import ApplicantWorkflow
from tests.factories import VETERAN
from tests.workflows.conftest import Harness
from tests.workflows.steps import (
    applicant,
    decide,
    licence,
    place,
    staff,
    state,
    to_decision,
    to_launch,
)
from tests.workflows.test_refusals import accepted_updates, refused, rules


def upload(app_id: str, kind: DocKind, data: bytes) -> UploadIn:
    return UploadIn(actor=applicant(app_id), kind=kind, sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data), content_type="application/pdf")


async def test_each_upload_is_in_the_history_and_the_latest_of_a_kind_counts(
        harness: Harness) -> None:
    h = await harness.start()
    app_id = (await state(h)).application_id
    first = await h.execute_update(ApplicantWorkflow.upload_document,
                                   upload(app_id, DocKind.degree, b"%PDF-1 first"))
    second = await h.execute_update(ApplicantWorkflow.upload_document,
                                    upload(app_id, DocKind.degree, b"%PDF-1 second"))
    assert first.uploads["degree"].sha256 == hashlib.sha256(b"%PDF-1 first").hexdigest()
    assert second.uploads["degree"].sha256 == hashlib.sha256(b"%PDF-1 second").hexdigest()
    entries = [d for d in second.decisions if d.stage == "document"]
    assert [(d.outcome, d.rules) for d in entries] == [
        ("uploaded", ["DOC-1", "GEN-2", "EXP-1"])] * 2
    assert hashlib.sha256(b"%PDF-1 first").hexdigest() in (entries[0].reason or "")
    assert second.stage == Stage.awaiting_payment  # an upload moves no stage


async def test_a_document_the_case_does_not_need_is_refused_and_not_recorded(
        harness: Harness) -> None:
    h = await harness.start()
    app_id = (await state(h)).application_id
    before = await accepted_updates(h)
    err = await refused(h, ApplicantWorkflow.upload_document,
                        upload(app_id, DocKind.veteran_certificate, b"%PDF-1 v"))
    assert (err.type, rules(err)) == (RefusalKind.invalid, {"DOC-1"})
    assert (await state(h)).uploads == {}
    assert await accepted_updates(h) == before


async def test_an_uploaded_veteran_certificate_clears_lic_1(harness: Harness) -> None:
    h = await harness.start(quota=VETERAN, birth_date="1340/01/01")
    app_id = (await state(h)).application_id
    await to_launch(h)
    await place(h)
    await h.execute_update(ApplicantWorkflow.upload_document,
                           upload(app_id, DocKind.veteran_certificate, b"%PDF-1 vet"))
    done = await licence(h)
    assert done.stage == Stage.licensed
    assert [d.reference[:7] for d in done.documents] == ["sha256:"]


QUAL = staff(Role.qualification_officer, "qual-1")


def ask(days: int = 3) -> DocumentRequestIn:
    return DocumentRequestIn(actor=QUAL, kind=DocKind.degree, reason="unreadable scan",
                             days=days)


async def test_a_request_lapses_into_a_rejection_under_doc_2(harness: Harness) -> None:
    h = await harness.start(sla_days={"qualification": 5})
    await to_decision(h, DecisionStage.qualification)
    asked = await h.execute_update(ApplicantWorkflow.request_document, ask(days=3))
    assert asked.stage == Stage.awaiting_applicant
    assert asked.request is not None and asked.due_at == asked.request.due_at
    await harness.env.sleep(timedelta(days=3, minutes=1))
    done = await state(h)
    assert (done.stage, done.rules, done.rejected_stage) == (
        Stage.rejected, ["DOC-2", "GEN-2", "EXP-1"], Stage.awaiting_qualification)
    assert done.escalations == []  # the request's deadline is no SLA escalation


async def test_an_upload_answers_the_request_with_the_sla_paused(harness: Harness) -> None:
    h = await harness.start(sla_days={"qualification": 5})
    waiting = await to_decision(h, DecisionStage.qualification)
    assert waiting.due_at is not None
    app_id = waiting.application_id
    await h.execute_update(ApplicantWorkflow.request_document, ask(days=10))
    await harness.env.sleep(timedelta(days=2))
    back = await h.execute_update(ApplicantWorkflow.upload_document,
                                  upload(app_id, DocKind.degree, b"%PDF-1 readable"))
    assert back.stage == Stage.awaiting_qualification and back.request is None
    assert back.claim is not None and back.claim.actor == "qual-1"
    assert back.due_at is not None
    paused = back.due_at - waiting.due_at
    assert timedelta(days=2) <= paused < timedelta(days=2, hours=1)
    outcomes = [d.outcome for d in back.decisions if d.stage == "document_request"]
    assert outcomes == ["requested", "answered"]
    passed = await decide(h, DecisionStage.qualification, actor=QUAL)
    assert passed.stage == Stage.awaiting_security
