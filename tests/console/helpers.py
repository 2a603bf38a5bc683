"""Applicants for the console's tests, brought to a stage through the JSON API."""

from __future__ import annotations

from typing import Any

import httpx

from daftar.domain.stages import Role
from tests.api.helpers import PASS, Applicant, advance, auth, eventually
from tests.api.helpers import register as applicant_of
from tests.console.conftest import YEAR

#: Reviewers' subjects: no digits, so a page's text can be checked for Latin digits.
INTERVIEWER = "panel-alpha"
OTHER_INTERVIEWER = "panel-beta"
ADMIN = "center-admin"
AUDITOR = "audit-desk"


async def register(http: httpx.AsyncClient, **overrides: Any) -> Applicant:
    """An applicant of the console's cycle YEAR (`form()` with `overrides`)."""
    return await applicant_of(http, YEAR, **overrides)


async def to_exam(http: httpx.AsyncClient, app: Applicant) -> None:
    """Photo and fee: the applicant waits for the exam."""
    await advance(http, app, "awaiting_exam")


async def to_interview(http: httpx.AsyncClient, app: Applicant) -> None:
    await to_exam(http, app)
    r = await http.post(f"/v1/applications/{app.id}/exam-result", json=PASS,
                        headers=auth(Role.exam_officer, sub="sanjesh"))
    assert r.status_code == 200, r.text


async def in_inbox(http: httpx.AsyncClient, role: Role, apps: list[Applicant]) -> None:
    """Wait until the read model lists every one of `apps` in `role`'s inbox."""
    wanted = {a.id for a in apps}

    async def listed() -> bool:
        r = await http.get("/v1/inbox", params={"cycle": YEAR, "size": 500},
                           headers=auth(role))
        assert r.status_code == 200, r.text
        return wanted <= {i["application_id"] for i in r.json()["items"]}

    await eventually(listed, f"{len(apps)} applications in {role.value}'s inbox")


async def at_stage(http: httpx.AsyncClient, stage: str, apps: list[Applicant]) -> None:
    """Wait until the read model lists every one of `apps` at `stage`."""
    wanted = {a.id for a in apps}

    async def listed() -> bool:
        r = await http.get("/v1/applications", params={"cycle": YEAR, "stage": stage,
                                                       "size": 500}, headers=auth(Role.admin))
        assert r.status_code == 200, r.text
        return wanted <= {i["application_id"] for i in r.json()["items"]}

    await eventually(listed, f"{len(apps)} applications at {stage}")
