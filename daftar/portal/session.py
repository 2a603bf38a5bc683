"""The portal's sign-in session and its CSRF protection.

The session is an applicant token (a JWT with the applicant role, `sub` the application id,
`daftar.services.portal.SESSION_TTL`) kept in a cookie the page's scripts cannot read
(HttpOnly), sent only to `/portal` and only on same-site requests (SameSite=Strict), and only
over HTTPS in production, as the console keeps its own. Every form carries a CSRF field: once
signed in, an HMAC of the session token keyed by the signing secret; before, an HMAC of a
random pre-session cookie (so the sign-in forms cannot be posted from another site either).
A POST whose `Origin` (or `Sec-Fetch-Site`) says it came from elsewhere is refused first.
The machinery is `daftar.pages.session`'s, shared with the console; the cookies and the
HMACs' contexts are the portal's own.
"""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.stages import Role
from daftar.pages import session as pages
from daftar.pages.session import CsrfRefused, SignedIn
from daftar.pages.session import SignInRequired as SignInRequired
from daftar.pages.session import settings_of as settings_of
from daftar.services.auth import Principal, decode_token
from daftar.services.portal import SESSION_TTL

COOKIE = "daftar_portal"
#: A random value of the browser's before sign-in: what the sign-in forms' CSRF field signs.
PRE_COOKIE = "daftar_portal_pre"
#: The tracking code a code was asked for, between the two sign-in pages.
PENDING_COOKIE = "daftar_portal_pending"
PATH = "/portal"
_CSRF_CONTEXT = b"daftar-portal-csrf:"
_PRE_CONTEXT = b"daftar-portal-pre:"
#: How long the code page remembers the tracking code.
PENDING_SECONDS = 15 * 60


class Applicant(SignedIn):
    """The signed-in applicant of one portal request."""

    @property
    def app_id(self) -> str:
        """The application the session is for."""
        return self.principal.sub


def applicant_of(settings: Settings, token: str) -> Principal:
    """The principal of an applicant token; ServiceError (401/403) for anything else."""
    principal = decode_token(settings.signing_secret, token)
    if principal.roles != [Role.applicant]:
        raise ServiceError(403, "forbidden", "The portal is for applicants.")
    return principal


def applicant(request: Request) -> Applicant:
    """The session's applicant; SignInRequired when there is none or it is no longer valid."""
    principal, token = pages.session_principal(request, COOKIE, applicant_of)
    return Applicant(principal=principal, csrf=pages.csrf_hmac(
        settings_of(request).signing_secret, _CSRF_CONTEXT, token))


def signed_in(request: Request) -> Applicant | None:
    """The session's applicant, or None."""
    try:
        return applicant(request)
    except SignInRequired:
        return None


def check_origin(request: Request) -> None:
    """Refuse a state-changing request that a browser says came from another site."""
    pages.check_origin(request, "portal")


async def posted(request: Request) -> tuple[Applicant, FormData]:
    """A signed-in POST: same origin, a valid session, and the session's CSRF field."""
    return await pages.posted(request, "portal", applicant)


def pre_session(request: Request) -> tuple[str, bool]:
    """The browser's pre-session value (a new one if it has none) and whether it is new."""
    value = request.cookies.get(PRE_COOKIE)
    if value and 20 <= len(value) <= 100:
        return value, False
    return secrets.token_urlsafe(24), True


def pre_csrf(settings: Settings, value: str) -> str:
    """The sign-in forms' CSRF field for a pre-session value."""
    return pages.csrf_hmac(settings.signing_secret, _PRE_CONTEXT, value)


async def posted_before_sign_in(request: Request) -> FormData:
    """A sign-in form's POST: same origin, and the CSRF field of the browser's pre-session."""
    check_origin(request)
    form = await request.form()
    value = request.cookies.get(PRE_COOKIE)
    if not value:
        raise CsrfRefused("missing or wrong CSRF field")
    pages.check_csrf(form, pre_csrf(settings_of(request), value))
    return form


def keep_pre_session(response: Response, settings: Settings, value: str) -> None:
    """Keep the pre-session value (for as long as the browser runs)."""
    pages.keep_cookie(response, settings, name=PRE_COOKIE, value=value, path=PATH)


def set_pending(response: Response, settings: Settings, tracking_code: str) -> None:
    """Remember the tracking code a code was asked for."""
    pages.keep_cookie(response, settings, name=PENDING_COOKIE, value=tracking_code, path=PATH,
                      max_age=PENDING_SECONDS)


def set_session(response: Response, settings: Settings, token: str) -> None:
    """Keep `token` in the portal's session cookie; the sign-in's cookies go."""
    pages.keep_cookie(response, settings, name=COOKIE, value=token, path=PATH,
                      max_age=int(SESSION_TTL.total_seconds()))
    pages.forget_cookie(response, settings, name=PENDING_COOKIE, path=PATH)


def clear_session(response: Response, settings: Settings) -> None:
    """Forget the portal's session cookie."""
    for name in (COOKIE, PENDING_COOKIE):
        pages.forget_cookie(response, settings, name=name, path=PATH)
