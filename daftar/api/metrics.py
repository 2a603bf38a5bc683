"""Prometheus metrics of the API: requests, latency and errors by route; `GET /metrics`.

Labels stay bounded: the route is the matched route's template (`/v1/applications/{app_id}`),
never the raw path, and `unmatched` when no route matched (404s, slash redirects); the error
code is docs/api.md's `error.code` when the body carries one, else the status class (`4xx`, `5xx`).

`install` is the API's one observability hook in `create_app`, so it also puts the per-request
log context (`daftar.core.logs.RequestContext`) around everything.
"""

from __future__ import annotations

import json
import re
import time

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from daftar.core.logs import RequestContext

UNMATCHED = "unmatched"
#: Error bodies bigger than this are not read for their code (ours are well under 4 KiB).
_MAX_ERROR_BODY = 64 * 1024
#: docs/api.md's error codes are short snake_case words; anything else counts by status class.
_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


class HttpMetrics:
    """The API's collectors, in a registry of their own.

    Several apps in one process (the tests) each count their own requests, and nothing global needs
    resetting.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "daftar_http_requests", "HTTP requests answered, by route template and status.",
            ["method", "route", "status"], registry=self.registry)
        self.duration = Histogram(
            "daftar_http_request_duration_seconds",
            "Time from receiving a request to the end of its response, by route template.",
            ["method", "route"], registry=self.registry)
        self.errors = Counter(
            "daftar_http_errors",
            "Responses with status >= 400, by route and API error code (or status class).",
            ["method", "route", "code"], registry=self.registry)
        self.in_flight = Gauge(
            "daftar_http_requests_in_flight", "Requests being handled now.", ["method"],
            registry=self.registry)


class MetricsMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware) that counts and times the API's requests.

    It neither buffers responses nor moves the app into another task, so streaming and the request's
    log context are left as they are.
    """

    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request, counting it by route and status and timing it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        status = 500  # what the client gets if the app raises before answering
        error_body = bytearray()
        json_error = False

        async def observe(message: Message) -> None:
            nonlocal status, json_error
            if message["type"] == "http.response.start":
                status = int(message["status"])
                content_type = dict(message.get("headers", ())).get(b"content-type", b"")
                json_error = status >= 400 and content_type.startswith(b"application/json")
            elif message["type"] == "http.response.body" and json_error:
                if len(error_body) < _MAX_ERROR_BODY:
                    error_body.extend(message.get("body", b""))
            await send(message)

        in_flight = self.metrics.in_flight.labels(method)
        in_flight.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, observe)
        finally:
            elapsed = time.perf_counter() - started
            in_flight.dec()
            # The router records the route it matched in the scope (Starlette and FastAPI).
            route = getattr(scope.get("route"), "path_format", None) or UNMATCHED
            m = self.metrics
            m.requests.labels(method, route, str(status)).inc()
            m.duration.labels(method, route).observe(elapsed)
            if status >= 400:
                m.errors.labels(method, route, _error_code(status, bytes(error_body))).inc()


def _error_code(status: int, body: bytes) -> str:
    """`error.code` of docs/api.md's error shape, when the body has it; else `4xx`/`5xx`."""
    if body and len(body) < _MAX_ERROR_BODY:
        try:
            code = json.loads(body)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None
        if isinstance(code, str) and _ERROR_CODE.fullmatch(code):
            return code
    return f"{status // 100}xx"


def install(app: FastAPI) -> None:
    """Count and time every request by route; serve `/metrics`; set up the log context."""
    metrics = HttpMetrics()
    app.state.metrics = metrics
    # Added last is outermost: the log context spans the metrics too.
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestContext)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics(request: Request) -> Response:
        """The Prometheus text exposition of this API's metrics.

        No auth, as usual for a scrape target: it holds only counts and timings by route
        template (no ids, no personal data) and is meant for the internal network. Keep it
        off the public ingress (route only `/v1/*` and the health checks there).
        """
        registry: CollectorRegistry = request.app.state.metrics.registry
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
