"""Server-side rendering of the portal: one Jinja2 environment whose filters make pages Persian.

Numbers in Persian digits, instants as Jalali Asia/Tehran times inside `<time>` (the ISO
instant in `datetime` and `title`), Jalali days as they are stored (`۱۴۹۶/۰۳/۱۰`), every stage
and step through `labels`, provinces by their official Persian names. The console's style
sheet, script and fonts (`/console/static`) are the portal's too, with a few rules of its own
(`/portal/static/portal.css`): nothing is loaded from elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from daftar.domain.jalali import format_instant, to_persian_digits
from daftar.domain.places import province_label
from daftar.domain.rules import rule_text
from daftar.portal import labels
from daftar.portal.session import Applicant

HERE = Path(__file__).parent
PREFIX = "/portal"
#: The console's static files, which the portal shares.
SHARED = "/console/static"


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


def when(value: datetime | str | None) -> Markup:
    """An instant as `<time datetime=ISO title=ISO>۱۴۹۶/۰۲/۰۱ ۱۰:۳۰</time>`."""
    if value is None:
        return Markup("—")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    iso = value.astimezone(UTC).isoformat(timespec="seconds")
    return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(
        iso, fa(format_instant(value)))


def day(value: str | None) -> Markup:
    """A Jalali day as stored (`1496/03/10`), in Persian digits, isolated left-to-right."""
    if not value:
        return Markup("—")
    return Markup('<bdi class="day">{0}</bdi>').format(fa(value))


def rule_chip(rule: str) -> Markup:
    """A rule id with its Persian text beside it."""
    text = rule_text(rule)
    return Markup('<span class="rule"><bdi class="rule-id">{0}</bdi>{1}</span>').format(
        rule, Markup(" <span class=\"rule-text\">{0}</span>").format(text) if text else "")


def size(n: int) -> str:
    """A file's size in Persian: kilobytes or megabytes."""
    if n >= 1024 * 1024:
        return f"{fa(Decimal(n) / (1024 * 1024))} مگابایت"
    return f"{fa(max(1, round(n / 1024)))} کیلوبایت"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(
        fa=fa, digits=lambda v: to_persian_digits(str(v)), when=when, day=day,
        rule=rule_chip, size=size,
        stage=lambda v: labels.label(labels.STAGES, v),
        step=lambda v: labels.label(labels.STEPS, v),
        outcome=lambda v: labels.label(labels.OUTCOMES, v),
        refusal=lambda code: labels.REFUSALS.get(str(code), labels.REFUSAL_FALLBACK),
        province=lambda v: "" if v is None else province_label(str(v)),
        subject=lambda s: labels.SUBJECTS.get(s.code, s.title),
    )
    env.globals.update(prefix=PREFIX, shared=SHARED, note=labels.note,
                       hundredth=Decimal("0.01"))
    return env


ENV = _env()


def page(request: Request, template: str, *, applicant: Applicant | None, status: int = 200,
         title: str = "", **context: Any) -> HTMLResponse:
    """Render `template` inside the portal's layout, with the console's security headers."""
    html = ENV.get_template(template).render(
        request=request, applicant=applicant, title=title, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                   "style-src 'self'; script-src 'self'; "
                                   "form-action 'self'; frame-ancestors 'none'"})
