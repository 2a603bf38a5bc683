"""The licensing cycles: window, SLAs, cities, amendments, exam venues; the admin amends one.

Every staff member reads the cycles, their exam session and each venue's attendance sheet
(EXAM-5); only the admin sees the amendment form (CYC-1) and may send it.
The form leaves a setting unchanged when its field is empty, and sends only what differs from
the cycle as stored; the amendment itself is the shared service's (`daftar.services.amendments`),
so a refusal here is the one the JSON API gives, with its rule id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData

from daftar.console import labels
from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import PREFIX, fa, page
from daftar.console.session import CSRF_FIELD, Viewer, posted
from daftar.console.views import clean_text
from daftar.core.errors import ServiceError
from daftar.domain.digits import normalize_digits
from daftar.domain.jalali import parse_jalali
from daftar.domain.places import city_choices, city_label, province_label
from daftar.domain.stages import DEFAULT_SLA_DAYS, STAFF_ROLES, Role
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Cycles
from daftar.services import amendments as amendment_service
from daftar.services import cycles as cycle_service
from daftar.services import exam_sessions
from daftar.services.errors import invalid_request
from daftar.services.schemas_cycle import CityAmend, CycleAmend, CycleConfig, CycleView
from daftar.services.schemas_exam import ExamSessionView

routes = router()

PAGE_SIZE = 25
#: The most cities one form carries back (the API's limit of an amendment's cities).
MAX_CITIES = 1000
CycleYear = Annotated[int, Path(ge=1, le=9999)]
#: A venue's id (`<province code>-<number>`, daftar.services.exam_sessions).
VenueId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]
_DONE = {"amended": "اصلاح دوره ثبت شد."}
#: The form's field for the number of amendments the admin's view of the cycle included.
BASE_FIELD = "amendments"


def sla_order(keys: Sequence[str]) -> list[str]:
    """SLA stages in the order of the path, any other after them."""
    known = list(DEFAULT_SLA_DAYS)
    return sorted(keys, key=lambda k: (known.index(k) if k in known else len(known), k))


def total_of(view: CycleView) -> int:
    """The cycle's applications, every stage together."""
    return sum(view.counts.values())


@dataclass(frozen=True)
class CycleRow:
    """One cycle in the list of cycles."""

    year: int
    phase: str
    start: str
    end: str
    total: int
    amendments: int


@dataclass(frozen=True)
class Change:
    """One setting an amendment changed, in Persian: its name, its value before and after."""

    setting: str
    before: str
    after: str


@dataclass(frozen=True)
class Amendment:
    """One recorded amendment (CYC-1): its number, author, time and changes."""

    number: int
    actor: str
    at: datetime
    changes: list[Change]


@dataclass(frozen=True)
class CityRow:
    """A city of the cycle: capacity, priority and neighbours (LAUNCH-1)."""

    index: int
    province: str
    city: str
    capacity: int
    priority: int
    neighbours: str


def _amount(value: Any, unit: str) -> str:
    return "—" if value is None else f"{fa(value)} {unit}"


def _place(city: Mapping[str, Any]) -> str:
    """`city (province)`, both by their Persian names (the reference data's)."""
    return (f"{city_label(str(city.get('city', '')))} "
            f"({province_label(str(city.get('province', '')))})")


def _neighbours(neighbours: Any) -> str:
    if not isinstance(neighbours, list) or not neighbours:
        return "—"
    return "، ".join(_place(n) for n in neighbours if isinstance(n, Mapping))


def _plain(value: Any) -> str:
    return "—" if value is None or value == "" else fa(value)


def _city_changes(before: Sequence[Any], after: Sequence[Any]) -> list[Change]:
    """The changes of the amended cities; `before[i]` is None for a city the amendment adds."""
    out: list[Change] = []
    for i, new in enumerate(after):
        if not isinstance(new, Mapping):
            continue
        old = before[i] if i < len(before) else None
        place = _place(new)
        if not isinstance(old, Mapping):
            out.append(Change(
                f"{labels.SETTINGS['city_added']}: {place}", "—",
                f"{labels.SETTINGS['capacity']} {fa(new.get('capacity'))}، "
                f"{labels.SETTINGS['priority']} {fa(new.get('priority'))}، "
                f"{labels.SETTINGS['neighbours']}: {_neighbours(new.get('neighbours'))}"))
            continue
        for key in ("capacity", "priority"):
            if old.get(key) != new.get(key):
                out.append(Change(f"{labels.SETTINGS[key]} {place}", _plain(old.get(key)),
                                  _plain(new.get(key))))
        if old.get("neighbours") != new.get("neighbours"):
            out.append(Change(f"{labels.SETTINGS['neighbours']} {place}",
                              _neighbours(old.get("neighbours")),
                              _neighbours(new.get("neighbours"))))
    return out


def changes_of(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """An amendment's before and after (as its workflow recorded them) as Persian changes.

    Only what differs is listed: the SLA stages that moved, the cities' settings that changed.
    """
    out: list[Change] = []
    for key, new in after.items():
        old = before.get(key)
        if key == "sla_days" and isinstance(new, Mapping):
            was: Mapping[str, Any] = old if isinstance(old, Mapping) else {}
            for stage in sla_order(list({**was, **new})):
                if was.get(stage) != new.get(stage):
                    out.append(Change(
                        f"{labels.SETTINGS['sla_days']} {labels.label(labels.SLA_STAGES, stage)}",
                        _amount(was.get(stage), "روز"), _amount(new.get(stage), "روز")))
        elif key == "claim_hours":
            out.append(Change(labels.SETTINGS[key], _amount(old, "ساعت"),
                              _amount(new, "ساعت")))
        elif key == "cities" and isinstance(new, list):
            out += _city_changes(old if isinstance(old, list) else [], new)
        else:
            out.append(Change(labels.label(labels.SETTINGS, key), _plain(old), _plain(new)))
    return out


def notes_of(err: ServiceError) -> list[tuple[Violation, str | None]]:
    """Each violation of a refused amendment with what it asks, in Persian (if known)."""
    out: list[tuple[Violation, str | None]] = []
    for v in err.rules:
        root = (v.field or "").split(".")[0]
        note = (labels.AMENDMENT_NOTES.get(f"{err.code}:{v.rule}:{root}")
                or labels.AMENDMENT_NOTES.get(f"{v.rule}:{root}"))
        out.append((v, note))
    return out


def _sessions(request: Request) -> Callable[[], Session]:
    factory: Callable[[], Session] = request.app.state.sessions
    return factory


def _cycles(request: Request) -> Cycles:
    gateway: Cycles = request.app.state.cycles
    return gateway


async def _view(request: Request, year: int) -> CycleView:
    """The cycle as stored (ServiceError 404 for an unknown year)."""
    view: CycleView = await asyncio.to_thread(
        in_session, request, lambda s: cycle_service.cycle_view(s, year))
    return view


async def _exam_session(request: Request, year: int,
                        venue: str | None = None) -> ExamSessionView:
    """The cycle's exam session, with `venue`'s attendance sheet if named (EXAM-5).

    Raises:
        ServiceError: 404 for an unknown cycle, no session set, or an unknown venue.
    """
    view: ExamSessionView = await asyncio.to_thread(
        exam_sessions.exam_session_view, _sessions(request), year, venue)
    return view


@routes.get("/cycles")
async def cycles(request: Request, who: ViewerDep,
                 page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1) -> Response:
    """Every cycle, the latest first: its phase, window, applications and amendments."""
    need(who, *STAFF_ROLES)
    found = await asyncio.to_thread(in_session, request, lambda s: cycle_service.list_cycles(
        s, page=page_no, size=PAGE_SIZE))
    rows = [CycleRow(year=c.year, phase=labels.label(labels.PHASES, c.phase),
                     start=str(c.config.get("registration_start", "")),
                     end=str(c.config.get("registration_end", "")), total=total_of(c),
                     amendments=c.amendments) for c in found.items]
    return page(request, "cycles.html", viewer=who, title="دوره‌ها", rows=rows,
                total=found.total, page_no=page_no,
                pages=max(1, -(-found.total // PAGE_SIZE)))


async def render_cycle(request: Request, who: Viewer, year: int, *, status: int = 200,
                       error: ServiceError | None = None, kept: Mapping[str, str] | None = None,
                       notice: str | None = None) -> Response:
    """The cycle's page.

    `error` and `kept` put a refused amendment and the admin's input in the form.
    """
    view = await _view(request, year)
    config = CycleConfig.model_validate(view.config)
    history: list[Amendment] = []
    history_error: ServiceError | None = None
    try:
        recorded = await amendment_service.amendments(_cycles(request), _sessions(request),
                                                      year)
    except ServiceError as err:  # the cycle's workflow cannot answer now: the rest still shows
        history_error = err
    else:
        history = [Amendment(number=a.number, actor=a.actor, at=a.at.at,
                             changes=changes_of(a.before, a.after))
                   for a in reversed(recorded.items)]
    exam: ExamSessionView | None = None
    exam_error: ServiceError | None = None
    try:
        exam = await _exam_session(request, year)
    except ServiceError as err:
        if err.code != "not_found":  # not_found: no session set yet, which the page says
            exam_error = err
    cities = [CityRow(index=i, province=c.province, city=c.city, capacity=c.capacity,
                      priority=c.priority,
                      neighbours=_neighbours([n.model_dump() for n in c.neighbours]))
              for i, c in enumerate(config.cities)]
    sla = [(stage, labels.label(labels.SLA_STAGES, stage), config.sla_days[stage])
           for stage in sla_order(list(config.sla_days))]
    headline = None
    if error is not None:
        headline = labels.AMENDMENT_REFUSALS.get(error.code) or labels.REFUSALS.get(
            error.code, labels.REFUSAL_FALLBACK)
    return page(
        request, "cycle.html", viewer=who, status=status, title=f"دورهٔ {fa(str(year))}",
        cycle=view, config=config, phase=labels.label(labels.PHASES, view.phase),
        total=total_of(view), sla=sla, cities=cities, history=history,
        history_error=history_error, exam=exam, exam_error=exam_error,
        amends=who.principal.has(Role.admin), error=error,
        headline=headline, notes=notes_of(error) if error else [], kept=kept or {},
        notice=notice, settings_labels=labels.SETTINGS, base_field=BASE_FIELD,
        city_name=city_label, city_options=city_choices(c.city for c in config.cities))


@routes.get("/cycles/{year}")
async def cycle(request: Request, year: CycleYear, who: ViewerDep,
                done: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    """The cycle's page, with the notice of what was just done."""
    need(who, *STAFF_ROLES)
    return await render_cycle(request, who, year, notice=_DONE.get(done or ""))


def _text(form: FormData, name: str, limit: int = 40) -> str | None:
    """A field typed in any digits, as Latin digits (None when empty)."""
    text = clean_text(form.get(name), limit)
    return normalize_digits(text) if text is not None else None


def _same_day(text: str, stored: str) -> bool:
    try:
        return str(parse_jalali(text)) == stored
    except ValueError:
        return False  # the service names what is wrong with it (REG-1)


def amendment_body(form: FormData, config: CycleConfig) -> CycleAmend:
    """The amendment the form asks for: each non-empty field that differs from `config`.

    Raises:
        ServiceError: 422 when a field is not what the API would take (its rule and field).
    """
    end = _text(form, "registration_end")
    stored = {(c.province, c.city): c for c in config.cities}
    cities: list[dict[str, Any]] = []
    for i in range(MAX_CITIES):
        province, city = form.get(f"city-{i}-province"), form.get(f"city-{i}-city")
        if not isinstance(province, str) or not isinstance(city, str):
            break
        entered = {key: _text(form, f"city-{i}-{key}", 20) for key in ("capacity", "priority")}
        if any(v is not None for v in entered.values()):
            cities.append({"province": province, "city": city, **entered})
    added = {key: (clean_text(form.get(f"new-{key}"), 100) if key in ("province", "city")
                   else _text(form, f"new-{key}", 20))
             for key in ("province", "city", "capacity", "priority")}
    if any(v is not None for v in added.values()):
        cities.append({k: ("" if v is None and k in ("province", "city") else v)
                       for k, v in added.items()})
    sla = {stage: days for stage in config.sla_days
           if (days := _text(form, f"sla-{stage}", 20)) is not None}
    try:
        entered_body = CycleAmend.model_validate({
            "registration_end": end, "sla_days": sla or None,
            "claim_hours": _text(form, "claim_hours", 20), "cities": cities})
    except ValidationError as err:
        raise invalid_request(err.errors()) from err

    changed_sla = {k: v for k, v in (entered_body.sla_days or {}).items()
                   if v != config.sla_days.get(k)}
    changed_cities = []
    for c in entered_body.cities:
        was = stored.get((c.province, c.city))
        if was is None:
            changed_cities.append(c)
            continue
        capacity = c.capacity if c.capacity != was.capacity else None
        priority = c.priority if c.priority != was.priority else None
        if capacity is not None or priority is not None:
            changed_cities.append(CityAmend(province=c.province, city=c.city,
                                            capacity=capacity, priority=priority))
    return CycleAmend(
        registration_end=(None if end is None or _same_day(end, config.registration_end)
                          else end),
        sla_days=changed_sla or None,
        claim_hours=(entered_body.claim_hours
                     if entered_body.claim_hours not in (None, config.claim_hours) else None),
        cities=changed_cities)


def _check_base(form: FormData, view: CycleView) -> None:
    """Refuse a form made on a view of the cycle that a later amendment has changed (CYC-1)."""
    seen = _text(form, BASE_FIELD, 12)
    if seen is not None and seen.isdigit() and int(seen) != view.amendments:
        raise ServiceError(409, "conflict", "The cycle was amended meanwhile.", [Violation(
            rule="CYC-1", message=(
                f"The cycle was amended meanwhile (it has {view.amendments} amendments, the "
                f"form was made on a view with {seen}); reload it and amend again."))])


@routes.post("/cycles/{year}/amend")
async def amend(request: Request, year: CycleYear) -> Response:
    """Amend the cycle (CYC-1, admin only); a refusal comes back into the form."""
    who, form = await posted(request)
    need(who, Role.admin)
    kept = {key: value for key, value in form.multi_items()
            if isinstance(value, str) and key not in (CSRF_FIELD, BASE_FIELD)}
    try:
        view = await _view(request, year)
        _check_base(form, view)
        body = amendment_body(form, CycleConfig.model_validate(view.config))
        await amendment_service.amend_cycle(_cycles(request), _sessions(request),
                                            who.principal, year, body)
    except ServiceError as err:
        if err.code == "not_found":
            raise
        return await render_cycle(request, who, year, status=err.status, error=err, kept=kept)
    return RedirectResponse(f"{PREFIX}/cycles/{year}?done=amended", status_code=303)


@routes.get("/cycles/{year}/venues/{venue_id}")
async def attendance(request: Request, year: CycleYear, venue_id: VenueId,
                     who: ViewerDep) -> Response:
    """A venue's attendance sheet (EXAM-5): each seat with its candidate, to print."""
    need(who, *STAFF_ROLES)
    exam = await _exam_session(request, year, venue_id)
    venue = next(v for v in exam.venues if v.venue_id == venue_id)
    return page(request, "attendance.html", viewer=who,
                title=f"فهرست حاضران: {venue.name}، دورهٔ {fa(str(year))}", exam=exam,
                venue=venue, rows=exam.attendance or [])
