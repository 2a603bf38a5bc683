"""One application: its record, documents, photo, seat and the form of the decision it awaits.

The decision form sits in a panel beside the facts it needs, each QUAL-1 checklist item with
the applicant's own values; «ثبت و پروندهٔ بعدی» records the decision and opens the next case
waiting at the same stage. A case a colleague holds is read-only until their claim expires.
Admins also find the corrections panel there (COR-1, COR-2, COR-3).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from daftar.console import labels
from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import PREFIX, page, temporal_url
from daftar.console.session import Viewer, posted
from daftar.console.views import (
    clean_text,
    corrections_of,
    decision_stages,
    parse_score,
    score_text,
)
from daftar.contracts.state import ApplicationState, ExamSeat
from daftar.core.errors import ServiceError
from daftar.domain.decisions import checklist_notes, qualification_checklist
from daftar.domain.eligibility import MAX_AGE, MIN_AGE, MIN_EXPERIENCE_YEARS, age_on
from daftar.domain.jalali import JalaliDate, day_start_utc, parse_jalali
from daftar.domain.places import city_label
from daftar.domain.refusals import RefusalKind
from daftar.domain.registration import Gender
from daftar.domain.rules import rule_text
from daftar.domain.stages import DECISION_FLOW, STAFF_ROLES, DecisionStage, Role
from daftar.domain.transitions.licensing import REQUESTED_AT
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.pages.render import fa
from daftar.services import decisions, documents, exam_sessions
from daftar.services.case_facts import next_waiting, reference_day
from daftar.services.documents import DocumentRequestBody, DocumentView, documents_of
from daftar.services.photos import photo_bytes
from daftar.services.schemas import DecisionBody
from daftar.services.views import application_view

routes = router()

#: Refusals that mean the decision is in already: the page shows it instead of the form.
_ALREADY = (RefusalKind.duplicate, RefusalKind.already_applied)
_DONE = {"decided": "تصمیم ثبت شد.",
         "decided_next": "تصمیم پروندهٔ پیشین ثبت شد؛ این پروندهٔ بعدی همان مرحله است.",
         "claimed": "پرونده برداشته شد.",
         "released": "پرونده رها شد.",
         "reopened": "تصمیم بازگشایی شد و پرونده به کارتابل همان مرحله بازگشت (COR-1).",
         "proposed": "پیشنهاد اعادهٔ پرونده ثبت شد؛ مدیر دیگری باید آن را تأیید کند (COR-2).",
         "reinstated": "اعادهٔ پرونده تأیید شد و پرونده به مرحله‌ای که در آن بود بازگشت "
                       "(COR-2).",
         "assigned": "تصمیم به بررسی‌کننده واگذار شد (COR-3).",
         "requested": "درخواست مدرک برای متقاضی فرستاده شد؛ پرونده تا بارگذاری آن در انتظار "
                      "متقاضی است (DOC-2)."}


def _url(app_id: str, done: str | None = None) -> str:
    return f"{PREFIX}/applications/{app_id}" + (f"?done={done}" if done else "")


def cards_open(seat: ExamSeat | None, now: datetime | None = None) -> bool:
    """Whether the seat's admission card may be printed: from its card date on (EXAM-5)."""
    if seat is None:
        return False
    return (now or datetime.now(UTC)) >= day_start_utc(parse_jalali(seat.card_date))


def correction_refusal(err: ServiceError) -> tuple[str, list[tuple[Violation, str | None]]]:
    """A refused correction's Persian headline, and each of its rules with what it asks."""
    first = err.rules[0].rule if err.rules else ""
    headline = (labels.CORRECTION_REFUSALS.get(f"{err.code}:{first}")
                or labels.CORRECTION_REFUSALS.get(err.code)
                or labels.REFUSALS.get(err.code, labels.REFUSAL_FALLBACK))
    notes = []
    for v in err.rules:
        root = (v.field or "").split(".")[0]
        notes.append((v, labels.CORRECTION_NOTES.get(f"{err.code}:{v.rule}")
                      or labels.CORRECTION_NOTES.get(f"{v.rule}:{root}")))
    return headline, notes


def held_by_colleague(state: ApplicationState, who: Viewer,
                      now: datetime | None = None) -> bool:
    """Whether a colleague's live claim holds the waiting decision: read-only for the viewer."""
    claim = state.claim
    return (claim is not None and claim.actor != who.sub
            and claim.expires_at > (now or datetime.now(UTC)))


def _day(text: str | None) -> str:
    """A declared Jalali day in Persian digits, as written when it does not parse."""
    if not text:
        return "—"
    try:
        return fa(str(parse_jalali(text)))
    except ValueError:
        return fa(text)


def checklist_facts(state: ApplicationState,
                    ref: JalaliDate | None) -> dict[str, list[tuple[str, str]]]:
    """QUAL-1: beside each checklist item, what the applicant declared for it (Persian).

    AGE-1 and AGE-2 count on `ref`, the cycle's reference day (CYC-1). GEN-4, GEN-6 and
    GEN-7 have nothing declared: only their documents prove them (DOC-1).
    """
    form = state.form

    def value(v: object) -> str:
        return labels.label(labels.VALUES, v)

    degree = form.degree
    studied = value(degree.level) + (f" — {value(degree.field)}" if degree.field else "")
    served = form.military_service_end_date
    photo = state.photo
    facts: dict[str, list[tuple[str, str]]] = {
        "REG-4": [("عکس", f"{fa(photo.width)}×{fa(photo.height)} پیکسل، {fa(photo.size)} بایت"
                   if photo else "بارگذاری نشده")],
        "GEN-1": [("تابعیت", value(form.citizenship))],
        "GEN-2": [("مدرک و رشته", studied), ("تاریخ فراغت از تحصیل", _day(degree.graduation_date))],
        "GEN-3": [("نظام وظیفه", value(form.military_service) if form.military_service
                   else "اعلام نشده"),
                  *([("پایان خدمت", _day(served))] if served else [])],
        "GEN-5": [("گواهی مهارت رایانه", "دارد" if form.computer_certificate else "ندارد")],
        "EXP-1": [("سابقهٔ کار", f"{fa(form.experience_years)} سال (کمینه برای "
                   f"{value(degree.level)}: {fa(MIN_EXPERIENCE_YEARS[degree.level])} سال)")],
    }
    age = [("تاریخ تولد", _day(form.birth_date))]
    if ref is not None:
        try:
            years = age_on(parse_jalali(form.birth_date), ref)
        except ValueError:
            pass
        else:
            age.append(("سن در روز مبنا", f"{fa(years)} سال در {fa(str(ref))} "
                                          f"(مجاز {fa(MIN_AGE)} تا {fa(MAX_AGE)} سال)"))
    facts["AGE-1"] = age
    facts["AGE-2"] = [("تاریخ فراغت از تحصیل", _day(degree.graduation_date)),
                      *([("پایان خدمت", _day(served))] if served else []),
                      *([("روز مبنا", fa(str(ref)))] if ref is not None else [])]
    return facts


async def render_application(request: Request, who: Viewer, app_id: str, *,
                             state: ApplicationState | None = None, status: int = 200,
                             error: ServiceError | None = None, kept: dict[str, Any] | None = None,
                             notice: str | None = None, already: bool = False,
                             correction: str | None = None,
                             correction_kept: Mapping[str, Any] | None = None) -> Response:
    """The application page.

    `error` and `kept` put a refusal and the user's input in the decision form; with
    `correction` (`reopen`, `reinstate` or `assign`) they go in that correction's form instead.
    """
    applicants: Applicants = request.app.state.applicants
    state = state or await applicants.state(app_id)
    view = application_view(state, who.principal)
    at_stage = [s for s in decision_stages(who.principal)
                if DECISION_FLOW[s][0] == state.stage]
    decided = {d.stage for d in view.decisions}
    male = state.form.gender == Gender.MALE
    notes = checklist_notes(state.flags)
    claim = state.claim
    held = held_by_colleague(state, who)
    forms = [] if held else [s for s in at_stage if s.value not in decided]
    ref = None
    if DecisionStage.qualification in forms:
        ref = await asyncio.to_thread(in_session, request,
                                      lambda session: reference_day(session, state.cycle))
    office = state.office
    headline, refused = correction_refusal(error) if correction and error else ("", [])
    papers = documents_of(state)
    # QUAL-1: beside each checklist item, the documents that prove it (DOC-1).
    proving: dict[str, list[DocumentView]] = {}
    for d in papers.documents:
        for rule in d.rules:
            proving.setdefault(rule, []).append(d)
    return page(
        request, "application.html", viewer=who, status=status,
        title=f"پرونده {state.tracking_code}", app=view, state=state, claim=claim,
        forms=forms, held=held,
        error=None if correction else error, kept=kept or {},
        notice=notice, already=already, decided=decided,
        corrections=corrections_of(state, who.principal), correction=correction,
        correction_error=error if correction else None, correction_headline=headline,
        correction_notes=refused, correction_kept=correction_kept or {},
        cards_open=cards_open(state.seat),
        checklist=[(r, rule_text(r), notes.get(r))
                   for r in qualification_checklist(male=male, veteran=state.veteran)],
        facts=(checklist_facts(state, ref) if DecisionStage.qualification in forms
               else {}),
        office_city=city_label(office.city, office.province) if office else None,
        score=score_text,
        papers=papers.documents, proving=proving,
        may_read_documents=who.principal.has(*documents.READERS),
        may_request=not held and any(r in who.principal.roles and state.stage == at
                                     for r, at in REQUESTED_AT.items()),
        may_claim=bool(at_stage) or (claim is not None and who.principal.has(Role.admin)),
        reads_history=who.principal.has(Role.auditor, Role.admin),
        temporal=temporal_url(request.app.state.settings, app_id))


@routes.get("/applications/{app_id}")
async def application(request: Request, app_id: str, who: ViewerDep,
                      done: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    """The application's page, with the notice of what was just done."""
    return await render_application(request, who, app_id, notice=_DONE.get(done or ""))


#: The submit button that marks every QUAL-1 item verified (the page's script ticks the boxes
#: instead, so single items can still be unticked).
VERIFY_ALL = "verify_all"
#: The submit button that records the decision, then opens the next case of the same stage.
THEN_NEXT = "next"


def _ticked(form: FormData) -> set[str]:
    """The QUAL-1 items the form marks verified: every listed one with «همهٔ موارد تأیید شد»."""
    if VERIFY_ALL in form:
        return {c for c in form.getlist("items") if isinstance(c, str)}
    return {c for c in form.getlist("checks") if isinstance(c, str)}


def _decision_body(form: FormData) -> DecisionBody:
    stage = form.get("stage")
    try:
        score = parse_score(clean_text(form.get("score"), 20))
    except ValueError as err:
        raise ServiceError(422, "invalid_request", "The score is not a number.",
                       [Violation(rule="INT-1", field="score",
                                  message=f"Not a number: {err}.")]) from err
    checks: dict[str, bool] | None = None
    if stage == DecisionStage.qualification.value:
        listed = [c for c in form.getlist("items") if isinstance(c, str)]
        verified = _ticked(form)
        checks = {r: r in verified for r in listed}
    try:
        return DecisionBody.model_validate({
            "stage": stage, "outcome": form.get("outcome"), "score": score,
            "reason": clean_text(form.get("reason"), 4000), "checks": checks})
    except ValidationError as err:
        rule = (DECISION_FLOW[DecisionStage(stage)][3] if isinstance(stage, str)
                and stage in DecisionStage._value2member_map_ else "REQUEST")
        raise ServiceError(422, "invalid_request", "The decision form is incomplete.", [
            Violation(rule=rule, field=".".join(str(p) for p in e["loc"]) or None,
                      message=e["msg"]) for e in err.errors()]) from err


@routes.post("/applications/{app_id}/decision")
async def decide(request: Request, app_id: str) -> Response:
    """Send the decision through the shared action; a refusal comes back into the form.

    With «ثبت و پروندهٔ بعدی» the next case waiting at the same stage opens (the inbox, with a
    notice, when none is left). «همهٔ موارد تأیید شد» without a chosen outcome only ticks
    every checklist item (a browser without the page's script).
    """
    who, form = await posted(request)
    kept = {"outcome": form.get("outcome"), "score": form.get("score"),
            "reason": form.get("reason"), "stage": form.get("stage"),
            "checks": _ticked(form)}
    if VERIFY_ALL in form and not form.get("outcome"):
        return await render_application(
            request, who, app_id, kept=kept,
            notice="همهٔ موارد فهرست بررسی علامت خورد؛ نتیجه را برگزینید و تصمیم را ثبت کنید.")
    applicants: Applicants = request.app.state.applicants
    try:
        state = await decisions.decide(applicants, who.principal, app_id,
                                       _decision_body(form))
    except ServiceError as err:
        if err.code in _ALREADY:
            return await render_application(request, who, app_id, status=err.status,
                                            error=err, already=True)
        if err.code == "not_found":
            raise
        return await render_application(request, who, app_id, status=err.status, error=err,
                                        kept=kept)
    if form.get("then") != THEN_NEXT:
        return RedirectResponse(_url(app_id, "decided"), status_code=303)
    following = await _next_case(request, who, state, DecisionStage(str(form.get("stage"))))
    if following is None:
        return RedirectResponse(f"{PREFIX}/inbox?done=none_left", status_code=303)
    return RedirectResponse(_url(following, "decided_next"), status_code=303)


async def _next_case(request: Request, who: Viewer, decided: ApplicationState,
                     stage: DecisionStage) -> str | None:
    """The next case for the viewer: the oldest of the same cycle waiting for `stage`.

    Listed by the read model, confirmed by its workflow (the list may lag).
    """
    waiting_at = DECISION_FLOW[stage][0]
    listed: list[str] = await asyncio.to_thread(in_session, request, lambda session: next_waiting(
        session, stage=waiting_at.value, cycle=decided.cycle, viewer=who.sub,
        skip=decided.application_id))
    applicants: Applicants = request.app.state.applicants
    for app_id in listed:
        try:
            state = await applicants.state(app_id)
        except ServiceError:
            continue
        if state.stage == waiting_at and not held_by_colleague(state, who):
            return app_id
    return None


@routes.post("/applications/{app_id}/document-request")
async def request_document(request: Request, app_id: str) -> Response:
    """DOC-2: ask the applicant for a document; a refusal comes back into the form."""
    who, form = await posted(request)
    kept = {"kind": form.get("kind"), "reason": form.get("reason"), "days": form.get("days")}
    try:
        body = DocumentRequestBody.model_validate({
            "kind": form.get("kind"), "reason": clean_text(form.get("reason"), 2000),
            "days": clean_text(form.get("days"), 3) or 10})
    except ValidationError as err:
        error = ServiceError(422, "invalid_request", "The request form is incomplete.", [
            Violation(rule="DOC-2", field=".".join(str(p) for p in e["loc"]) or None,
                      message=e["msg"]) for e in err.errors()])
        return await render_application(request, who, app_id, status=422, error=error,
                                        correction="request", correction_kept=kept)
    try:
        await documents.request_document(request.app.state.applicants, who.principal, app_id,
                                         body)
    except ServiceError as err:
        if err.code == "not_found":
            raise
        return await render_application(request, who, app_id, status=err.status, error=err,
                                        correction="request", correction_kept=kept)
    return RedirectResponse(_url(app_id, "requested"), status_code=303)


@routes.post("/applications/{app_id}/claim")
async def claim(request: Request, app_id: str) -> Response:
    """Claim the waiting decision."""
    who, _ = await posted(request)
    return await _claim_or_release(request, who, app_id, release=False)


@routes.post("/applications/{app_id}/release")
async def release(request: Request, app_id: str) -> Response:
    """Release the claim on the waiting decision."""
    who, _ = await posted(request)
    return await _claim_or_release(request, who, app_id, release=True)


async def _claim_or_release(request: Request, who: Viewer, app_id: str, *,
                            release: bool) -> Response:
    applicants: Applicants = request.app.state.applicants
    try:
        if release:
            await decisions.release(applicants, who.principal, app_id)
        else:
            await decisions.claim(applicants, who.principal, app_id)
    except ServiceError as err:
        if err.code == "not_found":
            raise
        return await render_application(request, who, app_id, status=err.status,
                                        error=err)
    return RedirectResponse(_url(app_id, "released" if release else "claimed"),
                            status_code=303)


@routes.get("/applications/{app_id}/photo")
async def photo(request: Request, app_id: str, who: ViewerDep,
                sha: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """The applicant's photo (REG-4) from the object store, for staff only.

    Never cached by a shared cache.
    """
    need(who, *STAFF_ROLES)
    objects = request.app.state.objects
    content = await asyncio.to_thread(in_session, request,
                                      lambda s: photo_bytes(s, objects, app_id, sha))
    return Response(content, media_type="image/jpeg", headers={
        "Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"})


@routes.get("/applications/{app_id}/documents/{kind}")
async def document(request: Request, app_id: str, kind: str, who: ViewerDep) -> Response:
    """A document the applicant uploaded (DOC-1), for the reviewers who read documents.

    Served inline (a PDF or a JPEG, as read from its bytes), never cached by a shared cache.
    """
    data, content_type = await documents.document_content(
        request.app.state.applicants, request.app.state.objects, who.principal, app_id, kind)
    return Response(data, media_type=content_type, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{kind}"'})


@routes.get("/applications/{app_id}/admission-card")
async def admission_card(request: Request, app_id: str, who: ViewerDep) -> Response:
    """The candidate's admission card (EXAM-5) as a PDF, for staff, from the card date on."""
    need(who, *STAFF_ROLES)
    pdf = await exam_sessions.admission_card(request.app.state.applicants,
                                             request.app.state.sessions,
                                             request.app.state.objects, who.principal, app_id)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="admission-card-{app_id}.pdf"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
