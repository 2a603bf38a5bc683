"""The staff web console: Persian, right-to-left pages served by the API under `/console`.

A client of the same services as the JSON API (`daftar.services`): its pages parse a form,
call a service and render the answer; every refusal it shows comes from the workflow
validators and domain rules, through the services' one error translator.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from daftar.console.routes import (
    access_log,
    application,
    audit,
    corrections,
    cycles,
    dashboard,
    gate,
    inbox,
    notifications,
    signin,
)

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Serve the console's pages under `/console` and its files under `/console/static`."""
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    # The routers carry the `/console` prefix themselves, so each route's template (in logs
    # and metrics) is the full path, e.g. `/console/applications/{app_id}`.
    for module in (signin, inbox, application, corrections, dashboard, cycles, audit,
                   access_log, notifications, gate):
        app.include_router(module.routes)
    app.include_router(signin.fallback)  # last: it takes any other path
