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

from collections.abc import Mapping, Sequence
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
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from daftar.domain.refusals import RefusalKind
from daftar.domain.violations import Violation

log = structlog.get_logger("daftar.api")

RETRY_AFTER_SECONDS = 5
#: The request header that names a change, so that sending it again applies it at most once;
#: a 503 that leaves a change unsettled carries it back.
IDEMPOTENCY_KEY = "Idempotency-Key"

#: The status of each refusal type an update validator raises.
REFUSAL_STATUS: dict[str, int] = {
    RefusalKind.wrong_stage: 409,
    RefusalKind.duplicate: 409,
    RefusalKind.already_applied: 409,
    RefusalKind.not_ready: 409,
    RefusalKind.claimed: 409,
    RefusalKind.forbidden: 403,
    RefusalKind.invalid: 422,
}

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


class ErrorDetail(BaseModel):
    code: str
    message: str
    rules: list[Violation]


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


class ApiError(Exception):
    """An error a client caused or must be told about, already in API.md's terms."""

    def __init__(self, status: int, code: str, message: str,
                 rules: Sequence[Violation] = (), *, retry_after: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.rules = list(rules)
        self.retry_after = retry_after
        self.headers = dict(headers or {})


def violations_error(message: str, violations: Sequence[Violation]) -> ApiError:
    """422 listing every broken rule."""
    return ApiError(422, "rule_violation", message, violations)


def unavailable(what: str, *, key: str | None = None) -> ApiError:
    """503: `what` (Temporal, the database) does not answer. With `key`, a change was on its
    way to Temporal when it stopped answering: it may still be applied, once."""
    if key is None:
        return ApiError(503, "unavailable", f"{what} is unreachable; try again shortly.",
                        retry_after=RETRY_AFTER_SECONDS)
    return ApiError(503, "unavailable", (
        f"{what} is unreachable, and this change may have reached it before it stopped "
        f"answering: it may still be applied, once. Read the application before sending it "
        f"again, and send it again only with the header {IDEMPOTENCY_KEY}: {key}, so that it "
        f"is applied at most once."), retry_after=RETRY_AFTER_SECONDS,
        headers={IDEMPOTENCY_KEY: key})


# --- no worker: Temporal answers, but no daftar worker runs the workflows ----------------

_NO_WORKER = "No daftar worker is running"


def no_worker_to_read() -> ApiError:
    """503: a read that only a worker can answer (a workflow's query) while none runs."""
    return ApiError(503, "worker_unavailable", (
        f"{_NO_WORKER} (Temporal is up), so the workflow cannot be read now and nothing was "
        f"changed; try again shortly."), retry_after=RETRY_AFTER_SECONDS)


def worker_did_not_answer(seconds: int) -> ApiError:
    """503: Temporal lists a worker, but none answered a read within `seconds`."""
    return ApiError(503, "worker_unavailable", (
        f"No daftar worker answered within {seconds} s (Temporal is up; a worker may have "
        f"stopped), so the workflow cannot be read now and nothing was changed; try again "
        f"shortly."),
        retry_after=RETRY_AFTER_SECONDS)


def no_worker_not_sent(key: str | None) -> ApiError:
    """503: no worker runs, so the change was not sent to Temporal: not applied. `key` is the
    caller's own Idempotency-Key, if it sent one: an earlier request with that key may still
    be pending."""
    if key is None:
        return ApiError(503, "worker_unavailable", (
            f"{_NO_WORKER} (Temporal is up): this change was not sent, so it is not applied. "
            f"Send it again shortly."), retry_after=RETRY_AFTER_SECONDS)
    return ApiError(503, "worker_unavailable", (
        f"{_NO_WORKER} (Temporal is up): this request was not sent and changed nothing. Send "
        f"it again shortly, with the same {IDEMPOTENCY_KEY}: an earlier request with this key "
        f"that was not confirmed may still be applied, once, and the key keeps it to one."),
        retry_after=RETRY_AFTER_SECONDS, headers={IDEMPOTENCY_KEY: key})


def not_accepted(key: str) -> ApiError:
    """503: the change reached Temporal, but no worker takes it (one stopped on the way): it
    waits there and may still be applied, once, when a worker returns."""
    return ApiError(503, "worker_unavailable", (
        f"No daftar worker is taking this change (Temporal is up; a worker may have stopped): "
        f"it is not confirmed, and it may still be applied, once, when a worker takes it. "
        f"Read the application before sending it again, and send it again only with the "
        f"header {IDEMPOTENCY_KEY}: {key}, so that it is applied at most once."),
        retry_after=RETRY_AFTER_SECONDS, headers={IDEMPOTENCY_KEY: key})


def not_finished(key: str, seconds: int) -> ApiError:
    """503: a worker accepted the change (it is in the history) but its result did not come
    within `seconds`: it completes when a worker goes on with it."""
    return ApiError(503, "worker_unavailable", (
        f"This change was accepted and is recorded, but its result did not come within "
        f"{seconds} s (a worker may have stopped): it completes when a daftar worker goes on "
        f"with it. Do not send it as a new change; sending it again with the header "
        f"{IDEMPOTENCY_KEY}: {key} answers with its result once there is one."),
        retry_after=RETRY_AFTER_SECONDS, headers={IDEMPOTENCY_KEY: key})


def from_update_failure(err: WorkflowUpdateFailedError) -> ApiError:
    """A refusal from a workflow validator, with its rules."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in REFUSAL_STATUS:
        details = cause.details[0] if cause.details else {}
        rules = [Violation.model_validate(r) for r in details.get("rules", [])]
        return ApiError(REFUSAL_STATUS[cause.type], cause.type, cause.message, rules)
    log.error("update failed unexpectedly", error=str(cause or err))
    return ApiError(409, "refused", str(cause or err))


def from_rpc(err: RPCError) -> ApiError:
    """Temporal's RPC failures: down, slow or busy → 503; other statuses are programming
    errors."""
    if err.status == RPCStatusCode.RESOURCE_EXHAUSTED:  # answering, but over a limit
        return ApiError(503, "unavailable", "Temporal is busy (it holds as many requests as "
                        "it takes at once, for this application or overall); try again "
                        "shortly.", retry_after=RETRY_AFTER_SECONDS)
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED,
                      RPCStatusCode.CANCELLED):
        return unavailable("Temporal")
    raise err


def _body(err: ApiError) -> dict[str, Any]:
    return {"error": {"code": err.code, "message": err.message,
                      "rules": [v.model_dump() for v in err.rules]}}


def _response(err: ApiError) -> JSONResponse:
    headers = dict(err.headers)
    if err.retry_after:
        headers["Retry-After"] = str(err.retry_after)
    return JSONResponse(_body(err), status_code=err.status, headers=headers or None)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into API.md's error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, err: ApiError) -> JSONResponse:
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
        return _response(ApiError(422, "invalid_request", "The request is malformed.", rules))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, err: StarletteHTTPException) -> JSONResponse:
        if err.status_code == 400:  # FastAPI could not read the body (e.g. not UTF-8): malformed
            return _response(ApiError(422, "invalid_request", "The request is malformed.", [
                Violation(rule="REQUEST", message=str(err.detail))]))
        return _response(ApiError(err.status_code, "http_error", str(err.detail)))

    @app.exception_handler(WorkflowUpdateFailedError)
    async def _update(_: Request, err: WorkflowUpdateFailedError) -> JSONResponse:
        return _response(from_update_failure(err))

    @app.exception_handler(RPCError)
    async def _rpc(_: Request, err: RPCError) -> JSONResponse:
        try:
            return _response(from_rpc(err))
        except RPCError:
            log.exception("temporal call failed", status=str(err.status))
            return _response(ApiError(500, "internal", "An internal error occurred."))

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
        return _response(ApiError(500, "internal", "An internal error occurred."))
