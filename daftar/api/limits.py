"""Request body limits per route: 413 before an oversized body is read whole.

A route reads its body into memory (FastAPI parses JSON from the whole body), so without a
bound one request of 100 MB to the public registration endpoint costs 100 MB before it is
refused. This middleware answers 413 in docs/api.md's error shape, rule `REQUEST`, naming the
limit: at once from `Content-Length` when it is larger, and while the body streams when it
is absent (chunked) or smaller than what arrives. The connection is then closed, so the rest
of the body is not received either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from daftar.domain.documents import MAX_DOCUMENT_BYTES
from daftar.domain.photo import MAX_PHOTO_BYTES

KIB = 1024
MIB = 1024 * KIB
RULE = "REQUEST"
CODE = "too_large"


@dataclass(frozen=True)
class Limit:
    """The largest body `method` requests to paths matching `path` may send, in bytes."""

    method: str
    path: re.Pattern[str]
    max_bytes: int


def _route(method: str, pattern: str, max_bytes: int) -> Limit:
    return Limit(method, re.compile(pattern), max_bytes)


#: The first match wins; anything else gets DEFAULT_LIMIT.
LIMITS: tuple[Limit, ...] = (
    # A registration form or a decision is a few hundred bytes of JSON; 64 KiB leaves room
    # for long Persian text escaped as \uXXXX.
    _route("POST", r"^/v1/cycles/[^/]+/applications$", 64 * KIB),
    # Up to four times REG-4's 70 KB: a photo a little too heavy still reaches the REG-4
    # check, which tells the applicant its exact size.
    _route("PUT", r"^/v1/applications/[^/]+/photo$", 4 * MAX_PHOTO_BYTES),
    # A document past DOC-1's limit still reaches its check, which names its size.
    _route("PUT", r"^/v1/applications/[^/]+/documents/[a-z_]+$", 2 * MAX_DOCUMENT_BYTES),
    # The applicant portal's upload form: the file in a multipart body, and a CSRF field.
    _route("POST", r"^/portal/documents/[a-z_]+$", 2 * MAX_DOCUMENT_BYTES + 64 * KIB),
    # decisions, payment, exam-result, office, documents, withdraw, disqualify, ...
    _route("POST", r"^/v1/applications/[^/]+/[a-z-]+$", 64 * KIB),
    # 500 decisions, each with a reason of up to 4,000 characters.
    _route("POST", r"^/v1/decisions/batch$", 16 * MIB),
    # A cycle's answer counts: the load's 200,000 rows of eight subjects are about 85 MB as
    # JSON (a tenth of that as CSV).
    _route("POST", r"^/v1/cycles/[^/]+/exam-results$", 128 * MIB),
    # An exported history to replay.
    _route("POST", r"^/v1/audit/replay$", 32 * MIB),
    # Payloads the Temporal Web UI asks to decode: each may reach Temporal's 2 MB blob limit.
    _route("POST", r"^/v1/codec/(decode|encode)$", 8 * MIB),
)
DEFAULT_LIMIT = 1 * MIB


def limit_for(method: str, path: str) -> int:
    """The body limit of a request, in bytes."""
    return next((lim.max_bytes for lim in LIMITS
                 if lim.method == method and lim.path.match(path)), DEFAULT_LIMIT)


def _size(n: int) -> str:
    if n >= MIB and n % MIB == 0:
        return f"{n} bytes ({n // MIB} MiB)"
    if n >= KIB and n % KIB == 0:
        return f"{n} bytes ({n // KIB} KiB)"
    return f"{n} bytes"


def too_large_body(limit: int, size: int | None) -> bytes:
    """The 413 body in docs/api.md's error shape; `size` None when only `more than` is known."""
    got = f"it is {size} bytes" if size is not None else f"more than {limit} bytes arrived"
    message = (f"The request body is larger than this operation accepts: at most "
               f"{_size(limit)}; {got}.")
    return json.dumps({"error": {"code": CODE, "message": message, "rules": [
        {"rule": RULE, "field": None, "message": message}]}}).encode()


class _TooLarge(Exception):
    """Raised into the app from `receive` once the body passed its limit."""


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    """Pure ASGI: counts the body as the app reads it, and answers 413 in the app's stead."""

    def __init__(self, app: ASGIApp, *, limit: Callable[[str, str], int] = limit_for) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request, answering 413 when its body exceeds the route's limit.

        The declared length is checked before anything is read, the body as it is read.
        """
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["method"], scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _answer(send, limit, declared)  # nothing of the body is read
            return
        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:  # its answer to the interrupted read: ours instead
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _answer(send, limit, None)


async def _answer(send: Send, limit: int, size: int | None) -> None:
    body = too_large_body(limit, size)
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        # The client may still be sending: end the connection rather than read the rest.
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _documented(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the 413 to every operation that takes a body, in the ErrorResponse shape."""
    error = {"description": "The body is larger than the operation accepts", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("413", error)
    return schema


def install(app: FastAPI) -> None:
    """Limit every request's body (LIMITS) and document the 413 in the OpenAPI schema."""
    app.add_middleware(BodyLimitMiddleware)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _documented(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
