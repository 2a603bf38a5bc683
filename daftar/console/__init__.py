"""The staff web console: Persian, right-to-left pages served by the API under `/console`.

A client of the same services as the JSON API (`daftar.services`): its pages parse a form,
call a service and render the answer; every refusal it shows comes from the workflow
validators and domain rules, through the services' one error translator.
"""

from __future__ import annotations

from collections.abc import Awaitable
from inspect import isawaitable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from daftar.console.routes import (
    access_log,
    application,
    applications_list,
    audit,
    corrections,
    cycles,
    dashboard,
    gate,
    inbox,
    notifications,
    signin,
)
from daftar.console.routing import error_page
from daftar.core.errors import ServiceError
from daftar.services.errors import invalid_request

STATIC = Path(__file__).parent / "static"
#: The refusal code of an HTTP error raised outside a console route (e.g. a method the path
#: does not take), for the Persian error page.
_HTTP_CODES = {400: "invalid_request", 403: "forbidden", 404: "not_found", 401: "unauthenticated"}


def _console_page(path: str) -> bool:
    """Whether `path` is a console page (its static files answer as files do)."""
    return (path == "/console" or path.startswith("/console/")) and not path.startswith(
        "/console/static/")


async def _answer(response: Response | Awaitable[Response]) -> Response:
    """An exception handler's answer, whether the handler is async or not."""
    return await response if isawaitable(response) else response


def _errors_as_pages(app: FastAPI) -> None:
    """Render an HTTP or a request's validation error at a console address as a Persian page.

    Any other address keeps the handler installed before (the JSON API's). The console's
    routes render their own failures (`ConsoleRoute`); this takes what happens before a route
    runs, e.g. a POST to an address that only answers GET.
    """
    earlier_http = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)
    earlier_invalid = app.exception_handlers.get(RequestValidationError,
                                                 request_validation_exception_handler)

    async def _http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not _console_page(request.url.path):
            return await _answer(earlier_http(request, exc))
        response = error_page(request, ServiceError(
            exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail)))
        response.headers.update(exc.headers or {})
        return response

    async def _invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not _console_page(request.url.path):
            return await _answer(earlier_invalid(request, exc))
        return error_page(request, invalid_request(exc.errors()))

    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)


def install(app: FastAPI) -> None:
    """Serve the console's pages under `/console` and its files under `/console/static`."""
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    # The routers carry the `/console` prefix themselves, so each route's template (in logs
    # and metrics) is the full path, e.g. `/console/applications/{app_id}`.
    for module in (signin, inbox, application, corrections, dashboard, cycles, audit,
                   access_log, notifications, gate, applications_list):
        app.include_router(module.routes)
    app.include_router(signin.fallback)  # last: it takes any other path
    _errors_as_pages(app)
