"""The application page's personal data: names isolated for bidirectional text, the mobile
number whole only for the roles that need it."""

from __future__ import annotations

import httpx

from daftar.console.render import fa
from daftar.console.session import COOKIE
from daftar.domain.stages import Role
from tests.api.helpers import token
from tests.console.helpers import ADMIN, INTERVIEWER, register, to_exam


def cookie(role: Role, sub: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={token(role, sub=sub)}"}


async def test_names_are_isolated_and_the_mobile_is_masked_for_reviewers(
        http: httpx.AsyncClient, console_cycle: int) -> None:
    app = await register(http, first_name="Ali", last_name="رضایی زاده", father_name="حسن",
                         mobile="09127654321")
    await to_exam(http, app)
    r = await http.get(f"/console/applications/{app.id}", headers=cookie(Role.interviewer,
                                                                          INTERVIEWER))
    assert r.status_code == 200, r.text
    # A Latin first name beside a Persian last name keeps its place in a right-to-left line.
    assert "<bdi>Ali</bdi> <bdi>رضایی زاده</bdi>" in r.text
    assert "<bdi>حسن</bdi>" in r.text
    assert str(fa("091****321")) in r.text
    assert str(fa("09127654321")) not in r.text

    r = await http.get(f"/console/applications/{app.id}", headers=cookie(Role.admin, ADMIN))
    assert r.status_code == 200, r.text
    assert str(fa("09127654321")) in r.text
