"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import httpx

from tests.api.helpers import Stack


async def test_healthz(api: httpx.AsyncClient) -> None:
    r = await api.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readyz_checks_temporal_database_and_worker(api: httpx.AsyncClient) -> None:
    r = await api.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"] == {"temporal": "ok", "database": "ok", "worker": "ok",
                                  "objects": "ok"}
    assert r.json()["status"] == "ready"


async def test_readyz_is_degraded_while_the_object_store_is_down(
        api: httpx.AsyncClient, stack: Stack) -> None:
    root = stack.objects.root  # type: ignore[attr-defined]
    away = root.with_name(root.name + ".away")
    root.rename(away)
    root.write_bytes(b"the store's directory is gone")
    try:
        r = await api.get("/readyz")
        assert r.status_code == 200, r.text  # still ready: only files need the store
        assert r.json()["status"] == "degraded"
        assert r.json()["checks"]["objects"] == "down"
        assert "object store" in r.json()["reason"]
    finally:
        root.unlink()
        away.rename(root)
    assert (await api.get("/readyz")).json()["status"] == "ready"


async def test_openapi_lists_decisions(api: httpx.AsyncClient) -> None:
    r = await api.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "post" in paths["/v1/applications/{app_id}/decisions"]
    # A 503 documents the headers that say when to retry and how to resend a change once.
    unavailable = paths["/v1/applications/{app_id}/decisions"]["post"]["responses"]["503"]
    assert {"Retry-After", "Idempotency-Key"} <= set(unavailable["headers"])
    assert "/v1/cycles/{year}/applications" in paths
