"""Which cycle the console opens on by itself, read from the API's phases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from daftar.domain import jalali
from daftar.domain.stages import Role
from tests.api.helpers import auth

#: Phases of a cycle whose registration has opened and that no admin has closed.
OPENED = ("exam", "results", "launch")


def day(offset: int) -> str:
    """The Jalali day `offset` days from today in Tehran, as `YYYY/MM/DD`."""
    today = jalali.to_gregorian(jalali.business_day(datetime.now(UTC)))
    return str(jalali.from_gregorian(today + timedelta(days=offset)))


async def expected_active(http: httpx.AsyncClient) -> int:
    """The latest cycle whose registration is open today; else the latest opened and not
    closed; else the latest."""
    phases: dict[int, str] = {}
    page = 1
    while True:
        r = await http.get("/v1/cycles", params={"page": page, "size": 500},
                           headers=auth(Role.admin))
        assert r.status_code == 200, r.text
        body = r.json()
        phases.update({c["year"]: c["phase"] for c in body["items"]})
        if page * 500 >= body["total"]:
            break
        page += 1
    for wanted in (("registration",), OPENED):
        years = [y for y, p in phases.items() if p in wanted]
        if years:
            return max(years)
    return max(phases)
