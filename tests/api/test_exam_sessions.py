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
    r = await _put(api, year, body(_day(1), hall_a, venue("Isfahan", "Isfahan", "حوزه", 9)))
    assert (r.status_code, r.json()["error"]["code"]) == (409, "conflict")  # window open
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

    # From the card date the seats are fixed: only an address may change.
    moved = venue("تهران", "تهران", "حوزهٔ الف", 3)
    r = await _put(api, year, body(_day(0), moved, hall_b, isfahan_hall))
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
