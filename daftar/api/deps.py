"""Dependencies: the app's Temporal gateway, database sessions, object store and settings.

The gateways carry the request's `Idempotency-Key` (daftar.gateway.workflows), so a change sent
again with the key a 503 gave back is applied at most once.

The ones that only read `app.state` are `async def`: FastAPI runs a plain `def` dependency
in its thread pool, a round trip per request for nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from daftar.core.errors import IDEMPOTENCY_KEY
from daftar.core.settings import Settings
from daftar.gateway.workflows import Applicants, Cycles
from daftar.services.objects import ObjectStore

#: Opens a read-model session (the app's `daftar.store.db.session_factory`); services that
#: run in a thread take it and open their own session there.
Sessions = Callable[[], Session]


async def applicants(request: Request) -> Applicants:
    """The applicant workflows' gateway, keyed by the request's Idempotency-Key."""
    gateway: Applicants = request.app.state.applicants
    return gateway.keyed(request.headers.get(IDEMPOTENCY_KEY))


async def cycles(request: Request) -> Cycles:
    """The cycle workflows' gateway, keyed by the request's Idempotency-Key."""
    gateway: Cycles = request.app.state.cycles
    return gateway.keyed(request.headers.get(IDEMPOTENCY_KEY))


def session(request: Request) -> Iterator[Session]:
    """One session per request."""
    with request.app.state.sessions() as s:
        yield s


async def sessions(request: Request) -> Sessions:
    """The app's session factory."""
    factory: Sessions = request.app.state.sessions
    return factory


async def objects(request: Request) -> ObjectStore:
    """The app's object store (photos and other files; its calls block: use a thread)."""
    store: ObjectStore = request.app.state.objects
    return store


async def settings(request: Request) -> Settings:
    """The app's settings."""
    value: Settings = request.app.state.settings
    return value


ApplicantsDep = Annotated[Applicants, Depends(applicants)]
CyclesDep = Annotated[Cycles, Depends(cycles)]
SessionDep = Annotated[Session, Depends(session)]
SessionsDep = Annotated[Sessions, Depends(sessions)]
ObjectsDep = Annotated[ObjectStore, Depends(objects)]
SettingsDep = Annotated[Settings, Depends(settings)]
