"""Server-side rendering: one Jinja2 environment, and the filters that make pages Persian.

Numbers show in Persian digits, instants as Jalali Asia/Tehran times inside `<time>` with the
ISO instant in `datetime` and `title` (the filters the portal uses too, `daftar.pages.render`),
every stage, role or outcome through `labels`, and every province by its official Persian name
(`province`; `provinces`, the 31, for a select).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from markupsafe import escape

from daftar.console import labels
from daftar.console.session import Viewer
from daftar.contracts.ids import applicant_workflow_id
from daftar.core.settings import Settings
from daftar.domain.documents import NEEDS, DocKind
from daftar.domain.places import PROVINCES, province_code
from daftar.domain.rules import rule_text
from daftar.domain.stages import INBOX_STAGES, Role
from daftar.pages.render import environment, html_page
from daftar.pages.render import fa as fa
from daftar.pages.render import when as when

HERE = Path(__file__).parent
PREFIX = "/console"


def temporal_url(settings: Settings, application_id: str) -> str:
    """The Temporal Web UI page of an application's workflow."""
    return (f"{settings.temporal_ui_url.rstrip('/')}/namespaces/"
            f"{quote(settings.temporal_namespace, safe='')}/workflows/"
            f"{quote(applicant_workflow_id(application_id), safe='')}")


def query(params: dict[str, Any], **changes: Any) -> str:
    """`?a=1&b=2` of `params` with `changes`, leaving out empty values."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def stored_file(what: str) -> str:
    """A stored file's Persian name: `photo`, or an uploaded document's kind (DOC-1)."""
    if what == "photo":
        return "عکس"
    try:
        return NEEDS[DocKind(what)].name_fa
    except ValueError:
        return what


def _env() -> Environment:
    env = environment(HERE / "templates", labels.REFUSALS)
    env.filters.update(
        rule_text=rule_text,
        stage=lambda v: labels.label(labels.STAGES, v),
        decision_stage=lambda v: labels.label(labels.DECISION_STAGES, v),
        role=lambda v: labels.label(labels.ROLES, v),
        outcome=lambda v: labels.label(labels.OUTCOMES, v),
        quota=lambda v: labels.label(labels.QUOTAS, v),
        event=lambda v: labels.label(labels.EVENTS, v),
        document=lambda v: labels.label(labels.DOCUMENTS, v),
        stored_file=stored_file,
        state=lambda v: labels.label(labels.PUBLICATION, v),
        relocation=lambda v: labels.label(labels.RELOCATION, v),
        value=lambda v: labels.label(labels.VALUES, v),
        # The code of the province a value names ("" when none): which option a select shows.
        province_code=lambda v: (province_code(str(v)) or "") if v else "",
    )
    env.globals.update(prefix=PREFIX, query=query, escape=escape, temporal_url=temporal_url,
                       provinces=PROVINCES)
    return env


ENV = _env()


def nav(viewer: Viewer | None) -> list[tuple[str, str]]:
    """The menu of what the viewer's roles may open."""
    if viewer is None:
        return []
    p = viewer.principal
    items: list[tuple[str, str]] = []
    if any(r in INBOX_STAGES for r in p.roles):
        items.append((f"{PREFIX}/inbox", "کارتابل"))
    if p.has(Role.admin, Role.auditor):
        items.append((f"{PREFIX}/dashboard", "داشبورد"))
        items.append((f"{PREFIX}/audit", "حسابرسی"))
        items.append((f"{PREFIX}/notifications", "پیامک‌ها"))
    if p.has(Role.auditor):
        items.append((f"{PREFIX}/access-log", "گزارش دسترسی"))
    return items


def page(request: Request, template: str, *, viewer: Viewer | None, status: int = 200,
         title: str = "", **context: Any) -> HTMLResponse:
    """Render `template` inside the console's layout."""
    html = ENV.get_template(template).render(
        request=request, viewer=viewer, nav=nav(viewer), title=title,
        path=request.url.path, settings=request.app.state.settings, **context)
    return html_page(html, status)
