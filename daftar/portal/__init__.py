"""The applicant portal: Persian, right-to-left pages served by the API under `/portal`.

Applicants sign in with their national id, tracking code and a one-time code sent by SMS
(PORTAL-1), then see their own application: its stage and what to do next, every date in
Jalali, the exam result, the documents (uploaded here) and a reviewer's request for one, the
admission card, the office and the licence; and they may withdraw (WD-1). A client of the
same services as the JSON API and the console (`daftar.services`), never of either.
Registration and payment stay in the JSON API, for the registration front-end.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from daftar.portal.routes import home, signin

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Serve the portal's pages under `/portal` and its own files under `/portal/static`.

    Its style sheet, script and fonts are otherwise the console's (`/console/static`).
    """
    app.mount("/portal/static", StaticFiles(directory=STATIC), name="portal-static")
    for module in (signin, home):
        app.include_router(module.routes)
    app.include_router(home.fallback)  # last: it takes any other path
