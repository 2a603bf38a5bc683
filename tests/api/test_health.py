"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import httpx


async def test_healthz(api: httpx.AsyncClient) -> None:
    r = await api.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readyz_checks_temporal_database_and_worker(api: httpx.AsyncClient) -> None:
    r = await api.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"temporal": "ok", "database": "ok", "worker": "ok"}
    assert r.json()["status"] == "ready"


async def test_openapi_lists_decisions(api: httpx.AsyncClient) -> None:
    r = await api.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "post" in paths["/v1/applications/{app_id}/decisions"]
    # A 503 documents the headers that say when to retry and how to resend a change once.
    unavailable = paths["/v1/applications/{app_id}/decisions"]["post"]["responses"]["503"]
    assert {"Retry-After", "Idempotency-Key"} <= set(unavailable["headers"])
    assert "/v1/cycles/{year}/applications" in paths
