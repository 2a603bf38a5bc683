"""JWT bearer auth (HS256): claims `sub` and `roles` (API.md "Auth")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from daftar.core.errors import ServiceError
from daftar.core.logs import bind_route
from daftar.domain.stages import Role

_bearer = HTTPBearer(auto_error=False)


class Principal(BaseModel):
    """The verified sender of a request."""

    sub: str
    roles: list[Role]

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)


def issue_token(secret: str, *, sub: str, roles: list[Role], ttl: timedelta,
                now: datetime | None = None) -> str:
    """A signed token for `sub` with `roles`, valid for `ttl`."""
    issued = now or datetime.now(UTC)
    claims = {"sub": sub, "roles": [r.value for r in roles], "iat": issued,
              "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_token(secret: str, token: str) -> Principal:
    """The principal of a valid token; 401 for anything else."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"],
                            options={"require": ["sub", "exp"]})
    except jwt.ExpiredSignatureError as err:
        raise ServiceError(401, "token_expired",
                           "The token has expired; ask for a new one.") from err
    except jwt.PyJWTError as err:
        raise ServiceError(401, "invalid_token", f"The token is not valid: {err}.") from err
    roles = claims.get("roles")
    if not isinstance(roles, list) or not all(r in Role._value2member_map_ for r in roles):
        raise ServiceError(401, "invalid_token", "The token's roles claim is not a list of roles.")
    return Principal(sub=str(claims["sub"]), roles=[Role(r) for r in roles])


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The request's principal; 401 without a valid bearer token.

    Async on purpose: it runs in the request's own task, so the log fields bound here (route,
    application, actor and roles; DESIGN.md #10) reach every line the handler and the error
    handlers write. A sync dependency would run in a worker thread and bind them there.
    """
    bind_route(request.scope)
    if credentials is None:
        raise ServiceError(401, "unauthenticated",
                       "Send `Authorization: Bearer <token>`; `daftar token` prints one.")
    principal = decode_token(request.app.state.settings.signing_secret, credentials.credentials)
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
