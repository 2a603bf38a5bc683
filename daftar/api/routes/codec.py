"""The payload codec over HTTP for the Temporal Web UI (filled in below)."""

from __future__ import annotations

from fastapi import FastAPI

from daftar.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """The codec endpoints, with the CORS the Temporal Web UI needs."""
