"""The exam session (EXAM-5): its day and time, venues, seats, and the admission cards.

The exam officer sets the session, before or after registration closes: every paid candidate
is given a venue of their province's centre and a seat, deterministically, never over a
venue's seats; an overfull province is refused with its numbers. A candidate who pays (or is
reinstated to wait for the exam) once a session is set takes the next free seat of their
province when they come to wait; one for whom none is free is counted as unseated, for the
officer to add seats. Until the card date a new setting assigns every seat anew; from it no
seat moves: addresses may change, and venues or seats be added, which seats the unseated.
Each candidate's workflow is sent their seat (its history records it), and from the card
date the applicant downloads the card.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from daftar.contracts.cycle import SeatsIn
from daftar.contracts.state import ApplicationState
from daftar.contracts.workflows import Cycle
from daftar.core.errors import ServiceError, violations_error
from daftar.domain.jalali import day_start_utc, parse_jalali
from daftar.domain.places import Province, find_province, is_centre, normalise_place, province_code
from daftar.domain.redaction import mask
from daftar.domain.seating import ExamCandidate, Venue, assign_seats, seats_fixed
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants, Cycles
from daftar.services.admission_card import AdmissionCard, render_admission_card
from daftar.services.applications import own
from daftar.services.auth import Principal, actor
from daftar.services.cycles import KnownCycle, load_cycle
from daftar.services.objects import ObjectStore
from daftar.services.photos import stored_bytes
from daftar.services.schemas_exam import (
    AttendanceRow,
    ExamSessionBody,
    ExamSessionView,
    VenueIn,
    VenueView,
)
from daftar.services.views import instant
from daftar.store import exam_sessions as store
from daftar.store.db import SessionFactory
from daftar.store.models import ExamSessionRecord, VenueRecord
from daftar.store.photos import latest_photo


def _invalid(violations: list[Violation]) -> ServiceError:
    return violations_error("The exam session breaks the rules.", violations)


def _conflict(message: str, field: str | None = None) -> ServiceError:
    return ServiceError(409, "conflict", message,
                        [Violation(rule="EXAM-5", field=field, message=message)])


def _dates(cycle: KnownCycle, body: ExamSessionBody) -> tuple[str, str]:
    """The exam and card days normalised, after the window and in order (EXAM-5, REG-1)."""
    out: list[Violation] = []
    days = {}
    for name in ("exam_date", "card_date"):
        try:
            days[name] = parse_jalali(getattr(body, name))
        except ValueError as err:
            out.append(Violation(rule="EXAM-5", field=name, message=str(err)))
    if out:
        raise _invalid(out)
    exam, card = days["exam_date"], days["card_date"]
    end = parse_jalali(cycle.config.registration_end)
    if exam <= end:
        out.append(Violation(rule="REG-1", field="exam_date", message=(
            f"The exam ({exam}) must come after registration ({end}).")))
    if card > exam:
        out.append(Violation(rule="EXAM-5", field="card_date", message=(
            f"Cards must open ({card}) on or before the exam day ({exam}).")))
    if out:
        raise _invalid(out)
    return str(exam), str(card)


def _venues(cycle: int, body: list[VenueIn]) -> list[VenueRecord]:
    """Each venue placed in its province's centre, with a stable id (province code, order)."""
    out: list[Violation] = []
    placed: list[tuple[Province, VenueIn]] = []
    for i, v in enumerate(body):
        province = find_province(v.province)
        if province is None:
            out.append(Violation(rule="EXAM-5", field=f"venues.{i}.province", message=(
                f"{v.province} is not one of Iran's 31 provinces.")))
        elif not is_centre(province, v.city):
            out.append(Violation(rule="EXAM-5", field=f"venues.{i}.city", message=(
                f"The exam is held in each province's centre: {province.name_fa}'s is "
                f"{province.centre_fa} ({province.centre_en}), not {v.city}.")))
        else:
            placed.append((province, v))
    keys = [(p.code, normalise_place(v.name)) for p, v in placed]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        out.append(Violation(rule="EXAM-5", field="venues", message=(
            f"Venue {key[1]} is listed twice in province {key[0]}.")))
    if out:
        raise _invalid(out)
    records: list[VenueRecord] = []
    counters: dict[str, int] = {}
    for province, v in sorted(placed, key=lambda pv: (pv[0].code, normalise_place(pv[1].name))):
        counters[province.code] = counters.get(province.code, 0) + 1
        records.append(VenueRecord(
            cycle=cycle, venue_id=f"{province.code}-{counters[province.code]:03d}",
            province_code=province.code, province=province.name_fa, city=province.centre_fa,
            name=v.name, address=v.address, seats=v.seats))
    return records


def _keeping_every_seat(exam: ExamSessionRecord, exam_date: str, card_date: str,
                        start_time: str, old: list[VenueRecord],
                        new: list[VenueRecord]) -> list[VenueRecord] | None:
    """From the card date: the venues to store if the setting moves no seat, else None.

    The day, time and card date stay; every venue stays (matched by province and name) with
    at least its seats and keeps its id; new venues get the next ids of their province.
    """
    if (exam.exam_date, exam.card_date, exam.start_time) != (exam_date, card_date, start_time):
        return None
    by_key = {(v.province_code, normalise_place(v.name)): v for v in old}
    numbers: dict[str, int] = {}
    for v in old:
        code, _, n = v.venue_id.partition("-")
        numbers[code] = max(numbers.get(code, 0), int(n))
    out: list[VenueRecord] = []
    for v in new:
        was = by_key.pop((v.province_code, normalise_place(v.name)), None)
        if was is not None and v.seats < was.seats:
            return None
        if was is None:
            numbers[v.province_code] = numbers.get(v.province_code, 0) + 1
            venue_id = f"{v.province_code}-{numbers[v.province_code]:03d}"
        else:
            venue_id = was.venue_id
        out.append(VenueRecord(cycle=v.cycle, venue_id=venue_id, province_code=v.province_code,
                               province=v.province, city=v.city, name=v.name,
                               address=v.address, seats=v.seats))
    return None if by_key else out


def _province_code(province: str) -> str:
    return province_code(province) or "??"


async def set_exam_session(cycles: Cycles, sessions: SessionFactory, principal: Principal,
                           year: int, body: ExamSessionBody) -> ExamSessionView:
    """Set the cycle's exam session and assign every paid candidate a seat (EXAM-5).

    Raises:
        ServiceError: 404 for an unknown cycle; 422 for dates or venues that break EXAM-5 or
            REG-1; 409 from the card date on for a setting that would move a seat (only
            addresses may change and venues or seats be added), or when a province's
            candidates exceed its venues' seats.
    """
    now = datetime.now(UTC)

    def plan() -> tuple[ExamSessionRecord, bool]:
        with sessions() as session:
            cycle = load_cycle(session, year)
            # No candidate takes a seat while the seats are planned (store.take_seat).
            store.lock_cycle(session, year, shared=False)
            exam_date, card_date = _dates(cycle, body)
            new_venues = _venues(year, body.venues)
            existing = store.exam_session(session, year)
            if existing is not None and seats_fixed(now, existing.card_date):
                kept = _keeping_every_seat(existing, exam_date, card_date, body.start_time,
                                           store.venues(session, year), new_venues)
                if kept is None:
                    raise _conflict(
                        f"Seats are fixed from the card date {existing.card_date} (Tehran "
                        "time): admission cards show them. Keep the dates, the time and "
                        "every venue with at least its seats; addresses may change and "
                        "venues or seats be added.", "venues")
                given = store.add_seats(
                    session, year, existing.version, kept,
                    [(a, t, _province_code(p)) for a, t, p in store.unseated(session, year)])
                return existing, given > 0
            candidates = [ExamCandidate(app_id, code, _province_code(province))
                          for app_id, code, province in store.paid_candidates(session, year)]
            seating = assign_seats(
                [Venue(v.venue_id, v.name, v.province_code, v.seats) for v in new_venues],
                candidates)
            if not seating.ok:
                raise ServiceError(409, "conflict", (
                    "Some candidates cannot be seated: add venues or seats where the "
                    "problems say."), list(seating.problems))
            record = store.replace_seating(
                session, cycle=year, exam_date=exam_date, start_time=body.start_time,
                card_date=card_date, actor=principal.sub, at=now, new_venues=new_venues,
                seats=[(a.application_id, a.tracking_code, a.venue_id, a.seat)
                       for a in seating.assignments])
            return record, True

    record, reseated = await asyncio.to_thread(plan)
    if reseated:
        await cycles.update(year, Cycle.assign_seats,
                            SeatsIn(actor=actor(principal), version=record.version))
    return await asyncio.to_thread(lambda: exam_session_view(sessions, year))


def exam_session_view(sessions: SessionFactory, year: int,
                      venue: str | None = None) -> ExamSessionView:
    """The cycle's exam session with its venues, and `venue`'s attendance sheet if named.

    Raises:
        ServiceError: 404 for an unknown cycle, no session set, or an unknown venue.
    """
    with sessions() as session:
        load_cycle(session, year)
        exam = store.exam_session(session, year)
        if exam is None:
            raise ServiceError(404, "not_found", f"No exam session is set for cycle {year}.")
        counts = store.seat_counts(session, year)
        venues = [VenueView(venue_id=v.venue_id, province_code=v.province_code,
                            province=v.province, city=v.city, name=v.name, address=v.address,
                            seats=v.seats, assigned=counts.get(v.venue_id, 0))
                  for v in store.venues(session, year)]
        sheet = None
        if venue is not None:
            if venue not in {v.venue_id for v in venues}:
                raise ServiceError(404, "not_found", f"No venue {venue} in cycle {year}.")
            sheet = [AttendanceRow(seat=s.seat, tracking_code=s.tracking_code,
                                   application_id=s.application_id)
                     for s in store.attendance(session, year, venue)]
        return ExamSessionView(
            cycle=year, exam_date=exam.exam_date, start_time=exam.start_time,
            card_date=exam.card_date, version=exam.version, set_by=exam.set_by,
            set_at=instant(exam.set_at), seats_fixed=seats_fixed(datetime.now(UTC),
                                                                   exam.card_date),
            candidates=sum(counts.values()), sent=exam.sent, skipped=exam.skipped,
            unseated=dict(Counter(_province_code(p) for _, _, p in store.unseated(session, year))),
            venues=venues, attendance=sheet)


async def admission_card(applicants: Applicants, sessions: SessionFactory, objects: ObjectStore,
                         principal: Principal, app_id: str) -> bytes:
    """The candidate's admission card as a PDF, from the card date on (EXAM-5).

    Raises:
        ServiceError: 403 for another applicant or a role that may not read it; 404 for an
            unknown application; 409 before the card date (naming it) or without a seat; 503
            while the object store (the photo) is down.
    """
    if not principal.has(*STAFF_ROLES, Role.applicant):
        raise ServiceError(403, "forbidden", "Staff or the applicant only.")
    own(principal, app_id)
    state = await applicants.state(app_id)
    seat = state.seat
    if seat is None:
        raise ServiceError(409, "not_ready", "This application has no exam seat yet.", [
            Violation(rule="EXAM-5", message=(
                "Admission cards are for candidates with a seat: the exam officer has not set "
                "the exam session yet, or the venues of your province are full for now."))])
    if datetime.now(UTC) < day_start_utc(parse_jalali(seat.card_date)):
        raise ServiceError(409, "not_ready", f"Admission cards open on {seat.card_date}.", [
            Violation(rule="EXAM-5", message=(
                f"Admission cards can be viewed and printed from {seat.card_date} "
                "(Tehran time)."))])
    return await asyncio.to_thread(_render, sessions, objects, state)


def _render(sessions: SessionFactory, objects: ObjectStore, state: ApplicationState) -> bytes:
    seat = state.seat
    assert seat is not None
    with sessions() as session:
        photo = (latest_photo(session, state.application_id, state.photo.sha256)
                 if state.photo else None)
        current = store.seat_of(session, state.application_id)
    jpeg = stored_bytes(objects, photo) if photo else None
    address = current[1].address if current else seat.address  # an address may be corrected
    form = state.form
    return render_admission_card(AdmissionCard(
        cycle=state.cycle, tracking_code=state.tracking_code, first_name=form.first_name,
        last_name=form.last_name, father_name=form.father_name,
        national_id_masked=mask(state.national_id), photo_jpeg=jpeg,
        venue_name=seat.venue_name, venue_address=address, province=seat.province,
        city=seat.city, seat=seat.seat, exam_date=seat.exam_date,
        start_time=seat.start_time))
