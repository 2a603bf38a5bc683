"""The applicant's own application: stage, dates, results, documents, card, withdrawal."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from daftar.core.errors import ServiceError
from daftar.domain.documents import MAX_DOCUMENT_BYTES
from daftar.domain.violations import Violation
from daftar.portal import labels
from daftar.portal.render import PREFIX, page
from daftar.portal.routing import as_service_error, router
from daftar.portal.session import Applicant, applicant, posted
from daftar.portal.views import history, next_steps
from daftar.services.applications import withdraw as withdraw_application
from daftar.services.documents import upload_document
from daftar.services.exam_sessions import admission_card
from daftar.services.portal import home as portal_home

routes = router()


async def _home(request: Request, who: Applicant, *, status: int = 200,
                **context: Any) -> Response:
    state = request.app.state
    found = await portal_home(state.applicants, state.sessions, who.principal)
    return page(request, "home.html", applicant=who, status=status, title="پروندهٔ من",
                home=found, steps=next_steps(found), history=history(found),
                **context)


@routes.get("/home")
async def home(request: Request, m: str | None = None) -> Response:
    """The application as the applicant sees it."""
    return await _home(request, applicant(request), notice=labels.DONE.get(m or ""))


@routes.post("/documents/{kind}")
async def upload(request: Request, kind: str) -> Response:
    """Upload one document (DOC-1): the server reads the file's bytes and checks them."""
    who, form = await posted(request)
    sent = form.get("file")
    data = await sent.read(MAX_DOCUMENT_BYTES + 1) if isinstance(sent, UploadFile) else b""
    state = request.app.state
    try:
        await upload_document(state.applicants, state.objects, who.principal, who.app_id,
                              kind, data)
    except Exception as exc:
        err = as_service_error(exc)
        if err is None:
            raise
        return await _home(request, who, status=err.status, upload_error=err,
                           upload_kind=kind)
    return RedirectResponse(f"{PREFIX}/home?m=uploaded#doc-{kind}", status_code=303)


@routes.get("/card")
async def card(request: Request) -> Response:
    """The admission card as a PDF, from the card date on (EXAM-5)."""
    who = applicant(request)
    state = request.app.state
    pdf = await admission_card(state.applicants, state.sessions, state.objects, who.principal,
                               who.app_id)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'inline; filename="admission-card.pdf"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@routes.get("/withdraw")
async def withdraw_form(request: Request) -> Response:
    """WD-1's confirmation: what withdrawing means, before anything is sent."""
    who = applicant(request)
    state = request.app.state
    found = await portal_home(state.applicants, state.sessions, who.principal)
    return page(request, "withdraw.html", applicant=who, title="انصراف", home=found,
                reason="")


@routes.post("/withdraw")
async def withdraw(request: Request) -> Response:
    """WD-1: withdraw once the applicant has confirmed it; the fee is not refunded."""
    who, form = await posted(request)
    reason_field = form.get("reason")
    reason = reason_field.strip()[:500] if isinstance(reason_field, str) else ""
    state = request.app.state
    try:
        if form.get("confirm") != "yes":
            raise ServiceError(422, "invalid_request", "Withdrawal was not confirmed.", [
                Violation(rule="WD-1", field="confirm",
                          message="Tick the box to confirm the withdrawal.")])
        await withdraw_application(state.applicants, who.principal, who.app_id,
                                   reason or None)
    except Exception as exc:
        err = as_service_error(exc)
        if err is None:
            raise
        found = await portal_home(state.applicants, state.sessions, who.principal)
        return page(request, "withdraw.html", applicant=who, status=err.status,
                    title="انصراف", home=found, error=err, reason=reason)
    return RedirectResponse(f"{PREFIX}/home?m=withdrawn", status_code=303)


fallback = router()


@fallback.get("/{rest:path}")
async def unknown(rest: str) -> Response:
    """Any other portal address: a Persian 404 page rather than the API's JSON."""
    raise ServiceError(404, "not_found", f"No portal page /portal/{rest}.")
