"""The console's routes: every failure becomes a Persian page (or a trip to sign-in).

Never the JSON API's error body and never a 500 page for something a user did.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from daftar.console.render import PREFIX, page
from daftar.console.session import CsrfRefused, SignInRequired, Viewer, viewer
from daftar.core.errors import ServiceError
from daftar.services.errors import internal, invalid_request, translate

log = structlog.get_logger("daftar.console")


def error_page(request: Request, err: ServiceError) -> Response:
    """A refusal as a page: its Persian headline, its rules, and the way back."""
    who: Viewer | None
    try:
        who = viewer(request)
    except SignInRequired:
        who = None
    response = page(request, "error.html", viewer=who, status=err.status, title="خطا",
                    error=err)
    if err.retry_after:
        response.headers["Retry-After"] = str(err.retry_after)
    return response


def _as_service_error(exc: Exception) -> ServiceError | None:
    """The refusal a page shows for `exc`.

    The services' translator (the API's too), plus what only a console request raises (its form's
    CSRF check).
    """
    if isinstance(exc, RequestValidationError):
        return invalid_request(exc.errors())
    if isinstance(exc, CsrfRefused):
        return ServiceError(403, "csrf", str(exc))
    return translate(exc)


class ConsoleRoute(APIRoute):
    """An APIRoute whose refusals are rendered for people."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, its failures rendered as pages."""
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as signin:
                return RedirectResponse(f"{PREFIX}/sign-in?m={signin.code}", status_code=303)
            except Exception as exc:
                err = _as_service_error(exc)
                if err is None:
                    log.exception("console page failed")
                    err = internal()
                return error_page(request, err)

        return guarded
