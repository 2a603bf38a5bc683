"""Server-side rendering of the portal: one Jinja2 environment whose filters make pages Persian.

Numbers in Persian digits, instants as Jalali Asia/Tehran times inside `<time>` (the ISO
instant in `datetime` and `title`), provinces by their official Persian names (the filters the
console uses too, `daftar.pages.render`), Jalali days as they are stored (`۱۴۹۶/۰۳/۱۰`), every
stage and step through `labels`. The console's style sheet, script and fonts
(`/console/static`) are the portal's too, with a few rules of its own
(`/portal/static/portal.css`): nothing is loaded from elsewhere.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from markupsafe import Markup

from daftar.pages.render import environment, fa, html_page
from daftar.portal import labels
from daftar.portal.session import Applicant

HERE = Path(__file__).parent
PREFIX = "/portal"
#: The console's static files, which the portal shares.
SHARED = "/console/static"


def day(value: str | None) -> Markup:
    """A Jalali day as stored (`1496/03/10`), in Persian digits, isolated left-to-right."""
    if not value:
        return Markup("—")
    return Markup('<bdi class="day">{0}</bdi>').format(fa(value))


def size(n: int) -> str:
    """A file's size in Persian: kilobytes or megabytes."""
    if n >= 1024 * 1024:
        return f"{fa(Decimal(n) / (1024 * 1024))} مگابایت"
    return f"{fa(max(1, round(n / 1024)))} کیلوبایت"


def _env() -> Environment:
    env = environment(HERE / "templates", labels.REFUSALS)
    env.filters.update(
        day=day, size=size,
        stage=lambda v: labels.label(labels.STAGES, v),
        step=lambda v: labels.label(labels.STEPS, v),
        outcome=lambda v: labels.label(labels.OUTCOMES, v),
        subject=lambda s: labels.SUBJECTS.get(s.code, s.title),
    )
    env.globals.update(prefix=PREFIX, shared=SHARED, note=labels.note,
                       hundredth=Decimal("0.01"))
    return env


ENV = _env()


def page(request: Request, template: str, *, applicant: Applicant | None, status: int = 200,
         title: str = "", **context: Any) -> HTMLResponse:
    """Render `template` inside the portal's layout, with every page's security headers."""
    html = ENV.get_template(template).render(
        request=request, applicant=applicant, title=title, path=request.url.path, **context)
    return html_page(html, status)
