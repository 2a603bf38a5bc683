"""Liveness and readiness (readiness checks Temporal and the database)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from daftar.api import errors

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Temporal or the database is down"}})
async def readyz(request: Request) -> Any:
    """Ready when Temporal and the database both answer."""
    checks = {"temporal": await _temporal(request), "database": await _database(request)}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable",
            "checks": {k: "ok" if v else "down" for k, v in checks.items()}}
    if ready:
        return body
    return JSONResponse(body, status_code=503,
                        headers={"Retry-After": str(errors.RETRY_AFTER_SECONDS)})


async def _temporal(request: Request) -> bool:
    try:
        return bool(await asyncio.wait_for(
            request.app.state.client.service_client.check_health(), timeout=3))
    except Exception:  # any failure means "not ready"
        return False


async def _database(request: Request) -> bool:
    def ping() -> bool:
        with request.app.state.sessions() as s:
            s.exec(text("SELECT 1"))
        return True

    try:
        return await asyncio.wait_for(asyncio.to_thread(ping), timeout=3)
    except Exception:  # any failure means "not ready"
        return False
