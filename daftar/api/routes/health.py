"""Liveness and readiness (readiness checks Temporal, the database and a daftar worker)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from daftar.core import errors
from daftar.gateway.workers import LIVE_POLL_AGE, Workers
from daftar.services.health import database_answers

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {
    "description": "Temporal or the database is down, or no daftar worker is running; "
                   "`checks` says which, `reason` in words"}})
async def readyz(request: Request) -> Any:
    """Ready when Temporal and the database answer and a daftar worker polls the task queue.

    Without a worker, reads of an application and every decision answer 503. The object store
    is reported too: while it is down the API stays ready (`degraded`), since only uploads,
    photos, documents and admission cards need it, and those answer 503 meanwhile.
    """
    temporal, database, objects = await asyncio.gather(
        _temporal(request), _database(request), _objects(request))
    workers: Workers = request.app.state.applicants.workers
    worker = await _worker(workers) if temporal else "unknown"
    checks = {"temporal": "ok" if temporal else "down",
              "database": "ok" if database else "down", "worker": worker,
              "objects": "ok" if objects else "down"}
    if all(v == "ok" for v in checks.values()):
        return {"status": "ready", "checks": checks}
    if all(v == "ok" for k, v in checks.items() if k != "objects"):
        return {"status": "degraded", "checks": checks,
                "reason": "the object store is unreachable: uploads, photos, documents and "
                          "admission cards answer 503 until it is back"}
    reasons = []
    if not temporal:
        reasons.append("Temporal is unreachable")
    if not database:
        reasons.append("the database is unreachable")
    if worker == "down":
        reasons.append(f"no daftar worker is running: none has polled task queue "
                       f"{workers.task_queue!r} within {int(LIVE_POLL_AGE.total_seconds())} s")
    elif worker == "unknown" and temporal:
        reasons.append("Temporal did not say whether a daftar worker is running")
    body = {"status": "unavailable", "checks": checks, "reason": "; ".join(reasons)}
    return JSONResponse(body, status_code=503,
                        headers={"Retry-After": str(errors.RETRY_AFTER_SECONDS)})


async def _objects(request: Request) -> bool:
    try:
        return bool(await asyncio.wait_for(
            asyncio.to_thread(request.app.state.objects.reachable), timeout=3))
    except Exception:  # any failure means "down"
        return False


async def _temporal(request: Request) -> bool:
    try:
        return bool(await asyncio.wait_for(
            request.app.state.client.service_client.check_health(), timeout=3))
    except Exception:  # any failure means "not ready"
        return False


async def _worker(workers: Workers) -> str:
    try:  # asked afresh: a probe comes seldom, and should not see a second-old answer
        polling = await asyncio.wait_for(workers.polling(fresh=True), timeout=4)
    except Exception:  # Temporal stopped answering meanwhile: it cannot tell
        return "unknown"
    return "ok" if polling else "down"


async def _database(request: Request) -> bool:
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(database_answers, request.app.state.sessions), timeout=3)
    except Exception:  # any failure means "not ready"
        return False
