"""The API's bearer auth as FastAPI dependencies.

The tokens themselves are `daftar.services.auth`'s.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from daftar.core.errors import ServiceError
from daftar.core.logs import bind_route
from daftar.domain.stages import Role
from daftar.services.auth import Principal
from daftar.services.oidc import bearer_principal

_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The request's principal; 401 without a valid bearer token.

    daftar's own tokens (HS256), or the organisation's OpenID provider's access tokens for
    staff when it is configured (daftar.services.oidc: any other algorithm is refused).

    Async on purpose: it runs in the request's own task, so the log fields bound here (route,
    application, actor and roles; README: "Metrics and logs") reach every line the handler and the
    error
    handlers write. A sync dependency would run in a worker thread and bind them there.
    """
    bind_route(request.scope)
    if credentials is None:
        raise ServiceError(401, "unauthenticated",
                       "Send `Authorization: Bearer <token>`; `daftar token` prints one.")
    principal = await bearer_principal(request.app.state.settings, credentials.credentials)
    structlog.contextvars.bind_contextvars(actor=principal.sub,
                                           roles=[r.value for r in principal.roles])
    request.state.principal = principal  # whom the access log records (daftar.api.access)
    return principal


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only principals with one of `roles` (403 otherwise)."""

    async def dependency(principal: Annotated[Principal, Depends(current_principal)],
                         ) -> Principal:
        if not principal.has(*roles):
            raise ServiceError(403, "forbidden",
                           f"This needs one of the roles: {', '.join(r.value for r in roles)}.")
        return principal

    return dependency
