"""The admin's corrections of one application: reopen (COR-1), reinstate (COR-2), assign (COR-3).

Each form is sent through the shared service (`daftar.services.corrections`), so a refusal here
is the workflow's own, with its rule id; it comes back into the application page's form with
what the admin typed. Anyone but an admin is refused before anything is sent.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field, ValidationError
from starlette.datastructures import FormData

from daftar.console.deps import need, router
from daftar.console.render import PREFIX
from daftar.console.routes.application import render_application
from daftar.console.session import Viewer, posted
from daftar.console.views import clean_text
from daftar.core.errors import ServiceError
from daftar.domain.stages import DecisionStage, Role
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.services import corrections
from daftar.services.schemas import Strict, Text

routes = router()

#: The longest reason a correction records (as the JSON API takes it).
REASON_LIMIT = 4000
M = TypeVar("M", bound=Strict)


class _Reopen(Strict):
    stage: DecisionStage
    reason: Annotated[Text, Field(min_length=1, max_length=REASON_LIMIT)]


class _Reinstate(Strict):
    reason: Annotated[Text, Field(min_length=1, max_length=REASON_LIMIT)]


class _Assign(Strict):
    reviewer: Annotated[Text, Field(min_length=1, max_length=100, pattern=r"^\S+$")]


def _body(model: type[M], kept: dict[str, str], rule: str) -> M:
    """The form as the correction's body; the API's 422, under the correction's rule, if not."""
    try:
        return model.model_validate(kept)
    except ValidationError as err:
        raise ServiceError(422, "invalid_request", "The correction form is incomplete.", [
            Violation(rule=rule, field=".".join(str(p) for p in e["loc"]) or None,
                      message=e["msg"]) for e in err.errors()]) from err


def _reason(form: FormData) -> str:
    return clean_text(form.get("reason"), REASON_LIMIT + 1) or ""


async def _send(request: Request, who: Viewer, app_id: str, which: str,
                kept: dict[str, str]) -> Response:
    """Send the correction `which`; redirect with its notice, or show its refusal in place."""
    applicants: Applicants = request.app.state.applicants
    try:
        if which == "reopen":
            reopening = _body(_Reopen, kept, "COR-1")
            await corrections.reopen(applicants, who.principal, app_id, reopening.stage,
                                     reopening.reason)
            done = "reopened"
        elif which == "reinstate":
            body = _body(_Reinstate, kept, "COR-2")
            _, confirmed = await corrections.reinstate(applicants, who.principal, app_id,
                                                       body.reason)
            done = "reinstated" if confirmed else "proposed"
        else:
            assignment = _body(_Assign, kept, "COR-3")
            await corrections.assign(applicants, who.principal, app_id, assignment.reviewer)
            done = "assigned"
    except ServiceError as err:
        if err.code == "not_found":
            raise
        return await render_application(request, who, app_id, status=err.status, error=err,
                                        correction=which, correction_kept=kept)
    return RedirectResponse(f"{PREFIX}/applications/{app_id}?done={done}", status_code=303)


@routes.post("/applications/{app_id}/reopen")
async def reopen(request: Request, app_id: str) -> Response:
    """Reopen the latest reviewer decision, with a reason (COR-1, admin only)."""
    who, form = await posted(request)
    need(who, Role.admin)
    kept = {"stage": clean_text(form.get("stage"), 32) or "", "reason": _reason(form)}
    return await _send(request, who, app_id, "reopen", kept)


@routes.post("/applications/{app_id}/reinstate")
async def reinstate(request: Request, app_id: str) -> Response:
    """Propose a reinstatement, or confirm another admin's (COR-2, admin only)."""
    who, form = await posted(request)
    need(who, Role.admin)
    return await _send(request, who, app_id, "reinstate", {"reason": _reason(form)})


@routes.post("/applications/{app_id}/assign")
async def assign(request: Request, app_id: str) -> Response:
    """Assign the waiting decision to a reviewer by their sign-in name (COR-3, admin only)."""
    who, form = await posted(request)
    need(who, Role.admin)
    return await _send(request, who, app_id, "assign",
                       {"reviewer": clean_text(form.get("reviewer"), 101) or ""})
