"""Page routes: every failure becomes a Persian page (or a trip to sign-in).

Never the JSON API's error body and never a 500 page for something a user did. A page
package subclasses `PageRoute` with its name, its sign-in address and its error page.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from daftar.core.errors import ServiceError
from daftar.pages.session import CsrfRefused, SignInRequired
from daftar.services.errors import internal, invalid_request, translate


def as_service_error(exc: Exception) -> ServiceError | None:
    """The refusal a page shows for `exc`.

    The services' translator (the API's too), plus what only a page request raises (its form's
    CSRF check).
    """
    if isinstance(exc, RequestValidationError):
        return invalid_request(exc.errors())
    if isinstance(exc, CsrfRefused):
        return ServiceError(403, "csrf", str(exc))
    return translate(exc)


def with_retry_after(response: Response, err: ServiceError) -> Response:
    """`response`, telling the browser when to try again if the refusal says so."""
    if err.retry_after:
        response.headers["Retry-After"] = str(err.retry_after)
    return response


class PageRoute(APIRoute):
    """An APIRoute whose refusals are rendered for people."""

    #: The package's name: its logger is `daftar.<site>`.
    site: ClassVar[str]
    #: Where SignInRequired sends the browser, with the reason's code as `?m=`.
    sign_in: ClassVar[str]

    def error_page(self, request: Request, err: ServiceError) -> Response:
        """A refusal as the package's page."""
        raise NotImplementedError

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, its failures rendered as pages."""
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as signin:
                return RedirectResponse(f"{self.sign_in}?m={signin.code}", status_code=303)
            except Exception as exc:
                err = as_service_error(exc)
                if err is None:
                    structlog.get_logger(f"daftar.{self.site}").exception(
                        f"{self.site} page failed")
                    err = internal()
                return self.error_page(request, err)

        return guarded
