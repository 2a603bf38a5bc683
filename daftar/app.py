"""The one app factory: the JSON API and the staff console mounted on one FastAPI app.

The Temporal client and database engine live in its lifespan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from temporalio.client import Client

from daftar import console
from daftar.api import access, errors, limits, metrics
from daftar.api.routes import (
    access_log,
    applications,
    audit,
    codec,
    cohort,
    corrections,
    cycles,
    exam_sessions,
    health,
    listing,
    places,
)
from daftar.console.routing import error_page
from daftar.core.settings import Settings
from daftar.gateway.temporal import connect
from daftar.gateway.workflows import Applicants, Cycles
from daftar.store.db import make_engine, session_factory

#: How long the API keeps an idle HTTP connection open (uvicorn's default is 5 s). Longer than
#: the proxy in front of it keeps idle upstream connections (Caddy: 2 minutes) and than HTTP
#: clients' pools: a peer that reuses a connection the server is closing at that moment gets
#: a reset, which reaches the caller of a decision as a 502 or a read error.
KEEP_ALIVE_SECONDS = 150


def create_app(settings: Settings, *, client: Client | None = None,
               engine: Engine | None = None) -> FastAPI:
    """The API and the console.

    Pass `client`/`engine` to share ones the caller already holds.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        db = engine or make_engine(settings.db_url)
        # Lazy: the API starts while Temporal is still down and answers 503 until it is up.
        temporal = client or await connect(settings, lazy=True)
        app.state.settings = settings
        app.state.client = temporal
        app.state.sessions = session_factory(db)
        app.state.applicants = Applicants(temporal, settings.task_queue)
        app.state.cycles = Cycles(temporal, settings.task_queue)
        try:
            yield
        finally:
            if own_engine:
                db.dispose()

    app = FastAPI(
        title="daftar",
        version="1",
        summary="Licensing of Judicial Electronic Services Offices",
        lifespan=lifespan,
    )
    errors.install(app)
    limits.install(app)  # innermost middleware: the others see its 413s
    # Before metrics: the recorder then runs inside the request's log context (its request id).
    access.install(app, pages=error_page)
    metrics.install(app)
    codec.install(app, settings)
    for module in (health, places, cycles, applications, listing, cohort, exam_sessions,
                   corrections, audit, access_log):
        app.include_router(module.router)
    console.install(app)
    return app
