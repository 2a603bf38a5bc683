"""Server-side rendering of a page package: its Jinja2 environment and the Persian filters.

Numbers show in Persian digits, instants as Jalali Asia/Tehran times inside `<time>` with the
ISO instant in `datetime` and `title`, rule ids with their Persian text, refusals by their
code's Persian headline, each violation's field and cause in Persian (`daftar.pages.messages`),
provinces by their official Persian names. Every page goes out with the same security
headers: never cached, never framed, nothing loaded from elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from daftar.domain.jalali import format_instant, to_persian_digits
from daftar.domain.places import province_label
from daftar.domain.rules import rule_text
from daftar.pages.labels import REFUSAL_FALLBACK
from daftar.pages.messages import field_label, persian_cause

#: The headers of every page.
HEADERS = {
    "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'"}


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
    """An instant (or its ISO text) as `<time datetime=ISO title=ISO>۱۴۰۵/۰۹/۰۲ ۱۴:۳۰</time>`."""
    if value is None:
        return Markup("—")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    iso = value.astimezone(UTC).isoformat(timespec="seconds")
    return Markup('<time datetime="{0}" title="{0}">{1}</time>').format(
        iso, fa(format_instant(value)))


def rule_chip(rule: str) -> Markup:
    """A rule id with its Persian text beside it."""
    text = rule_text(rule)
    return Markup('<span class="rule"><bdi class="rule-id">{0}</bdi>{1}</span>').format(
        rule, Markup(" <span class=\"rule-text\">{0}</span>").format(text) if text else "")


def environment(templates: Path, refusals: dict[str, str]) -> Environment:
    """A Jinja2 environment over `templates` with the filters every page uses.

    `refusal` is a refusal code's headline in `refusals` (the package's wording).
    """
    env = Environment(loader=FileSystemLoader(templates),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(
        fa=fa, digits=lambda v: to_persian_digits(str(v)), when=when, rule=rule_chip,
        refusal=lambda code: refusals.get(str(code), REFUSAL_FALLBACK),
        # A stored province (its code, or an old record's name) as its official Persian name.
        province=lambda v: "" if v is None else province_label(str(v)),
        # A violation's field as its Persian label, and its cause as a Persian sentence ("" if
        # none is known: never the API's English message).
        field=field_label, cause=persian_cause,
    )
    return env


def html_page(html: str, status: int) -> HTMLResponse:
    """A rendered page as the response, with every page's headers."""
    return HTMLResponse(html, status_code=status, headers=HEADERS)
