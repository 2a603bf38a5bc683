"""Dependencies of the console's routes: the signed-in viewer, role checks, the gateways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session

from daftar.console.routing import ConsoleRoute
from daftar.console.session import Viewer, viewer
from daftar.core.errors import ServiceError
from daftar.domain.stages import Role


async def current_viewer(request: Request) -> Viewer:
    """The signed-in staff member (async: no thread hop for a cookie check)."""
    return viewer(request)


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def need(who: Viewer, *roles: Role) -> None:
    """403 unless the viewer holds one of `roles`."""
    if not who.principal.has(*roles):
        raise ServiceError(403, "forbidden",
                       f"This page needs one of the roles: {', '.join(r.value for r in roles)}.")


def router() -> APIRouter:
    """A router of console pages (kept out of the API's OpenAPI document)."""
    return APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


def in_session(request: Request, work: Callable[[Session], Any]) -> Any:
    """Run `work` in one read-model session (call it through `asyncio.to_thread`)."""
    with request.app.state.sessions() as session:
        return work(session)
