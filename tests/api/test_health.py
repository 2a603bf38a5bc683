"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import httpx


async def test_healthz(api: httpx.AsyncClient) -> None:
    r = await api.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readyz_checks_temporal_and_database(api: httpx.AsyncClient) -> None:
    r = await api.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"temporal": "ok", "database": "ok"}
    assert r.json()["status"] == "ready"


async def test_openapi_lists_decisions(api: httpx.AsyncClient) -> None:
    r = await api.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "post" in paths["/v1/applications/{app_id}/decisions"]
    assert "/v1/cycles/{year}/applications" in paths
