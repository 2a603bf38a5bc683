"""The console's routes: every failure becomes a Persian page (or a trip to sign-in), never
the JSON API's error body and never a 500 page for something a user did."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from daftar.console.render import PREFIX, page
from daftar.console.session import CsrfRefused, SignInRequired, Viewer, viewer
from daftar.core.errors import ServiceError, from_rpc, from_update_failure, unavailable
from daftar.domain.violations import Violation

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


def _as_api_error(exc: Exception) -> ServiceError | None:
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, RequestValidationError):
        rules = [Violation(rule="REQUEST", field=".".join(str(p) for p in e.get("loc", ())[1:])
                           or None, message=str(e.get("msg"))) for e in exc.errors()]
        return ServiceError(422, "invalid_request", "The request is malformed.", rules)
    if isinstance(exc, CsrfRefused):
        return ServiceError(403, "csrf", str(exc))
    if isinstance(exc, WorkflowUpdateFailedError):
        return from_update_failure(exc)
    if isinstance(exc, RPCError):
        try:
            return from_rpc(exc)
        except RPCError:
            return None
    if isinstance(exc, OperationalError | PoolTimeout):
        return unavailable("The database")
    if isinstance(exc, RuntimeError) and "connect" in str(exc).lower():
        return unavailable("Temporal")
    return None


class ConsoleRoute(APIRoute):
    """An APIRoute whose refusals are rendered for people."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as signin:
                return RedirectResponse(f"{PREFIX}/sign-in?m={signin.code}", status_code=303)
            except Exception as exc:
                err = _as_api_error(exc)
                if err is None:
                    log.exception("console page failed")
                    err = ServiceError(500, "internal", "An internal error occurred.")
                return error_page(request, err)

        return guarded
