"""EXAM-5 over HTTP: the exam session's venues and seats, attendance sheets, admission cards."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from daftar.domain import jalali
from daftar.domain.digits import normalize_digits
from daftar.domain.stages import Role
from daftar.store.models import CycleRecord
from tests.api.helpers import (
    Applicant,
    Stack,
    advance,
    auth,
    eventually,
    get_app,
    open_cycle,
    register,
    rules_of,
)

OFFICER = auth(Role.exam_officer, sub="exam-officer-7")


def _day(offset: int) -> str:
    today = jalali.to_gregorian(jalali.business_day(datetime.now(UTC)))
    return str(jalali.from_gregorian(today + timedelta(days=offset)))


def close_registration(stack: Stack, year: int) -> None:
    """The window's end moved to yesterday in the stored cycle, as the days passing would."""
    with Session(stack.engine) as session:
        record = session.get(CycleRecord, year)
        assert record is not None
        record.config = {**record.config, "registration_start": _day(-10),
                         "registration_end": _day(-1)}
        flag_modified(record, "config")
        session.add(record)
        session.commit()


def body(card_date: str, *venues: dict[str, Any]) -> dict[str, Any]:
    return {"exam_date": _day(3), "start_time": "09:00", "card_date": card_date,
            "venues": list(venues)}


def venue(province: str, city: str, name: str, seats: int,
          address: str = "خیابان آزادی، پلاک ۱") -> dict[str, Any]:
    return {"province": province, "city": city, "name": name, "address": address,
            "seats": seats}


async def _put(api: httpx.AsyncClient, year: int, payload: dict[str, Any]) -> httpx.Response:
    return await api.put(f"/v1/cycles/{year}/exam-sessions", json=payload, headers=OFFICER)


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "card.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                             capture_output=True, check=True, text=True).stdout
    return normalize_digits(out)


async def test_candidates_are_seated_in_their_province_centre_and_get_their_cards(
        api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1457
    await open_cycle(api, year, "Tehran", "Isfahan", engine=stack.engine)
    tehran = [await register(api, year, province="Tehran", city="Tehran") for _ in range(3)]
    isfahan = [await register(api, year, province="Isfahan", city="Isfahan") for _ in range(2)]
    for app in tehran + isfahan:
        await advance(api, app, "awaiting_exam")
    await register(api, year)  # unpaid: no seat

    hall_a = venue("تهران", "تهران", "حوزهٔ الف", 2)
    hall_b = venue("Tehran", "Tehran", "حوزهٔ ب", 5)
    close_registration(stack, year)

    r = await _put(api, year, body(_day(1), hall_a, venue("Isfahan", "Isfahan", "حوزه", 9)))
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-5"])  # 3 candidates, 2 seats
    assert "تهران" in r.json()["error"]["rules"][0]["message"]
    r = await _put(api, year, body(_day(1), hall_a, hall_b))  # Isfahan has no venue
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-5"])
    r = await _put(api, year, body(_day(1), venue("Fars", "Kazerun", "x", 5)))
    assert (r.status_code, rules_of(r)) == (422, ["EXAM-5"])  # not the province's centre
    r = await _put(api, year, body(_day(1), venue("Atlantis", "X", "x", 5)))
    assert (r.status_code, rules_of(r)) == (422, ["EXAM-5"])

    isfahan_hall = venue("اصفهان", "اصفهان", "سالن اصلی", 10)
    r = await _put(api, year, body(_day(1), hall_b, isfahan_hall, hall_a))
    assert r.status_code == 200, r.text
    session = r.json()
    assert (session["version"], session["candidates"], session["seats_fixed"]) == (1, 5, False)
    by_name = {v["name"]: v for v in session["venues"]}
    assert by_name["حوزهٔ الف"]["province"] == "تهران" and by_name["حوزهٔ الف"]["assigned"] == 2
    assert by_name["حوزهٔ ب"]["assigned"] == 1 and by_name["سالن اصلی"]["assigned"] == 2
    assert (await api.get(f"/v1/cycles/{year}", headers=OFFICER)).json()[
        "config"]["exam_date"] == _day(3)

    # Deterministic: the first hall in name order takes the lowest tracking codes, in order.
    sheet = (await api.get(f"/v1/cycles/{year}/exam-sessions",
                           params={"venue": by_name["حوزهٔ الف"]["venue_id"]},
                           headers=auth(Role.admin))).json()["attendance"]
    codes = sorted(a.tracking_code for a in tehran)
    assert [(row["seat"], row["tracking_code"]) for row in sheet] == [(1, codes[0]),
                                                                       (2, codes[1])]

    async def seated(app: Applicant) -> dict[str, Any] | None:
        seat: dict[str, Any] | None = (await get_app(api, app, app.headers))["seat"]
        return seat

    first = await eventually(lambda: seated(tehran[0]), "the seat reached the workflow")
    r = await api.get(f"/v1/applications/{tehran[0].id}/admission-card",
                      headers=tehran[0].headers)
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-5"])
    assert _day(1) in r.json()["error"]["message"]  # says when cards open

    # Before the card date, a new setting seats everyone anew; this one opens cards today.
    r = await _put(api, year, body(_day(0), hall_a, hall_b, isfahan_hall))
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["seats_fixed"]) == (2, True)

    async def reseated(app: Applicant) -> dict[str, Any] | None:
        seat = await seated(app)
        return seat if seat and seat["card_date"] == _day(0) else None

    mine = await eventually(lambda: reseated(tehran[0]), "the new seat reached the workflow")
    assert first["venue_name"] in ("حوزهٔ الف", "حوزهٔ ب")
    card = await api.get(f"/v1/applications/{tehran[0].id}/admission-card",
                         headers=tehran[0].headers)
    assert card.status_code == 200, card.text
    assert card.headers["content-type"] == "application/pdf"
    text = pdf_text(card.content)
    assert tehran[0].tracking_code in text
    assert str(mine["seat"]) in text
    staff = await api.get(f"/v1/applications/{tehran[0].id}/admission-card", headers=OFFICER)
    assert staff.status_code == 200
    other = await api.get(f"/v1/applications/{tehran[0].id}/admission-card",
                          headers=tehran[1].headers)
    assert other.status_code == 403

    # From the card date no seat moves: fewer seats, a venue dropped or another day are
    # refused; an address may change.
    fewer = venue("تهران", "تهران", "حوزهٔ الف", 1)
    r = await _put(api, year, body(_day(0), fewer, hall_b, isfahan_hall))
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-5"])
    r = await _put(api, year, body(_day(0), hall_a, isfahan_hall))
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-5"])
    r = await _put(api, year, {**body(_day(0), hall_a, hall_b, isfahan_hall),
                               "start_time": "10:00"})
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-5"])
    readdressed = venue("تهران", "تهران", "حوزهٔ الف", 2, address="خیابان انقلاب، پلاک ۹")
    r = await _put(api, year, body(_day(0), readdressed, hall_b, isfahan_hall))
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert {v["address"] for v in r.json()["venues"] if v["name"] == "حوزهٔ الف"} == {
        "خیابان انقلاب، پلاک ۹"}

    timeline = (await api.get(f"/v1/applications/{tehran[0].id}/history",
                              headers=auth(Role.auditor))).json()
    events = timeline["events"] if isinstance(timeline, dict) else timeline
    seats = [e for e in events if e["kind"] == "seat"]
    assert len(seats) == 2 and all(e["rules"] == ["EXAM-5"] for e in seats)


async def test_a_candidate_who_pays_once_a_session_is_set_takes_the_next_free_seat(
        api: httpx.AsyncClient) -> None:
    """EXAM-5 while registration is open: late payers are seated as they come, in the seats
    left; with none left they wait unseated until the officer adds seats, which moves no one.
    """
    year = 1490
    cycle = await open_cycle(api, year, "Tehran")
    end = jalali.to_gregorian(jalali.parse_jalali(cycle["config"]["registration_end"]))
    exam_day = str(jalali.from_gregorian(end + timedelta(days=2)))
    early = [await register(api, year, province="Tehran", city="Tehran") for _ in range(2)]
    for app in early:
        await advance(api, app, "awaiting_exam")

    def setting(seats: int) -> dict[str, Any]:
        return {"exam_date": exam_day, "start_time": "08:30", "card_date": _day(0),
                "venues": [venue("تهران", "تهران", "دانشگاه تهران", seats)]}

    r = await _put(api, year, setting(3))  # registration still open: allowed
    assert r.status_code == 200, r.text
    assert (r.json()["candidates"], r.json()["seats_fixed"], r.json()["unseated"]) == (
        2, True, {})

    async def seat_of(app: Applicant) -> dict[str, Any] | None:
        seat: dict[str, Any] | None = (await get_app(api, app, app.headers))["seat"]
        return seat

    third = await register(api, year, province="Tehran", city="Tehran")
    await advance(api, third, "awaiting_exam")
    seat = await eventually(lambda: seat_of(third), "the late payer took a seat")
    assert (seat["seat"], seat["venue_name"], seat["version"]) == (3, "دانشگاه تهران", 1)
    card = await api.get(f"/v1/applications/{third.id}/admission-card", headers=third.headers)
    assert card.status_code == 200, card.text
    assert third.tracking_code in pdf_text(card.content)
    events = (await api.get(f"/v1/applications/{third.id}/history",
                            headers=auth(Role.auditor))).json()
    events = events["events"] if isinstance(events, dict) else events
    assert [e["rules"] for e in events if e["kind"] == "seat"] == [["EXAM-5"]]

    fourth = await register(api, year, province="Tehran", city="Tehran")
    await advance(api, fourth, "awaiting_exam")

    async def waiting_unseated() -> dict[str, int] | None:
        view = (await api.get(f"/v1/cycles/{year}/exam-sessions", headers=OFFICER)).json()
        unseated: dict[str, int] = view["unseated"]
        return unseated or None

    assert await eventually(waiting_unseated, "the fourth counted unseated") == {"23": 1}
    r = await api.get(f"/v1/applications/{fourth.id}/admission-card", headers=fourth.headers)
    assert (r.status_code, rules_of(r)) == (409, ["EXAM-5"])

    # The officer adds a seat: the fourth is seated, nobody else moves, the version stays.
    r = await _put(api, year, setting(4))
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["unseated"]) == (1, {})
    seat = await eventually(lambda: seat_of(fourth), "the added seat reached the workflow")
    assert seat["seat"] == 4
    assert sorted([(await seat_of(a) or {}).get("seat") for a in early]) == [1, 2]
