"""DOC-1: the documents a case needs, and a file's kind read from its bytes."""

from __future__ import annotations

import pytest

from daftar.contracts.state import ApplicationState
from daftar.domain import transitions as t
from daftar.domain.actors import Actor
from daftar.domain.documents import (
    MAX_DOCUMENT_BYTES,
    DocKind,
    document_violations,
    required_documents,
    sniff,
)
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import Role, Stage
from tests.domain.test_transitions import APPLICANT, NOW, K, app, expect, staff

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def kinds(**case: bool) -> list[DocKind]:
    return [n.kind for n in required_documents(**case)]


def test_every_case_needs_the_general_documents_and_the_rest_follow_the_registration() -> None:
    general = [DocKind.degree, DocKind.national_card, DocKind.no_criminal_record,
               DocKind.computer_certificate]
    assert kinds(male=False, occupation=False, veteran=False) == general
    assert kinds(male=True, occupation=False, veteran=False) == [
        DocKind.degree, DocKind.national_card, DocKind.military_service,
        DocKind.no_criminal_record, DocKind.computer_certificate]
    assert DocKind.occupation_ended in kinds(male=False, occupation=True, veteran=False)
    assert DocKind.veteran_certificate in kinds(male=False, occupation=False, veteran=True)


def test_each_document_names_the_rules_it_proves() -> None:
    by_kind = {n.kind: n.rules for n in required_documents(male=True, occupation=True,
                                                           veteran=True)}
    assert by_kind[DocKind.degree] == ("GEN-2", "EXP-1")
    assert by_kind[DocKind.military_service] == ("GEN-3",)
    assert by_kind[DocKind.occupation_ended] == ("ART11-1",)
    assert by_kind[DocKind.veteran_certificate] == ("VET-1", "VET-2")


def test_the_type_is_read_from_the_bytes_not_the_name() -> None:
    assert sniff(PDF) == "application/pdf"
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(b"PK\x03\x04 a zip named degree.pdf") is None
    assert sniff(b"") is None


def test_a_file_is_refused_for_each_reason_under_doc_1() -> None:
    assert document_violations("degree", PDF) == ("application/pdf", [])
    _, wrong = document_violations("passport", PDF)
    assert [(v.rule, v.field) for v in wrong] == [("DOC-1", "kind")]
    _, empty = document_violations("degree", b"")
    assert [(v.rule, v.field) for v in empty] == [("DOC-1", "file")]
    _, big = document_violations("degree", PDF + b"\0" * MAX_DOCUMENT_BYTES)
    assert [(v.rule, v.field) for v in big] == [("DOC-1", "file")]
    assert f"{MAX_DOCUMENT_BYTES:,}" in big[0].message
    kind, other = document_violations("degree", b"GIF89a....")
    assert kind is None and [(v.rule, v.field) for v in other] == [("DOC-1", "file")]


# --- the upload's transition (DOC-1) -------------------------------------------------------

@pytest.mark.parametrize(("state", "kind", "actor", "refused", "field"), [
    (app(), "passport", APPLICANT, K.invalid, "kind"),
    (app(), "veteran_certificate", APPLICANT, K.invalid, "kind"),  # not the reserved quota
    (app(), "occupation_ended", APPLICANT, K.invalid, "kind"),  # no occupation declared
    (app(), "degree", staff(Role.qualification_officer), K.forbidden, None),
    (app(), "degree", Actor(id="another", roles=[Role.applicant]), K.forbidden, None),
    (app(Stage.withdrawn), "degree", APPLICANT, K.wrong_stage, None),
    (app(Stage.licensed), "degree", APPLICANT, K.wrong_stage, None),
])
def test_an_upload_is_refused_under_doc_1(state: ApplicationState, kind: str, actor: Actor,
                                          refused: RefusalKind, field: str | None) -> None:
    expect(t.upload(state, actor, kind, NOW), refused, "DOC-1", field)


def test_an_upload_the_case_needs_is_accepted_at_any_open_stage() -> None:
    for stage in (Stage.awaiting_payment, Stage.awaiting_qualification, Stage.awaiting_licence):
        assert t.upload(app(stage), APPLICANT, "degree", NOW) is None
    assert t.upload(app(flags=["ART11-1"]), APPLICANT, "occupation_ended", NOW) is None
    assert t.upload(app(veteran=True), APPLICANT, "veteran_certificate", NOW) is None
