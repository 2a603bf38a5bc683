"""The documents a case needs (DOC-1): uploaded by the applicant, read by the reviewers.

An upload is checked from its bytes (a PDF or a JPEG, size-limited), stored in the object
store under its SHA-256, then given to the application's workflow, whose history records its
kind, hash, size and type; so a recorded upload always has its bytes. The list shows each
document the case needs beside the checklist item it proves and, once the qualification
officer has decided, whether the items it proves were verified.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from daftar.contracts.applicant import DocumentRequestIn, UploadIn
from daftar.contracts.state import ApplicationState
from daftar.contracts.workflows import Applicant
from daftar.core.errors import ServiceError, violations_error
from daftar.domain import transitions
from daftar.domain.documents import DocKind, Need, case_needs, document_violations
from daftar.domain.stages import DecisionStage, Role
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.services.applications import own
from daftar.services.auth import Principal, actor
from daftar.services.errors import refused
from daftar.services.schemas import Instant
from daftar.services.views import instant
from daftar.store.objects import ObjectMissing, ObjectStore

#: Who reads a case's documents (docs/api.md): the applicant (the list only) and these.
READERS = (Role.qualification_officer, Role.licensing_officer, Role.auditor, Role.admin)


class Uploaded(BaseModel):
    """The latest upload of one kind."""

    sha256: str
    size: int
    content_type: str
    at: Instant


class DocumentView(BaseModel):
    """One document the case needs, what the applicant uploaded of it, and its verification."""

    kind: DocKind
    #: The document's Persian name.
    name: str
    #: The rules it proves (the QUAL-1 checklist items, ART11-1, VET-1/VET-2).
    rules: list[str]
    required: bool = True
    uploaded: Uploaded | None = None
    #: Whether the qualification officer verified the items it proves: true, false (one
    #: failed), or null before the decision (or for a document the checklist does not hold).
    verified: bool | None = None


class DocumentsView(BaseModel):
    """The documents of one application (DOC-1)."""

    application_id: str
    documents: list[DocumentView]


def _verified(state: ApplicationState, need: Need) -> bool | None:
    checks: dict[str, bool] = {}
    for entry in state.decisions:
        if entry.stage == DecisionStage.qualification.value and entry.checks:
            checks = dict(entry.checks)  # the latest qualification decision counts
        elif entry.stage == "reopening" and entry.outcome == DecisionStage.qualification.value:
            checks = {}  # reopened (COR-1): to be verified again
    seen = [checks[r] for r in need.rules if r in checks]
    return all(seen) if seen else None


def documents_of(state: ApplicationState) -> DocumentsView:
    """The documents `state`'s case needs, each with its latest upload and verification."""
    out = []
    for need in case_needs(state.form, state.flags, state.veteran):
        up = state.uploads.get(need.kind.value)
        out.append(DocumentView(
            kind=need.kind, name=need.name_fa, rules=list(need.rules),
            uploaded=Uploaded(sha256=up.sha256, size=up.size, content_type=up.content_type,
                              at=instant(up.at)) if up else None,
            verified=_verified(state, need)))
    return DocumentsView(application_id=state.application_id, documents=out)


async def list_documents(applicants: Applicants, principal: Principal,
                         app_id: str) -> DocumentsView:
    """The case's documents, for the applicant and the reviewers who read them.

    Raises:
        ServiceError: 403 for another role or another applicant's case; 404 if unknown.
    """
    if not principal.has(Role.applicant, *READERS):
        raise ServiceError(403, "forbidden", "The applicant, the qualification and licensing "
                                             "officers, auditors and admins only.")
    own(principal, app_id)
    return documents_of(await applicants.state(app_id))


async def upload_document(applicants: Applicants, objects: ObjectStore, principal: Principal,
                          app_id: str, kind: str, data: bytes) -> None:
    """Check the file, store its bytes, then give its hash to the workflow (DOC-1).

    Raises:
        ServiceError: 422 for a file or kind DOC-1 refuses (naming each reason), 403 for
            another applicant's case, 404 for an unknown one, 409 for a closed one.
    """
    own(principal, app_id)
    content_type, violations = document_violations(kind, data)
    if violations:
        raise violations_error("The document was not accepted (DOC-1).", violations)
    assert content_type is not None
    sender = actor(principal)
    # Refused early (a case that does not need it, a closed case) before any byte is stored.
    early = transitions.upload(await applicants.state(app_id), sender, kind, datetime.now(UTC))
    if early is not None:
        raise refused(early)
    sha256 = await asyncio.to_thread(objects.put, data, content_type)
    await applicants.update(app_id, Applicant.upload_document, UploadIn(
        actor=sender, kind=DocKind(kind), sha256=sha256, size=len(data),
        content_type=content_type))


class DocumentRequestBody(BaseModel):
    """POST /v1/applications/{id}/document-requests (DOC-2)."""

    model_config = {"extra": "forbid"}

    kind: DocKind
    reason: str = Field(min_length=1, max_length=2000)
    days: int = Field(default=10, ge=1, le=60)


async def request_document(applicants: Applicants, principal: Principal, app_id: str,
                           body: DocumentRequestBody) -> ApplicationState:
    """DOC-2: the reviewer asks the applicant for a document; the case waits for it.

    Raises:
        ServiceError: 403 for a role that does not ask for documents; 404 for an unknown
            case; 409 at another stage or while another reviewer's claim holds; 422 for a
            document the case does not need or a blank reason.
    """
    if not principal.has(Role.qualification_officer, Role.licensing_officer):
        raise ServiceError(403, "forbidden", "Only the qualification officer or the "
                                             "licensing officer asks for documents.")
    state: ApplicationState = await applicants.update(
        app_id, Applicant.request_document, DocumentRequestIn(
            actor=actor(principal), kind=body.kind, reason=body.reason, days=body.days))
    return state


async def document_content(applicants: Applicants, objects: ObjectStore, principal: Principal,
                           app_id: str, kind: str) -> tuple[bytes, str]:
    """The stored file of the case's latest upload of `kind`, for the reviewers.

    Raises:
        ServiceError: 403 for the applicant and other roles; 404 for an unknown case, a kind
            not uploaded, or bytes missing from the store; 409 (DOC-1) for bytes the store
            holds altered.
    """
    if not principal.has(*READERS):
        raise ServiceError(403, "forbidden", "Qualification and licensing officers, auditors "
                                             "and admins read the stored documents.")
    state = await applicants.state(app_id)
    up = state.uploads.get(kind)
    if up is None:
        raise ServiceError(404, "not_found", f"No {kind} document is uploaded for {app_id}.")

    def read() -> bytes:
        try:
            if not objects.verify(up.sha256):
                raise ServiceError(409, "conflict", "The stored file was altered.", [
                    _altered(kind, up.sha256)])
            return objects.get(up.sha256)
        except ObjectMissing:
            raise ServiceError(404, "not_found", (
                f"The {kind} document's bytes (sha256 {up.sha256}) are missing from the "
                "object store.")) from None

    return await asyncio.to_thread(read), up.content_type


def _altered(kind: str, sha256: str) -> Violation:
    return Violation(rule="DOC-1", field=kind, message=(
        f"The stored bytes of the {kind} document no longer hash to {sha256}, which the "
        "history recorded: the file in the object store was altered."))
