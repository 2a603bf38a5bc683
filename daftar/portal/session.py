"""The portal's sign-in session and its CSRF protection.

The session is an applicant token (a JWT with the applicant role, `sub` the application id,
`daftar.services.portal.SESSION_TTL`) kept in a cookie the page's scripts cannot read
(HttpOnly), sent only to `/portal` and only on same-site requests (SameSite=Strict), and only
over HTTPS in production, as the console keeps its own. Every form carries a CSRF field: once
signed in, an HMAC of the session token keyed by the signing secret; before, an HMAC of a
random pre-session cookie (so the sign-in forms cannot be posted from another site either).
A POST whose `Origin` (or `Sec-Fetch-Site`) says it came from elsewhere is refused first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.stages import Role
from daftar.services.auth import Principal, decode_token
from daftar.services.portal import SESSION_TTL

COOKIE = "daftar_portal"
#: A random value of the browser's before sign-in: what the sign-in forms' CSRF field signs.
PRE_COOKIE = "daftar_portal_pre"
#: The tracking code a code was asked for, between the two sign-in pages.
PENDING_COOKIE = "daftar_portal_pending"
PATH = "/portal"
CSRF_FIELD = "csrf"
_CSRF_CONTEXT = b"daftar-portal-csrf:"
_PRE_CONTEXT = b"daftar-portal-pre:"
#: How long the code page remembers the tracking code.
PENDING_SECONDS = 15 * 60


class SignInRequired(Exception):
    """No valid session: back to sign-in with `code`'s Persian message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CsrfRefused(Exception):
    """A POST without a valid CSRF field, or from another origin."""


@dataclass(frozen=True)
class Applicant:
    """The signed-in applicant of one portal request."""

    principal: Principal
    csrf: str

    @property
    def app_id(self) -> str:
        """The application the session is for."""
        return self.principal.sub


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def _hmac(secret: str, context: bytes, value: str) -> str:
    return hmac.new(secret.encode(), context + value.encode(), hashlib.sha256).hexdigest()


def applicant_of(settings: Settings, token: str) -> Principal:
    """The principal of an applicant token; ServiceError (401/403) for anything else."""
    principal = decode_token(settings.signing_secret, token)
    if principal.roles != [Role.applicant]:
        raise ServiceError(403, "forbidden", "The portal is for applicants.")
    return principal


def applicant(request: Request) -> Applicant:
    """The session's applicant; SignInRequired when there is none or it is no longer valid."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired("unauthenticated")
    settings = settings_of(request)
    try:
        principal = applicant_of(settings, token)
    except ServiceError as err:
        raise SignInRequired(err.code) from err
    return Applicant(principal=principal,
                     csrf=_hmac(settings.signing_secret, _CSRF_CONTEXT, token))


def signed_in(request: Request) -> Applicant | None:
    """The session's applicant, or None."""
    try:
        return applicant(request)
    except SignInRequired:
        return None


def check_origin(request: Request) -> None:
    """Refuse a state-changing request that a browser says came from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CsrfRefused("cross-site request")
    origin = request.headers.get("origin")
    if origin is None:
        return
    ours = urlsplit(str(request.base_url))
    theirs = urlsplit(origin)
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
        raise CsrfRefused(f"origin {origin} is not this portal")


async def posted(request: Request) -> tuple[Applicant, FormData]:
    """A signed-in POST: same origin, a valid session, and the session's CSRF field."""
    check_origin(request)
    form = await request.form()
    who = applicant(request)
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, who.csrf):
        raise CsrfRefused("missing or wrong CSRF field")
    return who, form


def pre_session(request: Request) -> tuple[str, bool]:
    """The browser's pre-session value (a new one if it has none) and whether it is new."""
    value = request.cookies.get(PRE_COOKIE)
    if value and 20 <= len(value) <= 100:
        return value, False
    return secrets.token_urlsafe(24), True


def pre_csrf(settings: Settings, value: str) -> str:
    """The sign-in forms' CSRF field for a pre-session value."""
    return _hmac(settings.signing_secret, _PRE_CONTEXT, value)


async def posted_before_sign_in(request: Request) -> FormData:
    """A sign-in form's POST: same origin, and the CSRF field of the browser's pre-session."""
    check_origin(request)
    form = await request.form()
    value = request.cookies.get(PRE_COOKIE)
    sent = form.get(CSRF_FIELD)
    if (not value or not isinstance(sent, str)
            or not hmac.compare_digest(sent, pre_csrf(settings_of(request), value))):
        raise CsrfRefused("missing or wrong CSRF field")
    return form


def _cookie(response: Response, settings: Settings, name: str, value: str,
            max_age: int | None) -> None:
    response.set_cookie(name, value, path=PATH, httponly=True, samesite="strict",
                        secure=settings.environment == "production", max_age=max_age)


def _forget(response: Response, settings: Settings, name: str) -> None:
    response.delete_cookie(name, path=PATH, httponly=True, samesite="strict",
                           secure=settings.environment == "production")


def keep_pre_session(response: Response, settings: Settings, value: str) -> None:
    """Keep the pre-session value (for as long as the browser runs)."""
    _cookie(response, settings, PRE_COOKIE, value, None)


def set_pending(response: Response, settings: Settings, tracking_code: str) -> None:
    """Remember the tracking code a code was asked for."""
    _cookie(response, settings, PENDING_COOKIE, tracking_code, PENDING_SECONDS)


def set_session(response: Response, settings: Settings, token: str) -> None:
    """Keep `token` in the portal's session cookie; the sign-in's cookies go."""
    _cookie(response, settings, COOKIE, token, int(SESSION_TTL.total_seconds()))
    _forget(response, settings, PENDING_COOKIE)


def clear_session(response: Response, settings: Settings) -> None:
    """Forget the portal's session cookie."""
    _forget(response, settings, COOKIE)
    _forget(response, settings, PENDING_COOKIE)
