"""The reviewer's inbox: waiting applications, claims, a grid of decisions, filters.

Oldest first or by deadline; each row decided on its own, or a batch for the ticked rows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from daftar.console.deps import ViewerDep, in_session, router
from daftar.console.render import PREFIX, page, query
from daftar.console.session import Viewer, posted
from daftar.console.views import clean_text, decision_stages, parse_score, team_of
from daftar.core.errors import ErrorDetail, ServiceError
from daftar.domain.decisions import qualification_checklist
from daftar.domain.digits import normalize_digits
from daftar.domain.identity import tracking_code
from daftar.domain.jalali import to_persian_digits
from daftar.domain.redaction import reads_national_id
from daftar.domain.rules import rule_text
from daftar.domain.stages import DECISION_FLOW, DecisionStage
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.services import decisions
from daftar.services import inbox as inbox_service
from daftar.services.listing import ApplicationFilter, InboxQuery, Row, inbox_stages
from daftar.services.schemas import BatchBody, BatchItemResult, BatchResult

routes = router()

PAGE_SIZE = 25
#: The query parameters a filter keeps (and a saved filter stores). `assigned`: only the
#: decisions an admin assigned to the viewer (COR-3); `overdue`: only those past their
#: deadline (or escalated); `sort=due`: the soonest deadline first.
FILTER_KEYS = ("cycle", "province", "city", "q", "assigned", "overdue", "sort")
#: What a checked box sends (a form) or a link says (a query string) for a yes-or-no key.
_YES = ("1", "on", "true")
_FLAGS = ("assigned", "overdue")


def _params(source: Any) -> dict[str, str]:
    """The filter's parameters from a query string or a form, digits made Latin."""
    out: dict[str, str] = {}
    for key in (*FILTER_KEYS, "page"):
        text = clean_text(source.get(key))
        if key in _FLAGS:
            if text is not None and text.lower() in _YES:
                out[key] = "1"
        elif key == "sort":
            if text == "due":
                out[key] = text
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
                       batch_rows: list[Row] | None = None, kept: Typed | None = None,
                       problems: list[str] | None = None,
                       exclude: frozenset[str] = frozenset()) -> Response:
    """The inbox page for `params`, with an error banner or a batch's results if given.

    `kept`: what the batch form carried, shown again; `problems`: why it was not sent;
    `exclude`: applications just decided (the read model may list them a moment longer).
    """
    stages = inbox_stages(who.principal)
    if not stages:
        raise ServiceError(403, "forbidden", "No reviewer role in the token.")
    page_no = _int(params.get("page"), 1) or 1
    flt = ApplicationFilter(cycle=_int(params.get("cycle")), stages=stages,
                            province=params.get("province"), city=params.get("city"),
                            assigned_to=who.sub if params.get("assigned") else None)
    ask = InboxQuery(code=params.get("q"), overdue_only=bool(params.get("overdue")),
                     order=params.get("sort", "waiting"))
    team = team_of(who.principal)
    # A search of ten digits is a national id only for a role that may see national ids;
    # for any other it is a tracking code's last digits (it never says whose id it is).
    by_national_id = reads_national_id(who.principal.roles)
    key = request.app.state.settings.identity_key if by_national_id else None

    def one_page(number: int) -> inbox_service.InboxPage:
        found: inbox_service.InboxPage = in_session(request, lambda s: inbox_service.inbox_page(
            s, flt, team, page=number, size=PAGE_SIZE, ask=ask, exclude=exclude,
            identity_key=key))
        return found

    found = await asyncio.to_thread(one_page, page_no)
    total = found.total
    if not found.rows and total and page_no > 1:  # the page's rows were just decided
        page_no = -(-total // PAGE_SIZE)
        found = await asyncio.to_thread(one_page, page_no)
    deciding = decision_stages(who.principal)
    return page(request, "inbox.html", viewer=who, status=status, title="کارتابل",
                rows=found.rows, total=total, page_no=page_no,
                pages=max(1, -(-total // PAGE_SIZE)), params=params, banner=banner,
                notice=notice, batch=batch, batch_rows=batch_rows or [], saved=found.saved,
                cities=found.cities, problems=problems or [],
                results={r.application_id: r for r in (batch.results if batch else [])},
                grid=[s.value for s in ROW_DECISIONS if s in deciding],
                decides_at={k: v.value for k, v in DECIDES_AT.items()},
                team=team, deciding=deciding, kept=kept or Typed(),
                checklist=[(r, rule_text(r))
                           for r in qualification_checklist(male=True, veteran=False)],
                filter_keys=FILTER_KEYS, by_national_id=by_national_id)


@routes.get("/inbox")
async def inbox(request: Request, who: ViewerDep,
                done: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    """The inbox, with the notice of what was just done."""
    notices = {"claimed": "پرونده برداشته شد.", "released": "پرونده رها شد.",
               "saved": "فیلتر ذخیره شد.", "deleted": "فیلتر حذف شد.",
               "none_left": "پرونده‌ای در این مرحله منتظر شما نمانده است."}
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


#: Each decision's waiting stage (`Row.stage`) to the decision taken there.
DECIDES_AT: dict[str, DecisionStage] = {
    at.value: stage for stage, (at, _, _, _) in DECISION_FLOW.items()}
#: The decisions a row of the inbox takes on its own (the qualification keeps its checklist).
ROW_DECISIONS = (DecisionStage.interview, DecisionStage.security)
_OUTCOMES = ("pass", "fail")
#: A row's own fields, each sent as `<field>.<application id>`: a refusal naming the field
#: names that row's (so the page marks the row's own input, under the field's Persian label).
ROW_FIELDS = ("outcome", "score", "reason", "stage")
#: The most decisions of one stage one form sends (BatchBody's limit).
BATCH_LIMIT = 500


@dataclass
class Typed:
    """Everything a batch form carried, given back as it was when the page is shown again."""

    ids: list[str] = field(default_factory=list)
    stage: str | None = None
    outcome: str | None = None
    score: str | None = None
    reason: str | None = None
    checks: set[str] = field(default_factory=set)
    #: Each row's own fields by application id: `outcome`, `score`, `reason`, `stage`.
    rows: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class FormProblem(Exception):
    """A batch form that cannot be sent: each problem names its field in Persian."""

    problems: list[str]


def _typed(form: FormData) -> Typed:
    """The batch form's fields as they were typed (nothing judged yet)."""
    typed = Typed(
        ids=list(dict.fromkeys(i for i in form.getlist("ids")
                               if isinstance(i, str) and 0 < len(i) <= 32)),
        stage=clean_text(form.get("stage"), 32), outcome=clean_text(form.get("outcome"), 8),
        score=clean_text(form.get("score"), 20), reason=clean_text(form.get("reason"), 4000),
        checks={c for c in form.getlist("checks") if isinstance(c, str)})
    for key, value in form.multi_items():
        name, _, app_id = key.partition(".")
        if name in ROW_FIELDS and app_id and len(app_id) <= 32:
            text = clean_text(value, 4000 if name == "reason" else 32)
            if text is not None:
                typed.rows.setdefault(app_id, {})[name] = text
    return typed


def _code(app_id: str) -> str:
    """An application's tracking code in Persian digits, as a row shows it."""
    try:
        return to_persian_digits(tracking_code(app_id))
    except ValueError:
        return app_id


def _score(text: str | None, field_name: str, problems: list[str]) -> Decimal | None:
    try:
        return parse_score(text)
    except ValueError:
        problems.append(f"{field_name}: «{text}» عدد نیست؛ نمره را با رقم بنویسید (INT-1).")
        return None


def _planned(typed: Typed, decide: str | None) -> dict[DecisionStage, list[dict[str, Any]]]:
    """The decisions the form asks for, by stage.

    FormProblem when it asks for none or is not complete. A row's own outcome decides it with
    its own fields; a ticked row without one takes the batch's outcome, score and reason.
    """
    problems: list[str] = []
    plan: dict[DecisionStage, list[dict[str, Any]]] = {}

    def own(app_id: str, outcome: str) -> None:
        fields = typed.rows.get(app_id, {})
        stage = DECIDES_AT.get(fields.get("stage", ""))
        if stage is None or stage not in ROW_DECISIONS:
            problems.append("این پرونده در ردیف خود تصمیم نمی‌گیرد؛ از تصمیم گروهی استفاده کنید.")
            return
        score = _score(fields.get("score"), f"نمرهٔ پرونده {_code(app_id)}", problems)
        plan.setdefault(stage, []).append({"application_id": app_id, "outcome": outcome,
                                           "score": score, "reason": fields.get("reason"),
                                           "own": True})

    if decide:
        app_id, _, outcome = decide.partition(":")
        if outcome not in _OUTCOMES or not app_id:
            raise FormProblem(["دکمهٔ تصمیم این ردیف نامعتبر است."])
        own(app_id, outcome)
        if problems:
            raise FormProblem(problems)
        return plan
    chosen = [i for i, f in typed.rows.items() if f.get("outcome") in _OUTCOMES]
    for app_id in chosen:
        own(app_id, typed.rows[app_id]["outcome"])
    rest = [i for i in typed.ids if i not in chosen]
    if rest:
        if typed.outcome not in _OUTCOMES:
            problems.append("«نتیجه» تصمیم گروهی انتخاب نشده است: برای پرونده‌های علامت‌خورده "
                            "«قبول» یا «رد» را انتخاب کنید.")
        try:
            stage = DecisionStage(typed.stage or "")
        except ValueError:
            problems.append("«مرحله» تصمیم گروهی انتخاب نشده است.")
            stage = None
        score = _score(typed.score, "«نمرهٔ مصاحبه» تصمیم گروهی", problems)
        if stage is not None and typed.outcome in _OUTCOMES:
            plan.setdefault(stage, []).extend(
                {"application_id": i, "outcome": typed.outcome, "score": score,
                 "reason": typed.reason, "checks": None} for i in rest)
    if any(len(items) > BATCH_LIMIT for items in plan.values()):
        problems.append(f"در هر بار حداکثر {to_persian_digits(str(BATCH_LIMIT))} پرونده را "
                        "می‌توان تصمیم گرفت؛ «پرونده‌های برگزیده» را کمتر کنید.")
    if not chosen and not rest:
        problems.append("هیچ پرونده‌ای انتخاب نشده است: پرونده‌ها را علامت بزنید یا برای "
                        "ردیفی «نتیجه» را انتخاب کنید.")
    if problems:
        raise FormProblem(problems)
    return plan


async def _send_plan(request: Request, who: Viewer,
                     plan: dict[DecisionStage, list[dict[str, Any]]],
                     checked: set[str]) -> BatchResult:
    """Each stage's decisions as one batch through `decisions.decide_batch`.

    The workflow judges each; a batch refused as a whole refuses each of its rows with its
    reason.
    """
    applicants: Applicants = request.app.state.applicants
    results: list[BatchItemResult] = []
    own = {i["application_id"] for items in plan.values() for i in items if i.pop("own", False)}
    for stage, items in plan.items():
        if stage is DecisionStage.qualification:
            ids = [i["application_id"] for i in items]
            checks = await inbox_service.checklists(applicants, ids, checked)
            for i in items:
                i["checks"] = checks[i["application_id"]]
        try:
            body = BatchBody.model_validate({"stage": stage, "items": items})
            done = await decisions.decide_batch(applicants, who.principal, body)
        except ValidationError as err:
            error = ErrorDetail(code="invalid_request", message="The batch form is malformed.",
                                rules=[Violation(rule="REQUEST",
                                                 field=".".join(str(p) for p in e["loc"]),
                                                 message=e["msg"]) for e in err.errors()[:20]])
            results.extend(BatchItemResult(application_id=i["application_id"],
                                           status="refused", error=error) for i in items)
            continue
        except ServiceError as err:
            error = ErrorDetail(code=err.code, message=err.message, rules=err.rules)
            results.extend(BatchItemResult(application_id=i["application_id"],
                                           status="refused", error=error) for i in items)
            continue
        results.extend(done.results)
    results = [_on_row(r) if r.application_id in own else r for r in results]
    applied = sum(r.status == "applied" for r in results)
    return BatchResult(results=results, applied=applied, refused=len(results) - applied)


def _on_row(result: BatchItemResult) -> BatchItemResult:
    """A row's own decision's result: a refusal's fields named as the row's own inputs."""
    if result.error is None:
        return result
    rules = [v.model_copy(update={"field": f"{v.field}.{result.application_id}"})
             if v.field in ROW_FIELDS else v for v in result.error.rules]
    return result.model_copy(update={"error": result.error.model_copy(update={"rules": rules})})


@routes.post("/inbox/batch")
async def batch(request: Request) -> Response:
    """The decisions the grid asks for, each row's result shown beside it.

    A row's own button decides that row; the form's submit decides every row with its own
    outcome and every ticked row with the batch's.

    Each row's result is shown beside it; what was typed is kept, and only the rows decided
    leave the list.
    """
    who, form = await posted(request)
    params = _params(form)
    typed = _typed(form)
    decide = clean_text(form.get("decide"), 48)
    try:
        plan = _planned(typed, decide)
    except FormProblem as problem:
        return await render_inbox(request, who, params, status=422, kept=typed,
                                  problems=problem.problems)
    result = await _send_plan(request, who, plan, typed.checks)
    applied = frozenset(r.application_id for r in result.results if r.status == "applied")
    typed.ids = [i for i in typed.ids if i not in applied]
    for app_id in applied:
        typed.rows.pop(app_id, None)
    rows = await asyncio.to_thread(in_session, request,
                                   lambda s: inbox_service.batch_rows(s, result))
    return await render_inbox(request, who, params, batch=result, batch_rows=rows, kept=typed,
                              exclude=applied)


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
