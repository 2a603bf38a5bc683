"""The portal's routes: every failure becomes a Persian page (or a trip to sign-in).

Never the JSON API's error body and never a 500 page for something the applicant did.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from daftar.core.errors import ServiceError
from daftar.portal.render import PREFIX, page
from daftar.portal.session import CsrfRefused, SignInRequired, signed_in
from daftar.services.errors import internal, invalid_request, translate

log = structlog.get_logger("daftar.portal")


def error_page(request: Request, err: ServiceError) -> Response:
    """A refusal as a page: its Persian headline, its rules, and the way back."""
    response = page(request, "error.html", applicant=signed_in(request), status=err.status,
                    title="خطا", error=err)
    if err.retry_after:
        response.headers["Retry-After"] = str(err.retry_after)
    return response


def as_service_error(exc: Exception) -> ServiceError | None:
    """The refusal a page shows for `exc` (the services' translator, and the CSRF check)."""
    if isinstance(exc, RequestValidationError):
        return invalid_request(exc.errors())
    if isinstance(exc, CsrfRefused):
        return ServiceError(403, "csrf", str(exc))
    return translate(exc)


class PortalRoute(APIRoute):
    """An APIRoute whose refusals are rendered for people."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, its failures rendered as pages."""
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as signin:
                return RedirectResponse(f"{PREFIX}?m={signin.code}", status_code=303)
            except Exception as exc:
                err = as_service_error(exc)
                if err is None:
                    log.exception("portal page failed")
                    err = internal()
                return error_page(request, err)

        return guarded


def router() -> APIRouter:
    """A router of portal pages (kept out of the API's OpenAPI document)."""
    return APIRouter(prefix=PREFIX, route_class=PortalRoute, include_in_schema=False)
