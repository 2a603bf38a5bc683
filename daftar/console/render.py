"""Server-side rendering: one Jinja2 environment, and the filters that make pages Persian.

Numbers show in Persian digits, instants as Jalali Asia/Tehran times inside `<time>` with the
ISO instant in `datetime` and `title`, every stage, role or outcome through `labels`, and every
province by its official Persian name (`province`; `provinces`, the 31, for a select).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from daftar.console import labels
from daftar.console.session import Viewer
from daftar.contracts.ids import applicant_workflow_id
from daftar.core.settings import Settings
from daftar.domain.jalali import format_instant, to_persian_digits
from daftar.domain.places import PROVINCES, province_code, province_label
from daftar.domain.rules import rule_text
from daftar.domain.stages import INBOX_STAGES, Role

HERE = Path(__file__).parent
PREFIX = "/console"


def fa(value: Any) -> str:
    """`value` with Persian digits; integers with the Persian thousands separator."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if isinstance(value, int):
        return to_persian_digits(f"{value:,}".replace(",", "٬"))
    if isinstance(value, Decimal | float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return to_persian_digits(str(value))


def when(value: datetime | None) -> Markup:
    """An instant as `<time datetime=ISO title=ISO>۱۴۰۵/۰۹/۰۲ ۱۴:۳۰</time>`."""
    if value is None:
        return Markup("—")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    iso = value.astimezone(UTC).isoformat(timespec="seconds")
    return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(
        iso, fa(format_instant(value)))


def rule_chip(rule: str) -> Markup:
    """A rule id with its Persian text as a tooltip and beside it."""
    text = rule_text(rule)
    return Markup('<span class="rule"><bdi class="rule-id">{0}</bdi>{1}</span>').format(
        rule, Markup(" <span class=\"rule-text\">{0}</span>").format(text) if text else "")


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


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(
        fa=fa, digits=lambda v: to_persian_digits(str(v)), when=when, rule=rule_chip,
        rule_text=rule_text,
        stage=lambda v: labels.label(labels.STAGES, v),
        decision_stage=lambda v: labels.label(labels.DECISION_STAGES, v),
        role=lambda v: labels.label(labels.ROLES, v),
        outcome=lambda v: labels.label(labels.OUTCOMES, v),
        quota=lambda v: labels.label(labels.QUOTAS, v),
        event=lambda v: labels.label(labels.EVENTS, v),
        document=lambda v: labels.label(labels.DOCUMENTS, v),
        state=lambda v: labels.label(labels.PUBLICATION, v),
        relocation=lambda v: labels.label(labels.RELOCATION, v),
        value=lambda v: labels.label(labels.VALUES, v),
        refusal=lambda code: labels.REFUSALS.get(str(code), labels.REFUSAL_FALLBACK),
        # A stored province (its code, or an old record's name) as its official Persian name.
        province=lambda v: "" if v is None else province_label(str(v)),
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
    return HTMLResponse(html, status_code=status, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                   "style-src 'self'; script-src 'self'; "
                                   "form-action 'self'; frame-ancestors 'none'"})
