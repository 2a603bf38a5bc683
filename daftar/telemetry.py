"""Temporal SDK runtime metrics for Prometheus (filled in below)."""

from __future__ import annotations

from temporalio.runtime import Runtime


def worker_runtime(address: str) -> Runtime | None:
    """A runtime serving the SDK's metrics on `address` (host:port); None when ""."""
    return None
