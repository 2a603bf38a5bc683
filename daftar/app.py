"""The one app factory: the JSON API, the staff console and the applicant portal on one app.

The Temporal client, database engine and object store live in its lifespan.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from temporalio.client import Client

from daftar import console, portal
from daftar.api import access, docs, errors, limits, metrics
from daftar.api.routes import (
    access_log,
    applications,
    audit,
    codec,
    cohort,
    corrections,
    cycles,
    documents,
    exam_sessions,
    health,
    listing,
    notifications,
    places,
)
from daftar.console.routing import error_page
from daftar.core.settings import Settings
from daftar.core.sms import SmsProvider
from daftar.gateway.temporal import connect
from daftar.gateway.workflows import Applicants, Cycles
from daftar.services import objects as object_stores
from daftar.services.objects import ObjectStore
from daftar.services.photos import move_photos
from daftar.services.sms import sms_provider
from daftar.store.db import SessionFactory, make_engine, session_factory

#: How long the API keeps an idle HTTP connection open (uvicorn's default is 5 s). Longer than
#: the proxy in front of it keeps idle upstream connections (Caddy: 2 minutes) and than HTTP
#: clients' pools: a peer that reuses a connection the server is closing at that moment gets
#: a reset, which reaches the caller of a decision as a 502 or a read error.
KEEP_ALIVE_SECONDS = 150

log = structlog.get_logger("daftar.app")


def create_app(settings: Settings, *, client: Client | None = None,
               engine: Engine | None = None, objects: ObjectStore | None = None,
               sms: SmsProvider | None = None) -> FastAPI:
    """The API, the console and the portal.

    Pass `client`/`engine`/`objects`/`sms` to share ones the caller already holds. At start the
    object store's bucket is made if need be, and photos' bytes still in the read model
    (from before revision 0011) are moved into the store; neither stops the start when the
    store is down (a photo not moved yet is served from its row).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        db = engine or make_engine(settings.db_url)
        # Lazy: the API starts while Temporal is still down and answers 503 until it is up.
        temporal = client or await connect(settings, lazy=True)
        app.state.settings = settings
        if not settings.oidc_enabled and not settings.token_paste_enabled:
            log.warning("console.no_sign_in", detail="production takes no pasted token and "
                        "DAFTAR_OIDC_ISSUER is not set: nobody can sign in to the console")
        app.state.client = temporal
        app.state.sessions = session_factory(db)
        app.state.applicants = Applicants(temporal, settings.task_queue)
        app.state.cycles = Cycles(temporal, settings.task_queue)
        store = objects or object_stores.object_store(settings)
        app.state.objects = store
        # The portal's sign-in codes (PORTAL-1) go straight to the provider the worker uses.
        app.state.sms = sms or sms_provider(settings, app.state.sessions)
        await asyncio.to_thread(_prepare_objects, app.state.sessions, store)
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
        docs_url=None,
        redoc_url=None,
    )
    docs.install(app)
    errors.install(app)
    limits.install(app)  # innermost middleware: the others see its 413s
    # Before metrics: the recorder then runs inside the request's log context (its request id).
    access.install(app, pages=error_page)
    metrics.install(app)
    codec.install(app, settings)
    for module in (health, places, cycles, applications, documents, listing, cohort,
                   exam_sessions, corrections, audit, access_log, notifications):
        app.include_router(module.router)
    console.install(app)
    portal.install(app)
    return app


def _prepare_objects(sessions: SessionFactory, store: ObjectStore) -> None:
    """The store's bucket, and photos' bytes moved into it; failures are logged, not raised."""
    log.info("object store", objects=store.describe())
    try:
        object_stores.prepare(store)
        move_photos(sessions, store)
    except Exception as err:  # the store or the database is down: the API starts all the same
        log.warning("object store not prepared at start", objects=store.describe(),
                    error=f"{type(err).__name__}: {err}")
