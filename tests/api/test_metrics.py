"""`GET /metrics`: requests, latency and errors counted by route template, never by raw path.

The session's API serves every test, so each check compares two scrapes around its own
requests (tests run one at a time; the worker makes no API calls).
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from daftar.api.metrics import install
from daftar.domain.stages import Role
from tests.api.helpers import auth, register

APP = "/v1/applications/{app_id}"
UNKNOWN = "0123456789abcdef"  # a well-formed application id nobody has


async def scrape(api: httpx.AsyncClient) -> tuple[str, dict[tuple[str, frozenset[tuple[str, str]]],
                                                         float]]:
    """The exposition text and every sample by (name, labels)."""
    r = await api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    samples = {(s.name, frozenset(s.labels.items())): s.value
               for family in text_string_to_metric_families(r.text) for s in family.samples}
    return r.text, samples


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
          **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_requests_are_counted_by_route_template_and_status(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    _, before = await scrape(api)

    staff = auth(Role.admin)
    assert (await api.get(f"/v1/applications/{app.id}", headers=staff)).status_code == 200
    assert (await api.get(f"/v1/applications/{app.id}", headers=app.headers)).status_code == 200
    assert (await api.get(f"/v1/applications/{UNKNOWN}", headers=staff)).status_code == 404
    assert (await api.get(f"/v1/applications/{app.id}")).status_code == 401
    assert (await api.get("/no/such/path")).status_code == 404

    text, after = await scrape(api)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "daftar_http_requests_total"
    assert delta(requests, method="GET", route=APP, status="200") == 2
    assert delta(requests, method="GET", route=APP, status="404") == 1
    assert delta(requests, method="GET", route=APP, status="401") == 1
    assert delta(requests, method="GET", route="unmatched", status="404") == 1
    # The error's code, from docs/api.md's error body (errors.py gives even the router's own 404
    # that shape, as `http_error`).
    errors = "daftar_http_errors_total"
    assert delta(errors, method="GET", route=APP, code="not_found") == 1
    assert delta(errors, method="GET", route=APP, code="unauthenticated") == 1
    assert delta(errors, method="GET", route="unmatched", code="http_error") == 1
    assert delta("daftar_http_request_duration_seconds_count", method="GET", route=APP) >= 4
    # The scrape before this one is counted too: the endpoint measures itself.
    assert delta(requests, method="GET", route="/metrics", status="200") == 1
    # Every request has finished, so none is in flight but this scrape.
    assert value(after, "daftar_http_requests_in_flight", method="GET") == 1

    # Bounded labels: no application id, no raw path.
    for raw in (app.id, UNKNOWN, "/no/such/path"):
        assert raw not in text
    routes = {dict(labels)["route"] for (name, labels) in after if name == requests}
    assert APP in routes and all(r == "unmatched" or r.startswith("/") for r in routes)


async def test_metrics_endpoint_is_not_in_the_openapi_schema(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/openapi.json")).json()["paths"]
    assert "/metrics" not in paths


async def test_each_app_counts_its_own_and_an_unhandled_error_counts_as_5xx() -> None:
    """Per-app registries: two apps in one process (as in these tests) never share counts."""

    def build() -> FastAPI:
        app = FastAPI()
        install(app)

        @app.get("/boom/{n}")
        async def boom(n: int) -> None:
            raise RuntimeError("unhandled")

        return app

    first, second = build(), build()
    transport = httpx.ASGITransport(app=first, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/boom/1")).status_code == 500
        assert (await client.get("/boom/2")).status_code == 500
        _, samples = await scrape(client)
    assert value(samples, "daftar_http_requests_total", method="GET", route="/boom/{n}",
                 status="500") == 2
    assert value(samples, "daftar_http_errors_total", method="GET", route="/boom/{n}",
                 code="5xx") == 2
    assert value(samples, "daftar_http_requests_in_flight", method="GET") == 1  # the scrape
    transport = httpx.ASGITransport(app=second)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        _, untouched = await scrape(client)
    assert value(untouched, "daftar_http_requests_total", method="GET", route="/boom/{n}",
                 status="500") == 0
