"""JWT bearer tokens (HS256) with claims `sub` and `roles`, and the principal they prove.

See docs/api.md "Auth". The JSON API's bearer tokens and the console's session are the same.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from pydantic import BaseModel

from daftar.core.errors import ServiceError
from daftar.domain.actors import Actor
from daftar.domain.stages import Role

#: The payload codec's session cookie (daftar.api.routes.codec): the Temporal Web UI sends it
#: to the codec endpoint, under /v1; the console sets it at sign-in for CODEC_READERS.
CODEC_COOKIE = "daftar_session"
CODEC_COOKIE_PATH = "/v1"
#: Who may read decoded payloads: they can contain security reasons (README: "Personal data in
#: Temporal").
CODEC_READERS = (Role.auditor, Role.security_officer)


class Principal(BaseModel):
    """The verified sender of a request."""

    sub: str
    roles: list[Role]

    def has(self, *roles: Role) -> bool:
        """Whether the principal holds any of `roles`."""
        return any(r in self.roles for r in roles)


def issue_token(secret: str, *, sub: str, roles: list[Role], ttl: timedelta,
                now: datetime | None = None) -> str:
    """A signed token for `sub` with `roles`, valid for `ttl`.

    Args:
        secret: The signing secret (HS256).
        sub: The subject: a staff member's name, or an applicant's application id.
        roles: The roles the token grants.
        ttl: How long the token is valid.
        now: The issue time; the current time when left out.

    Returns:
        The encoded token.
    """
    issued = now or datetime.now(UTC)
    claims = {"sub": sub, "roles": [r.value for r in roles], "iat": issued,
              "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_token(secret: str, token: str) -> Principal:
    """The principal of a valid token.

    Raises:
        ServiceError: 401 `token_expired` or `invalid_token` for anything else.
    """
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


def expires_in(token: str, now: datetime | None = None) -> int:
    """Seconds until a token verified elsewhere expires (0 when it has or has no `exp`)."""
    exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    moment = (now or datetime.now(UTC)).timestamp()
    return max(0, int(exp - moment)) if isinstance(exp, int | float) else 0


def actor(principal: Principal) -> Actor:
    """The principal as the actor a workflow message carries."""
    return Actor(id=principal.sub, roles=principal.roles)
