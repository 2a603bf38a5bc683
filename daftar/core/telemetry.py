"""Temporal SDK runtime metrics for Prometheus: task latencies, slots, schedule-to-start.

The SDK's core serves them itself on `bind_address` (`GET /metrics`); nothing in Python sits
on that path, so a busy worker's event loop cannot delay a scrape.
"""

from __future__ import annotations

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig


def worker_runtime(address: str) -> Runtime | None:
    """A runtime serving the SDK's metrics on `address` (host:port); None when "" (off).

    Durations in float seconds with a `_seconds` suffix and counters with `_total`, the
    Prometheus conventions, so dashboards read them like every other exporter's (the SDK's
    default is integer milliseconds without unit suffixes).
    """
    if not address:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(
        bind_address=address, durations_as_seconds=True, unit_suffix=True,
        counters_total_suffix=True)))
