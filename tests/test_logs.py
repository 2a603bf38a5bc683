"""The log pipeline's own rules: personal data masked whatever slips through, the SDK's context
lifted to top-level fields, the console still readable, the API's request context contained."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import structlog
from fastapi import FastAPI

from daftar.core.logs import (
    REDACTED,
    RequestContext,
    flatten_temporal,
    redact_personal_data,
)
from tests.logcapture import captured_logs

NATIONAL_ID = "0012345678"
MOBILE = "09121234567"
TRACKING_CODE = "00000000012345678901"  # 20 digits: not a national id
APP_ID = "46b0fbfa54e17b72"


def redact(**fields: Any) -> dict[str, Any]:
    return dict(redact_personal_data(None, "info", dict(fields)))


def test_denied_keys_are_masked_at_any_depth() -> None:
    out = redact(event="registered", national_id=NATIONAL_ID, first_name="Ali",
                 Last_Name="Rezaei", father_name="Hasan", mobile=MOBILE, birth_date="1370/01/01",
                 reason="a confidential security reason",
                 detail={"form": {"city": "Tehran"}, "rows": [{"mobile": MOBILE}]},
                 application_id=APP_ID, stage="awaiting_exam")
    for key in ("national_id", "first_name", "Last_Name", "father_name", "mobile", "birth_date",
                "reason"):
        assert out[key] == REDACTED, key
    assert out["detail"] == {"form": REDACTED, "rows": [{"mobile": REDACTED}]}
    assert (out["application_id"], out["stage"]) == (APP_ID, "awaiting_exam")


def test_national_codes_and_mobiles_in_free_text_are_masked_but_ids_are_not() -> None:
    out = redact(event=f"bad input {NATIONAL_ID} or +98{MOBILE[1:]}, call {MOBILE}.",
                 error=f"tracking {TRACKING_CODE} of {APP_ID} at 2025-01-01T10:00:00Z")
    assert out["event"] == f"bad input {REDACTED} or {REDACTED}, call {REDACTED}."
    assert out["error"] == f"tracking {TRACKING_CODE} of {APP_ID} at 2025-01-01T10:00:00Z"


def test_the_sdks_context_becomes_top_level_fields() -> None:
    activity = {"activity_id": "1", "activity_type": "record_application", "attempt": 2,
                "namespace": "default", "task_queue": "daftar",
                "workflow_id": f"application-{APP_ID}", "workflow_run_id": "run-1",
                "workflow_type": "ApplicantWorkflow"}
    out = flatten_temporal(None, "info", {"event": "x", "temporal_activity": activity})
    assert out == {"event": "x", "workflow_id": f"application-{APP_ID}", "run_id": "run-1",
                   "workflow_type": "ApplicantWorkflow", "task_queue": "daftar",
                   "activity_type": "record_application", "activity_id": "1", "attempt": 2,
                   "application_id": APP_ID}
    # The cycle's workflow names no application.
    cycle = flatten_temporal(None, "info", {"temporal_workflow": {
        "workflow_id": "cycle-1405", "run_id": "r", "workflow_type": "ExamCycleWorkflow"}})
    assert "application_id" not in cycle


def test_json_lines_mask_personal_data_from_every_source() -> None:
    """structlog lines, standard-library lines with `extra`, and exception tracebacks."""
    with captured_logs(fmt="json", level="INFO") as buffer:
        structlog.get_logger("daftar.test").info("registered", national_id=NATIONAL_ID,
                                                 application_id=APP_ID)
        logging.getLogger("temporalio.workflow").info("stage x", extra={"mobile": MOBILE})
        try:
            raise ValueError(f"national id {NATIONAL_ID} is taken")
        except ValueError:
            structlog.get_logger("daftar.test").exception("refused")
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["registered", "stage x", "refused"]
    assert lines[0]["national_id"] == REDACTED and lines[0]["application_id"] == APP_ID
    assert lines[1]["mobile"] == REDACTED
    assert "ValueError" in lines[2]["exception"]
    assert NATIONAL_ID not in buffer.getvalue() and MOBILE not in buffer.getvalue()


def test_the_console_renderer_still_works() -> None:
    """`daftar dev` logs to the console: readable key=value lines, masked the same way."""
    with captured_logs(fmt="console", level="INFO") as buffer:
        structlog.get_logger("daftar.test").info("stage moved", application_id=APP_ID,
                                                 mobile=MOBILE)
        logging.getLogger("daftar.std").warning("plain %s", "standard library")
    text = buffer.getvalue()
    assert "stage moved" in text and f"application_id={APP_ID}" in text
    assert "plain standard library" in text
    assert MOBILE not in text and "\x1b[" not in text  # no colours into a non-terminal


async def test_request_context_is_fresh_per_request_and_put_back_after() -> None:
    app = FastAPI()

    @app.get("/v1/applications/{app_id}")
    async def seen(app_id: str) -> dict[str, Any]:
        return dict(structlog.contextvars.get_contextvars())

    app.add_middleware(RequestContext)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(caller="test", actor="someone-else")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://t") as client:
            r = await client.get(f"/v1/applications/{APP_ID}",
                                 headers={"X-Request-ID": "req-1"})
            bad = await client.get("/nowhere", headers={"X-Request-ID": "<script>"})
        inside = r.json()
        # The caller's fields do not leak in; the request's own do not leak out.
        assert "caller" not in inside and "actor" not in inside
        assert (inside["request_id"], inside["method"]) == ("req-1", "GET")
        assert r.headers["x-request-id"] == "req-1"
        assert bad.headers["x-request-id"] != "<script>" and len(bad.headers["x-request-id"]) == 32
        assert structlog.contextvars.get_contextvars() == {"caller": "test",
                                                           "actor": "someone-else"}
    finally:
        structlog.contextvars.clear_contextvars()
