"""Registration and qualification rules through HTTP: GEN-2's related field, AGE-1's refusal
stated as a birth-date range, and a veteran's QUAL-1 checklist without AGE-1."""

from __future__ import annotations

import re

import httpx

from daftar.domain.eligibility import age_bounds
from daftar.domain.jalali import JalaliDate
from daftar.domain.stages import Role
from tests.api.helpers import (
    YEAR,
    advance,
    auth,
    decide,
    get_app,
    register,
    rules_of,
    stage_of,
)
from tests.factories import ALL_CHECKS, VETERAN, form

URL = f"/v1/cycles/{YEAR}/applications"
RELATED = {"level": "master", "field": "other", "graduation_date": "1395/04/01"}
AGE_MESSAGE = re.compile(
    r"^Applicants must be born on or after (\d{4})/(\d\d)/(\d\d) and on or before "
    r"(\d{4})/(\d\d)/(\d\d) \((\d{4})/(\d\d)/(\d\d), the last day of registration, 50 and 24 "
    r"years back; veteran-quota applicants are exempt\)\. Your birth date (\S+) is outside "
    r"this range\.$")


async def test_a_related_field_registers_flagged_for_the_qualification_officer(
        api: httpx.AsyncClient, cycle: int) -> None:
    # GEN-2: `other` was refused (422); it is accepted and flagged GEN-2.
    app = await register(api, degree=RELATED)
    view = await get_app(api, app, auth(Role.qualification_officer))
    assert view["flags"] == ["GEN-2"]
    # A university degree that names no field at all is still refused under GEN-2.
    r = await api.post(URL, json=form(degree={"level": "master",
                                              "graduation_date": "1395/04/01"}))
    assert r.status_code == 422 and rules_of(r) == ["GEN-2"], r.text


async def test_age_refusal_states_the_birth_date_range(api: httpx.AsyncClient,
                                                       cycle: int) -> None:
    r = await api.post(URL, json=form(birth_date="1300/01/01"))
    assert r.status_code == 422 and rules_of(r) == ["AGE-1"], r.text
    (violation,) = r.json()["error"]["rules"]
    match = AGE_MESSAGE.match(violation["message"])
    assert match, violation["message"]
    day = [int(g) for g in match.groups()[:9]]
    earliest, latest, ref = (JalaliDate(*day[i:i + 3]) for i in (0, 3, 6))
    # The reference day 50 and 24 years back (real days: see age_bounds' own tests).
    assert (earliest, latest) == age_bounds(ref)
    assert earliest.year in (ref.year - 50, ref.year - 49)  # 49: after a missing 30 Esfand
    assert latest.year == ref.year - 24
    assert match.group(10) == "1300/01/01"


async def test_a_veterans_qualification_has_no_age_item(api: httpx.AsyncClient,
                                                        cycle: int) -> None:
    # QUAL-1: veteran-quota applicants are exempt from AGE-1 (this one is 60 or more).
    veteran = await register(api, quota=VETERAN, birth_date="1340/01/01")
    free = await register(api)
    for app in (veteran, free):
        await advance(api, app, "awaiting_qualification")
    without_age = {r: True for r in ALL_CHECKS if r != "AGE-1"}

    def body(checks: dict[str, bool]) -> dict[str, object]:
        return {"stage": "qualification", "outcome": "pass", "checks": checks}

    # A veteran's checklist has no AGE-1 item: naming it is refused...
    r = await decide(api, veteran, Role.qualification_officer, body(ALL_CHECKS))
    assert r.status_code == 422 and rules_of(r) == ["QUAL-1"], r.text
    assert "AGE-1" in r.json()["error"]["rules"][0]["message"]
    # ...and a free-quota applicant's pass still needs it.
    r = await decide(api, free, Role.qualification_officer, body(without_age))
    assert r.status_code == 422 and rules_of(r) == ["QUAL-1"], r.text
    assert r.json()["error"]["rules"][0]["message"] == "Checklist items not marked: AGE-1."
    # The veteran passes without it (this was refused for the missing AGE-1 before).
    r = await decide(api, veteran, Role.qualification_officer, body(without_age))
    assert r.status_code == 200, r.text
    assert stage_of(r) == "awaiting_security"
