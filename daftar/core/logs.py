"""structlog setup: console lines in development, JSON in production (README: "Metrics and logs").

Every line that concerns one applicant carries `workflow_id`, `run_id`, `application_id`,
`stage` and `actor` as top-level fields, wherever it comes from:

- workflow code logs through `workflow.logger` (silent on replay) and passes the application,
  stage and actor in `extra`; the SDK adds its own `temporal_workflow` dict, which
  `flatten_temporal` lifts to top-level fields (`temporal_activity` likewise);
- structlog lines inside an activity get the workflow's ids from `add_activity_context`;
- in the API, `RequestContext` binds a request id per request, `bind_route` the route template
  and the application its path names, and the auth dependency the actor and roles.

`redact_personal_data` runs on every line just before it is rendered: a safety net, not the
policy. Code must not log personal data in the first place; this catches what slips through.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Mapping, MutableMapping
from typing import IO, Any

import structlog
import temporalio.activity
import temporalio.workflow
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.types import EventDict, Processor, WrappedLogger

from daftar.contracts.ids import applicant_workflow_id

#: Keys whose values never reach a log line: the applicant's identity and contact details,
#: free-text reasons (a security reason is confidential, SEC-1) and credentials.
REDACTED_KEYS = frozenset({
    "national_id", "first_name", "last_name", "father_name", "mobile", "birth_date",
    "reason", "security_reason", "form", "authorization", "token", "applicant_token",
})
REDACTED = "[redacted]"
#: A national code (10 digits) or a mobile number (09…, 11 digits, or +98…) standing alone in
#: free text, e.g. an error message quoting its input. Longer digit runs (tracking codes are 20
#: digits) and hex ids do not match.
_PERSONAL_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\+98|0098)?\d{10,11}(?![0-9A-Za-z])")
#: Application ids are 16 hex digits (daftar.domain.identity); anything else in the path is
#: not bound.
_APPLICATION_ID = re.compile(r"[0-9a-f]{16}")
_APPLICANT_PREFIX = applicant_workflow_id("")
#: A client's X-Request-ID is kept only when it is short and plain.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_access = structlog.get_logger("daftar.api.access")


def configure(*, fmt: str = "console", level: str = "INFO", stream: IO[str] | None = None,
              ) -> None:
    """Route structlog and the standard library (Temporal's loggers) through one renderer.

    `stream` defaults to stderr; tests pass a buffer. The structlog side of the chain is the
    same for every format, so loggers cached on first use stay right after a reconfigure.
    """
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        add_activity_context,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    out = stream or sys.stderr
    # JSON lines carry a formatted traceback (and it is redacted like the rest); the console
    # renderer draws exceptions itself.
    rendering: list[Processor] = (
        [structlog.processors.format_exc_info, redact_personal_data,
         structlog.processors.JSONRenderer()] if fmt == "json"
        else [redact_personal_data,
              structlog.dev.ConsoleRenderer(colors=stream is None and out.isatty())])
    structlog.configure(
        # Below the level, a line costs one check: no context merge, no rendering.
        processors=[structlog.stdlib.filter_by_level, *shared,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # Temporal's workflow and activity loggers put their context (workflow id, run id, ...)
    # into `extra`; keep it as fields rather than appended to the message.
    temporalio.workflow.logger.workflow_info_on_message = False
    temporalio.activity.logger.activity_info_on_message = False
    handler = logging.StreamHandler(out)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    flatten_temporal, *rendering]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # At DEBUG the SDK's worker logs every task completion whole, payloads included
    # (encrypted by the codec, but bulky and not ours to show): DEBUG is for daftar's lines.
    logging.getLogger("temporalio.worker").setLevel(
        max(logging.INFO, logging.getLevelNamesMapping()[level.upper()]))


# --- processors ---------------------------------------------------------------------------

_WORKFLOW_FIELDS = {"workflow_id": "workflow_id", "run_id": "run_id",
                    "workflow_type": "workflow_type", "task_queue": "task_queue",
                    "update_name": "update_name", "update_id": "update_id"}
_ACTIVITY_FIELDS = {"workflow_id": "workflow_id", "workflow_run_id": "run_id",
                    "workflow_type": "workflow_type", "task_queue": "task_queue",
                    "activity_type": "activity_type", "activity_id": "activity_id",
                    "attempt": "attempt"}


def flatten_temporal(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Lift the SDK's `temporal_workflow` / `temporal_activity` dicts (from `extra`) to the top.

    As top-level fields, a search for `workflow_id` finds workflow, activity and API lines
    alike; fields the call site set itself win. An applicant's workflow id names its
    application, so the SDK's own lines about it ("Starting activity", a failed task) get
    `application_id` too.
    """
    for key, fields in (("temporal_workflow", _WORKFLOW_FIELDS),
                        ("temporal_activity", _ACTIVITY_FIELDS)):
        details = event_dict.pop(key, None)
        if isinstance(details, Mapping):
            for source, target in fields.items():
                if details.get(source) not in (None, ""):
                    event_dict.setdefault(target, details[source])
    workflow_id = event_dict.get("workflow_id")
    if isinstance(workflow_id, str) and workflow_id.startswith(_APPLICANT_PREFIX):
        app_id = workflow_id.removeprefix(_APPLICANT_PREFIX)
        if _APPLICATION_ID.fullmatch(app_id):
            event_dict.setdefault("application_id", app_id)
    return event_dict


def add_activity_context(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Inside an activity, add the ids of the workflow it works for.

    Activities log with structlog, which (unlike `activity.logger`) knows nothing of Temporal
    by itself.
    """
    if not temporalio.activity.in_activity():
        return event_dict
    info = temporalio.activity.info()
    for target, value in (("workflow_id", info.workflow_id), ("run_id", info.workflow_run_id),
                          ("workflow_type", info.workflow_type),
                          ("activity_type", info.activity_type)):
        if value:
            event_dict.setdefault(target, value)
    return event_dict


def redact_personal_data(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Mask personal data: the last step before rendering, whatever the line's source.

    Masks the values of `REDACTED_KEYS` (at any depth) and national-code or mobile-like
    numbers in any text.
    """
    for key, value in event_dict.items():
        event_dict[key] = _redact(key, value, depth=0)
    return event_dict


def _redact(key: Any, value: Any, *, depth: int) -> Any:
    if isinstance(key, str) and key.lower() in REDACTED_KEYS:
        return REDACTED
    if isinstance(value, str):
        return _PERSONAL_NUMBER.sub(REDACTED, value)
    if depth >= 4:  # deeper structures are not logged on purpose; keep the cost bounded
        return value
    if isinstance(value, Mapping):
        return {k: _redact(k, v, depth=depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(None, v, depth=depth + 1) for v in value]
    return value


# --- the API's request context ------------------------------------------------------------


def bind_route(scope: MutableMapping[str, Any]) -> None:
    """Bind the matched route's template (`unmatched` before or without a match).

    When the path names an application (`{app_id}`), its application and workflow ids are
    bound too.
    """
    route = scope.get("route")
    fields: dict[str, Any] = {"route": getattr(route, "path_format", None) or "unmatched"}
    app_id = (scope.get("path_params") or {}).get("app_id")
    if isinstance(app_id, str) and _APPLICATION_ID.fullmatch(app_id):
        fields.update(application_id=app_id, workflow_id=applicant_workflow_id(app_id))
    structlog.contextvars.bind_contextvars(**fields)


class RequestContext:
    """Pure ASGI middleware: a fresh log context per request, and one `request` line.

    Each request's context has a request id (the client's `X-Request-ID` when it sends a plain
    one, echoed back); the `request` line at the end has status and duration. Successful
    requests log at DEBUG (uvicorn's access log is off), client errors at INFO, server errors
    at WARNING.

    The caller's structlog context is put back afterwards, so in-process callers (tests
    driving the app through httpx's ASGI transport) see no request fields leak into theirs.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request in its own log context, then log its `request` line."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        saved = structlog.contextvars.get_contextvars()
        structlog.contextvars.clear_contextvars()
        request_id = _request_id(scope)
        structlog.contextvars.bind_contextvars(request_id=request_id, method=scope["method"])
        status = 500  # what the client gets if the app raises before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            bind_route(scope)
            level = (logging.DEBUG if status < 400 else
                     logging.INFO if status < 500 else logging.WARNING)
            _access.log(level, "request", status=status,
                        duration_ms=round((time.perf_counter() - started) * 1000, 1))
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(**saved)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given: str = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex
