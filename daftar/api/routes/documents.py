"""The documents a case needs (DOC-1): the list, the applicant's upload, the stored file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from daftar.api.auth import current_principal, require
from daftar.api.deps import ApplicantsDep, ObjectsDep
from daftar.api.errors import responses
from daftar.domain.stages import Role
from daftar.services import documents
from daftar.services.auth import Principal
from daftar.services.documents import DocumentRequestBody, DocumentsView
from daftar.services.schemas import ApplicationView
from daftar.services.views import application_view

router = APIRouter(tags=["documents"])
_REFUSALS = responses(401, 403, 404, 409, 422, 503, e404="Unknown application or document")
Anyone = Annotated[Principal, Depends(current_principal)]


@router.get("/v1/applications/{app_id}/documents", response_model=DocumentsView,
            responses=_REFUSALS)
async def list_documents(app_id: str, principal: Anyone,
                         applicants: ApplicantsDep) -> DocumentsView:
    """The documents this case needs (DOC-1), each with its latest upload and verification."""
    return await documents.list_documents(applicants, principal, app_id)


@router.put("/v1/applications/{app_id}/documents/{kind}", status_code=204,
            responses=_REFUSALS,
            openapi_extra={"requestBody": {"required": True, "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}})
async def upload_document(
    app_id: str, kind: str, request: Request, applicants: ApplicantsDep, objects: ObjectsDep,
    principal: Annotated[Principal, Depends(require(Role.applicant))],
) -> Response:
    """The file's bytes, a PDF or a JPEG read from its bytes (not its name or type header)."""
    data = await request.body()  # bounded by the route's body limit (daftar.api.limits)
    await documents.upload_document(applicants, objects, principal, app_id, kind, data)
    return Response(status_code=204)


@router.get("/v1/applications/{app_id}/documents/{kind}/content", responses=_REFUSALS,
            response_class=Response)
async def document_content(app_id: str, kind: str, principal: Anyone,
                           applicants: ApplicantsDep, objects: ObjectsDep) -> Response:
    """The stored file of the latest upload of `kind`, checked against its recorded hash."""
    data, content_type = await documents.document_content(applicants, objects, principal,
                                                          app_id, kind)
    return Response(content=data, media_type=content_type,
                    headers={"Cache-Control": "no-store",
                             "Content-Disposition": f'inline; filename="{kind}"'})


@router.post("/v1/applications/{app_id}/document-requests", response_model=ApplicationView,
             responses=_REFUSALS)
async def request_document(
    app_id: str, body: DocumentRequestBody, applicants: ApplicantsDep,
    principal: Annotated[Principal, Depends(require(Role.qualification_officer,
                                                    Role.licensing_officer))],
) -> ApplicationView:
    """DOC-2: ask the applicant for a missing or unreadable document, with a reason.

    The case waits at `awaiting_applicant` until the upload (back to the stage, claimed for
    the reviewer who asked) or the deadline (rejected under DOC-2 and the rules it proves).
    """
    state = await documents.request_document(applicants, principal, app_id, body)
    return application_view(state, principal)
