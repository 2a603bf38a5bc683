"""The console's sign-in session and its CSRF protection.

The session is the staff member's own API token (a JWT checked by `decode_token`, exactly as
the JSON API checks a bearer token), kept in a cookie the page's scripts cannot read
(HttpOnly), sent only to `/console` and only on same-site requests (SameSite=Strict), and only
over HTTPS in production. Every form carries a CSRF field: an HMAC of the session token keyed
by the signing secret, so a page on another origin cannot forge it; a POST whose `Origin` (or
`Sec-Fetch-Site`) says it came from elsewhere is refused before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.stages import STAFF_ROLES
from daftar.services.auth import Principal, decode_token

COOKIE = "daftar_console"
PATH = "/console"
CSRF_FIELD = "csrf"
_CSRF_CONTEXT = b"daftar-console-csrf:"


class SignInRequired(Exception):
    """No valid session: the user goes back to sign-in with `code`'s Persian message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CsrfRefused(Exception):
    """A POST without a valid CSRF field, or from another origin."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in staff member of one console request."""

    principal: Principal
    csrf: str

    @property
    def sub(self) -> str:
        """The staff member's token subject."""
        return self.principal.sub


def csrf_token(secret: str, session_token: str) -> str:
    """The CSRF field's value for a session: HMAC-SHA256 of its token, keyed by the secret."""
    return hmac.new(secret.encode(), _CSRF_CONTEXT + session_token.encode(),
                    hashlib.sha256).hexdigest()


def staff_principal(settings: Settings, token: str) -> Principal:
    """The principal of a staff token; ServiceError (401/403) for anything else."""
    principal = decode_token(settings.signing_secret, token.strip())
    if not principal.has(*STAFF_ROLES):
        raise ServiceError(403, "forbidden", "The console is for staff; this token has no staff "
                       "role.")
    return principal


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def viewer(request: Request) -> Viewer:
    """The session's staff member; SignInRequired when there is none or it is no longer valid."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired("unauthenticated")
    settings = settings_of(request)
    try:
        principal = staff_principal(settings, token)
    except ServiceError as err:
        raise SignInRequired(err.code) from err
    request.state.principal = principal  # whom the access log records (the API's recorder)
    return Viewer(principal=principal, csrf=csrf_token(settings.signing_secret, token))


def check_origin(request: Request) -> None:
    """Refuse a state-changing request that a browser says came from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CsrfRefused("cross-site request")
    origin = request.headers.get("origin")
    if origin is None or (origin == "null" and False):
        return
    ours = urlsplit(str(request.base_url))
    theirs = urlsplit(origin)
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
        raise CsrfRefused(f"origin {origin} is not this console")


async def posted(request: Request) -> tuple[Viewer, FormData]:
    """A console POST: same origin, a valid session, and the session's CSRF field."""
    check_origin(request)
    form = await request.form()
    who = viewer(request)
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, who.csrf):
        raise CsrfRefused("missing or wrong CSRF field")
    return who, form


def set_session(response: Response, settings: Settings, token: str) -> None:
    """Keep `token` in the console's session cookie."""
    response.set_cookie(COOKIE, token, path=PATH, httponly=True, samesite="strict",
                        secure=settings.environment == "production")


def clear_session(response: Response, settings: Settings) -> None:
    """Forget the console's session cookie."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="strict",
                           secure=settings.environment == "production")
