"""The access log's recording: every staff read of an applicant's personal data, by route.

Which routes read personal data is written down once, here (`READS`, by method and route
template), for the JSON API and the console alike. `AccessRecorder` wraps every request; when
one of those routes is about to answer 2xx to a principal holding a staff role, it writes the
entry — the actor and roles the route's auth dependency authorised (`request.state.principal`),
the application in the path, what was read, the time and the request id of the request's log
context — and lets the response start only once the entry is committed. A caller therefore
cannot get the data without the entry: not by disconnecting early, not by any header or query.
If the entry cannot be written the read is refused (503 while the database is unreachable,
the console's error page for its routes) and the failure is logged with its traceback.

The applicant's reads of their own file are not recorded (only staff reads are asked for);
nor are refusals, which read nothing. Writes that answer with the application (a decision,
a claim) are in the workflow's history with their actor already.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from daftar.api.deps import Sessions
from daftar.api.errors import ErrorResponse
from daftar.core.errors import ErrorDetail, ServiceError, unavailable
from daftar.domain.stages import STAFF_ROLES
from daftar.services.access_log import record_read

log = structlog.get_logger("daftar.access_log")

#: The `request.state` attribute the auth dependencies set (`daftar.api.auth.current_principal`
#: for the JSON API, `daftar.console.session.viewer` for the console).
PRINCIPAL = "principal"
#: The prefix of what the console's pages read.
CONSOLE = "console:"

#: Every read of one applicant's personal data: (method, route template) → what is read.
#: docs/api.md's reads that are not served yet are named too, so they are recorded from the start.
READS: dict[tuple[str, str], str] = {
    ("GET", "/v1/applications/{app_id}"): "record",
    ("GET", "/v1/applications/{app_id}/photo"): "photo",
    ("GET", "/v1/applications/{app_id}/admission-card"): "admission_card",
    ("GET", "/console/applications/{app_id}/admission-card"): "console:admission_card",
    ("GET", "/v1/applications/{app_id}/documents"): "documents",
    ("GET", "/v1/applications/{app_id}/documents/{kind}/content"): "document",
    ("GET", "/v1/applications/{app_id}/history"): "history",
    ("GET", "/v1/applications/{app_id}/history/export"): "export",
    ("GET", "/console/applications/{app_id}"): "console:application",
    ("GET", "/console/applications/{app_id}/photo"): "console:photo",
    ("GET", "/console/applications/{app_id}/documents/{kind}"): "console:document",
    ("GET", "/console/applications/{app_id}/timeline"): "console:timeline",
    ("GET", "/console/applications/{app_id}/export"): "console:export",
    # Checking an export and replaying answer with the timeline page.
    ("POST", "/console/applications/{app_id}/verify"): "console:timeline",
    ("POST", "/console/applications/{app_id}/replay"): "console:timeline",
}

#: Renders a refusal for a console page (the console's error page).
PageRenderer = Callable[[Request, ServiceError], Response]


def read_of(scope: Scope, status: int) -> str | None:
    """What a request reads when its route is one of `READS` and it answers `status` 2xx."""
    if not 200 <= status < 300:
        return None
    template = getattr(scope.get("route"), "path_format", None)
    return READS.get((scope.get("method", ""), template or ""))


class AccessRecorder:
    """Pure ASGI middleware that commits a personal-data read's entry before the response starts.

    Without it the caller gets a refusal instead of the data.
    """

    def __init__(self, app: ASGIApp, *, pages: PageRenderer | None = None) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request, committing a personal-data read's entry before its response starts.

        A read whose entry cannot be written is answered with a refusal instead (a 503 or a
        500, as a console page for the console's reads).
        """
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A state of this request's own: the principal can only come from its own auth.
        scope["state"] = {k: v for k, v in (scope.get("state") or {}).items()
                          if k != PRINCIPAL}
        refused = False

        async def recorded(message: Message) -> None:
            nonlocal refused
            if refused:
                return  # the route's answer after a refusal never leaves
            if message["type"] == "http.response.start":
                what = read_of(scope, int(message["status"]))
                if what is not None:
                    refusal = await self._record(scope, what)
                    if refusal is not None:
                        refused = True
                        await refusal(scope, receive, send)
                        return
            await send(message)

        await self.app(scope, receive, recorded)

    async def _record(self, scope: Scope, what: str) -> Response | None:
        """Write the entry; None when written (or not a staff read), else the refusal."""
        principal = scope["state"].get(PRINCIPAL)
        if principal is None:  # a route in READS that authorised nobody: a bug, not a read
            log.error("personal-data read without a principal", what=what)
            return self._refusal(scope, what, ServiceError(500, "internal",
                                                       "An internal error occurred."))
        if not principal.has(*STAFF_ROLES):
            return None
        app_id = str((scope.get("path_params") or {}).get("app_id", ""))
        request_id = str(structlog.contextvars.get_contextvars().get("request_id", ""))
        sessions: Sessions = scope["app"].state.sessions
        try:
            await asyncio.to_thread(record_read, sessions, actor=principal.sub,
                                    roles=[r.value for r in principal.roles],
                                    application_id=app_id, what=what, request_id=request_id)
        except (OperationalError, PoolTimeout):
            log.exception("access log unreachable; the read is refused", what=what)
            return self._refusal(scope, what, unavailable("The access log"))
        except Exception:
            log.exception("access log entry not written; the read is refused", what=what)
            return self._refusal(scope, what, ServiceError(500, "internal",
                                                       "An internal error occurred."))
        return None

    def _refusal(self, scope: Scope, what: str, err: ServiceError) -> Response:
        if self.pages is not None and what.startswith(CONSOLE):
            return self.pages(Request(scope), err)
        body = ErrorResponse(error=ErrorDetail(code=err.code, message=err.message,
                                               rules=err.rules))
        headers = {"Retry-After": str(err.retry_after)} if err.retry_after else None
        return JSONResponse(body.model_dump(), status_code=err.status, headers=headers)


def install(app: FastAPI, *, pages: PageRenderer | None = None) -> None:
    """Record personal-data reads.

    Call it before `metrics.install`: middleware added first runs innermost, inside the request's
    log context (whose request id an entry keeps).
    """
    app.add_middleware(AccessRecorder, pages=pages)
