"""Every refusal mapped to HTTP in one place, in docs/api.md's error shape.

`{"error": {"code", "message", "rules": [{"rule", "field", "message"}]}}`: domain violations
and malformed bodies are 422, a role that may not act 403, wrong stage or duplicate 409,
unknown 404, and 503 with `Retry-After` naming the part that is down: Temporal or the database
unreachable (`unavailable`), or no daftar worker serving the task queue (`worker_unavailable`).
A 503 for a request that changes an application says whether it was applied: one that may yet
be applied carries the `Idempotency-Key` to send it again with, so it is applied at most once.
Nothing a client sends becomes a 500.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from daftar.core.errors import IDEMPOTENCY_KEY, ErrorDetail, ServiceError
from daftar.domain.violations import Violation
from daftar.services.errors import internal, invalid_request, translate

log = structlog.get_logger("daftar.api")


class ErrorResponse(BaseModel):
    """docs/api.md's one error shape, in which every refusal comes back."""

    error: ErrorDetail


_MEANING = {
    401: "No valid token", 403: "The role may not act", 404: "Unknown",
    409: "Wrong stage, duplicate, or a condition not met",
    415: "The body is not of a media type the operation accepts",
    422: "Malformed or rule-breaking input",
    503: "Temporal, the database or the codec unreachable (`unavailable`), or no daftar worker "
         "running (`worker_unavailable`); see Retry-After. With an Idempotency-Key header the "
         "change may still be applied: read before sending it again, and send it again only "
         "with that key",
}

#: The headers a 503 may carry, as OpenAPI documents them.
_HEADERS_503 = {
    "Retry-After": {"description": "Seconds to wait before trying again.",
                    "schema": {"type": "string"}},
    IDEMPOTENCY_KEY: {"description": "The change may still be applied, once: send it again "
                                     "only with this key, which Temporal deduplicates.",
                      "schema": {"type": "string"}},
}


def responses(*statuses: int, **meanings: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of refusals with `statuses`, each in ErrorResponse's shape.

    `meanings` (`e404="Unknown application"`) overrides a status's description.
    """
    return {status: {"model": ErrorResponse,
                     "description": meanings.get(f"e{status}", _MEANING[status]),
                     **({"headers": _HEADERS_503} if status == 503 else {})}
            for status in statuses}


def _body(err: ServiceError) -> dict[str, Any]:
    return {"error": {"code": err.code, "message": err.message,
                      "rules": [v.model_dump() for v in err.rules]}}


def _response(err: ServiceError) -> JSONResponse:
    headers = dict(err.headers)
    if err.retry_after:
        headers["Retry-After"] = str(err.retry_after)
    return JSONResponse(_body(err), status_code=err.status, headers=headers or None)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into docs/api.md's error shape.

    They go through the services' one translator (the console's pages use the same).
    """

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        return _response(invalid_request(err.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, err: StarletteHTTPException) -> JSONResponse:
        if err.status_code == 400:  # FastAPI could not read the body (e.g. not UTF-8): malformed
            return _response(ServiceError(422, "invalid_request", "The request is malformed.", [
                Violation(rule="REQUEST", message=str(err.detail))]))
        return _response(ServiceError(err.status_code, "http_error", str(err.detail)))

    async def _translated(_: Request, err: Exception) -> JSONResponse:
        answer = translate(err)
        if answer is None:
            log.exception("unhandled error", error=type(err).__name__)
            answer = internal()
        return _response(answer)

    # The types `translate` knows, and RuntimeError for the SDK's failed connection.
    for kind in (ServiceError, WorkflowUpdateFailedError, RPCError, OperationalError,
                 PoolTimeout, RuntimeError):
        app.add_exception_handler(kind, _translated)
