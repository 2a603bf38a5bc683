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


async def register_in(http: httpx.AsyncClient, year: int, **overrides: Any) -> Applicant:
    """An applicant of cycle `year` (`form()` with `overrides`), for a module's own cycle."""
    return await applicant_of(http, year, **overrides)


async def in_inbox_of(http: httpx.AsyncClient, role: Role, apps: list[Applicant],
                      year: int) -> None:
    """Wait until the read model lists every one of `apps` in `role`'s inbox of cycle `year`."""
    wanted = {a.id for a in apps}

    async def listed() -> bool:
        r = await http.get("/v1/inbox", params={"cycle": year, "size": 500},
                           headers=auth(role))
        assert r.status_code == 200, r.text
        return wanted <= {i["application_id"] for i in r.json()["items"]}

    await eventually(listed, f"{len(apps)} applications in {role.value}'s inbox of {year}")


async def decisions_at(http: httpx.AsyncClient, app: Applicant,
                       stage: str) -> list[dict[str, Any]]:
    """The decisions on record for `app` at decision stage `stage`, read through the API."""
    r = await http.get(f"/v1/applications/{app.id}", headers=auth(Role.admin))
    assert r.status_code == 200, r.text
    return [d for d in r.json()["decisions"] if d["stage"] == stage]


class Counts:
    """What a reviewer does in the browser, counted as a person would count it.

    Clicks: every `click()`, `check()` and `select_option()` made through `click`, `check` and
    `choose` (a select's choice is one click, as with a mouse or a keyboard pick). Field fills:
    typing into a field (`fill`), counted apart, since typing a score is no click. Page loads:
    the page's `load` events (each navigation, each form sent), counted by a listener
    `watch` sets on the page.
    """

    def __init__(self) -> None:
        self.clicks = 0
        self.fills = 0
        self.loads = 0

    def watch(self, page: Any) -> None:
        page.on("load", lambda _: self._loaded())

    def _loaded(self) -> None:
        self.loads += 1

    async def click(self, locator: Any) -> None:
        self.clicks += 1
        await locator.click()

    async def check(self, locator: Any) -> None:
        self.clicks += 1
        await locator.check()

    async def choose(self, locator: Any, value: str) -> None:
        self.clicks += 1
        await locator.select_option(value)

    async def fill(self, locator: Any, text: str) -> None:
        self.fills += 1
        await locator.fill(text)

    def __str__(self) -> str:
        return f"{self.clicks} clicks, {self.fills} field fills, {self.loads} page loads"
