"""Prometheus metrics of the API (filled in below)."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Count and time every request by route; serve `/metrics`."""
