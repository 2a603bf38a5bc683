"""Logs configured into a buffer for one test, and the process's logging put back after."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
import temporalio.activity
import temporalio.workflow

from daftar.core.logs import configure


@contextmanager
def captured_logs(fmt: str = "json", level: str = "DEBUG") -> Iterator[io.StringIO]:
    """`daftar.core.logs.configure` into a buffer. The test process is shared, so everything
    configure touches comes back afterwards: pytest's own handlers, the levels, structlog's
    configuration and the SDK loggers' settings. Use it inside the test body, not in a
    fixture: pytest swaps its capture handlers per phase."""
    root = logging.getLogger()
    tuned = [logging.getLogger(name) for name in ("uvicorn.access", "temporalio.worker")]
    saved = (root.handlers[:], root.level, structlog.get_config(), [t.level for t in tuned],
             temporalio.workflow.logger.workflow_info_on_message,
             temporalio.activity.logger.activity_info_on_message)
    buffer = io.StringIO()
    configure(fmt=fmt, level=level, stream=buffer)
    try:
        yield buffer
    finally:
        handlers, was_level, config, levels, on_workflow, on_activity = saved
        root.handlers[:] = handlers
        root.setLevel(was_level)
        structlog.configure(**config)
        for logger, was in zip(tuned, levels, strict=True):
            logger.setLevel(was)
        temporalio.workflow.logger.workflow_info_on_message = on_workflow
        temporalio.activity.logger.activity_info_on_message = on_activity
