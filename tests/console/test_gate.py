"""The Temporal Web UI's gate: the production proxy asks it about every request to the UI."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from daftar.console.routes.gate import TEMPORAL_UI_ROLES
from daftar.console.session import COOKIE
from daftar.domain.stages import STAFF_ROLES, Role
from tests.api.helpers import bearer, token
from tests.console.helpers import ADMIN, AUDITOR, INTERVIEWER

GATE = "/console/gate/temporal-ui"


def session(tok: str) -> dict[str, str]:
    """The console's session cookie, as the browser sends it (and the proxy passes on)."""
    return {"Cookie": f"{COOKIE}={tok}"}


@pytest.mark.parametrize(("role", "sub"), [(Role.admin, ADMIN), (Role.auditor, AUDITOR)])
async def test_admins_and_auditors_are_let_through(http: httpx.AsyncClient, role: Role,
                                                   sub: str) -> None:
    r = await http.get(GATE, headers=session(token(role, sub=sub)))
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert r.headers["cache-control"] == "no-store"


async def test_one_admitted_role_among_others_suffices(http: httpx.AsyncClient) -> None:
    r = await http.get(GATE, headers=session(token(Role.interviewer, Role.auditor)))
    assert r.status_code == 204


@pytest.mark.parametrize("role", sorted(STAFF_ROLES - set(TEMPORAL_UI_ROLES)))
async def test_other_staff_roles_are_refused(http: httpx.AsyncClient, role: Role) -> None:
    r = await http.get(GATE, headers=session(token(role, sub=INTERVIEWER)))
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/html")  # the console's page, in Persian
    assert 'lang="fa"' in r.text


async def test_no_valid_session_is_401(http: httpx.AsyncClient) -> None:
    cases = {
        "unauthenticated": {},
        "invalid_token": session("not-a-token"),
        "token_expired": session(token(Role.admin, sub=ADMIN, ttl=timedelta(seconds=-5))),
        "forbidden": session(token(Role.applicant, sub="someone")),  # not staff: no session
    }
    for code, headers in cases.items():
        r = await http.get(GATE, headers=headers)
        assert r.status_code == 401, code
        assert r.headers["x-daftar-refusal"] == code
        assert r.headers["cache-control"] == "no-store"
    forged = token(Role.admin, sub=ADMIN, secret="another-secret-of-someone-else-0123456789")
    assert (await http.get(GATE, headers=session(forged))).status_code == 401
    # The API's bearer token is not a console session.
    assert (await http.get(GATE, headers=bearer(token(Role.admin)))).status_code == 401


async def test_a_history_shown_in_the_ui_is_in_the_access_log(http: httpx.AsyncClient) -> None:
    """The UI's fetch of an applicant's history passes the gate: the access log records who."""
    app_id = uuid.uuid4().hex[:16]
    history = (f"/console/temporal/api/v1/namespaces/default/workflows/application-{app_id}"
               "/history?next_page_token=&maximumPageSize=20")
    for uri in (history, f"/console/temporal/namespaces/default/workflows/application-{app_id}",
                "/console/temporal/api/v1/namespaces/default/workflows?query="):
        r = await http.get(GATE, headers={**session(token(Role.auditor, sub=AUDITOR)),
                                          "X-Forwarded-Uri": uri})
        assert r.status_code == 204, r.text
    r = await http.get("/v1/access-log", params={"application_id": app_id},
                       headers=bearer(token(Role.auditor)))
    assert r.status_code == 200, r.text
    assert [(e["actor"], e["what"]) for e in r.json()["items"]] == [
        (AUDITOR, "temporal-ui:history")]
