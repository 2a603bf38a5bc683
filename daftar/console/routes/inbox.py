"""The reviewer's inbox: waiting applications oldest first, claims, batch decisions, filters."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from daftar.console.deps import ViewerDep, in_session, router
from daftar.console.render import PREFIX, page, query
from daftar.console.session import Viewer, posted
from daftar.console.views import clean_text, decision_stages, parse_score, team_of
from daftar.core.errors import ServiceError
from daftar.domain.decisions import qualification_checklist
from daftar.domain.digits import normalize_digits
from daftar.domain.rules import rule_text
from daftar.domain.stages import DecisionStage
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.services import decisions
from daftar.services import inbox as inbox_service
from daftar.services.listing import ApplicationFilter, Row, inbox_stages
from daftar.services.schemas import BatchBody, BatchResult

routes = router()

PAGE_SIZE = 25
#: The query parameters a filter keeps (and a saved filter stores). `assigned`: only the
#: decisions an admin assigned to the viewer (COR-3).
FILTER_KEYS = ("cycle", "province", "city", "q", "assigned")
#: What a checked box sends (a form) or a link says (a query string) for `assigned`.
_YES = ("1", "on", "true")


def _params(source: Any) -> dict[str, str]:
    """The filter's parameters from a query string or a form, digits made Latin."""
    out: dict[str, str] = {}
    for key in (*FILTER_KEYS, "page"):
        text = clean_text(source.get(key))
        if key == "assigned":
            if text is not None and text.lower() in _YES:
                out[key] = "1"
        elif text:
            out[key] = text if key in ("province", "city") else normalize_digits(text)
    return out


def _int(text: str | None, default: int | None = None) -> int | None:
    if text is None:
        return default
    cleaned = normalize_digits(text)
    return int(cleaned) if cleaned.isdigit() and 0 < int(cleaned) < 100_000 else default


async def render_inbox(request: Request, who: Viewer, params: dict[str, str], *,
                       status: int = 200, banner: ServiceError | None = None,
                       notice: str | None = None, batch: BatchResult | None = None,
                       batch_rows: list[Row] | None = None,
                       kept: dict[str, Any] | None = None) -> Response:
    """The inbox page for `params`, with an error banner or a batch's results if given."""
    stages = inbox_stages(who.principal)
    if not stages:
        raise ServiceError(403, "forbidden", "No reviewer role in the token.")
    page_no = _int(params.get("page"), 1) or 1
    flt = ApplicationFilter(cycle=_int(params.get("cycle")), stages=stages,
                            province=params.get("province"), city=params.get("city"),
                            tracking_code=params.get("q"),
                            assigned_to=who.sub if params.get("assigned") else None)
    team = team_of(who.principal)

    found = await asyncio.to_thread(in_session, request, lambda s: inbox_service.inbox_page(
        s, flt, team, page=page_no, size=PAGE_SIZE))
    total = found.total
    deciding = decision_stages(who.principal)
    return page(request, "inbox.html", viewer=who, status=status, title="کارتابل",
                rows=found.rows, total=total, page_no=page_no,
                pages=max(1, -(-total // PAGE_SIZE)), params=params, banner=banner,
                notice=notice, batch=batch, batch_rows=batch_rows or [], saved=found.saved,
                cities=found.cities,
                team=team, deciding=deciding, kept=kept or {},
                checklist=[(r, rule_text(r))
                           for r in qualification_checklist(male=True, veteran=False)],
                filter_keys=FILTER_KEYS)


@routes.get("/inbox")
async def inbox(request: Request, who: ViewerDep,
                done: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    """The inbox, with the notice of what was just done."""
    notices = {"claimed": "پرونده برداشته شد.", "released": "پرونده رها شد.",
               "saved": "فیلتر ذخیره شد.", "deleted": "فیلتر حذف شد."}
    return await render_inbox(request, who, _params(request.query_params),
                              notice=notices.get(done or ""))


def _back(params: dict[str, str], done: str) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/inbox{query(params, done=done)}", status_code=303)


@routes.post("/inbox/claim")
async def claim(request: Request) -> Response:
    """Claim a row's waiting decision."""
    who, form = await posted(request)
    return await _claim_or_release(request, who, form, release=False)


@routes.post("/inbox/release")
async def release(request: Request) -> Response:
    """Release a row's claim."""
    who, form = await posted(request)
    return await _claim_or_release(request, who, form, release=True)


async def _claim_or_release(request: Request, who: Viewer, form: FormData, *,
                            release: bool) -> Response:
    params = _params(form)
    app_id = clean_text(form.get("application_id"), 32)
    applicants: Applicants = request.app.state.applicants
    try:
        if app_id is None:
            raise ServiceError(422, "invalid_request", "No application was chosen.")
        if release:
            await decisions.release(applicants, who.principal, app_id)
        else:
            await decisions.claim(applicants, who.principal, app_id)
    except ServiceError as err:
        return await render_inbox(request, who, params, status=err.status, banner=err)
    return _back(params, "released" if release else "claimed")


@routes.post("/inbox/batch")
async def batch(request: Request) -> Response:
    """One decision for every selected row; each row's result is shown beside it."""
    who, form = await posted(request)
    params = _params(form)
    ids = list(dict.fromkeys(i for i in form.getlist("ids") if isinstance(i, str) and i))
    kept = {"stage": form.get("stage"), "outcome": form.get("outcome"),
            "score": form.get("score"), "reason": form.get("reason"),
            "checks": set(c for c in form.getlist("checks") if isinstance(c, str))}
    try:
        body = await _batch_body(request, form, ids)
    except ServiceError as err:
        return await render_inbox(request, who, params, status=err.status, banner=err,
                                  kept=kept)
    applicants: Applicants = request.app.state.applicants
    try:
        result = await decisions.decide_batch(applicants, who.principal, body)
    except ServiceError as err:
        return await render_inbox(request, who, params, status=err.status, banner=err,
                                  kept=kept)

    rows = await asyncio.to_thread(in_session, request,
                                   lambda s: inbox_service.batch_rows(s, result))
    return await render_inbox(request, who, params, batch=result, batch_rows=rows)


async def _batch_body(request: Request, form: FormData, ids: list[str]) -> BatchBody:
    """The batch's body; ServiceError in the API's terms when the form cannot make one."""
    if not ids:
        raise ServiceError(422, "invalid_request", "No application was selected.",
                       [Violation(rule="REQUEST", field="ids",
                                  message="Select at least one application.")])
    try:
        stage = DecisionStage(str(form.get("stage")))
        score = parse_score(clean_text(form.get("score"), 20))
    except ValueError as err:
        raise ServiceError(422, "invalid_request", "The batch form is malformed.",
                       [Violation(rule="INT-1", field="score",
                                  message=f"Not a number: {err}.")]) from err
    checked = {c for c in form.getlist("checks") if isinstance(c, str)}
    checks: dict[str, dict[str, bool] | None] = {i: None for i in ids}
    if stage is DecisionStage.qualification:
        checks = await inbox_service.checklists(request.app.state.applicants, ids, checked)
    items = [{"application_id": i, "outcome": form.get("outcome"), "score": score,
              "reason": clean_text(form.get("reason"), 4000), "checks": checks[i]}
             for i in ids]
    try:
        return BatchBody.model_validate({"stage": stage, "items": items})
    except ValidationError as err:
        raise ServiceError(422, "invalid_request", "The batch form is malformed.", [
            Violation(rule="REQUEST", field=".".join(str(p) for p in e["loc"]) or None,
                      message=e["msg"]) for e in err.errors()[:20]]) from err


@routes.post("/inbox/filters")
async def save_filter(request: Request) -> Response:
    """Save the current filter under a name for the whole team."""
    who, form = await posted(request)
    params = _params(form)
    params.pop("page", None)
    team = team_of(who.principal)
    name = clean_text(form.get("name"), 100)
    if team is None or name is None:
        err = ServiceError(422, "invalid_request", "A saved filter needs a name.",
                       [Violation(rule="REQUEST", field="name", message="Name the filter.")])
        return await render_inbox(request, who, params, status=422, banner=err)
    await asyncio.to_thread(in_session, request, lambda s: inbox_service.save_filter(
        s, team, name, params, who.sub))
    return _back(params, "saved")


@routes.post("/inbox/filters/delete")
async def delete_filter(request: Request) -> Response:
    """Delete one of the team's saved filters."""
    who, form = await posted(request)
    team = team_of(who.principal)
    filter_id = _int(clean_text(form.get("filter_id"), 12))
    if team is not None and filter_id is not None:
        await asyncio.to_thread(in_session, request, lambda s: inbox_service.delete_filter(
            s, team, filter_id))
    return _back(_params(form), "deleted")
