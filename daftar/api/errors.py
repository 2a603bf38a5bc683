"""Every refusal mapped to HTTP in one place, in API.md's error shape.

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

from daftar.core.errors import (
    IDEMPOTENCY_KEY,
    ErrorDetail,
    ServiceError,
    from_rpc,
    from_update_failure,
    unavailable,
)
from daftar.domain.violations import Violation

log = structlog.get_logger("daftar.api")

#: The rule a malformed field of a request belongs to, so even a schema error names its rule.
FIELD_RULES = {
    "national_id": "REG-5", "birth_date": "AGE-1", "citizenship": "GEN-1", "degree": "GEN-2",
    "military_service": "GEN-3", "military_service_end_date": "AGE-2",
    "computer_certificate": "GEN-5", "experience_years": "EXP-1", "occupation": "ART11-1",
    "quota": "REG-6", "province": "REG-7", "city": "REG-7", "amount_rials": "REG-2",
    "reference": "REG-2", "registration_start": "REG-1", "registration_end": "REG-1",
    "fee_rials": "REG-2", "veteran_share": "VET-2", "cities": "LAUNCH-1",
    "subjects": "EXAM-1", "group_weights": "EXAM-4", "taraz_scale": "EXAM-4",
    "first_name": "REG-2", "last_name": "REG-2", "father_name": "REG-2", "gender": "REG-2",
    "mobile": "REG-2", "total_score": "EXAM-2", "pass_mark": "EXAM-2",
}


class ErrorResponse(BaseModel):
    """API.md's one error shape, in which every refusal comes back."""

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
    """The OpenAPI `responses` of refusals with `statuses`, each in ErrorResponse's shape;
    `meanings` (`e404="Unknown application"`) overrides a status's description."""
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
    """Register the handlers that turn every failure into API.md's error shape."""

    @app.exception_handler(ServiceError)
    async def _api_error(_: Request, err: ServiceError) -> JSONResponse:
        return _response(err)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        rules = []
        for e in err.errors():
            loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")]
            if e.get("type") == "json_invalid":
                loc = []  # its location is a character offset in the body, not a field
            field = ".".join(loc) or None
            rule = next((FIELD_RULES[p] for p in loc if p in FIELD_RULES), "REQUEST")
            rules.append(Violation(rule=rule, field=field, message=str(e.get("msg"))))
        return _response(ServiceError(422, "invalid_request", "The request is malformed.", rules))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, err: StarletteHTTPException) -> JSONResponse:
        if err.status_code == 400:  # FastAPI could not read the body (e.g. not UTF-8): malformed
            return _response(ServiceError(422, "invalid_request", "The request is malformed.", [
                Violation(rule="REQUEST", message=str(err.detail))]))
        return _response(ServiceError(err.status_code, "http_error", str(err.detail)))

    @app.exception_handler(WorkflowUpdateFailedError)
    async def _update(_: Request, err: WorkflowUpdateFailedError) -> JSONResponse:
        return _response(from_update_failure(err))

    @app.exception_handler(RPCError)
    async def _rpc(_: Request, err: RPCError) -> JSONResponse:
        try:
            return _response(from_rpc(err))
        except RPCError:
            log.exception("temporal call failed", status=str(err.status))
            return _response(ServiceError(500, "internal", "An internal error occurred."))

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _database(_: Request, err: Exception) -> JSONResponse:
        log.warning("database unavailable", error=str(err).splitlines()[0])
        return _response(unavailable("The database"))

    @app.exception_handler(RuntimeError)
    async def _connection(_: Request, err: RuntimeError) -> JSONResponse:
        # The SDK raises RuntimeError("Failed client connect: ...") when Temporal is down.
        if "connect" in str(err).lower():
            return _response(unavailable("Temporal"))
        log.exception("unhandled error")
        return _response(ServiceError(500, "internal", "An internal error occurred."))
