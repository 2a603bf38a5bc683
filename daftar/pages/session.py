"""The sign-in session of a page package, and its CSRF protection.

A session is a token kept in a cookie the page's scripts cannot read (HttpOnly), sent only
under the package's path and only on same-site requests (SameSite=Strict), and only over
HTTPS in production. Every form carries a CSRF field: an HMAC of a value of the browser's
(the session token) keyed by the signing secret under the package's own context, so a page
on another origin cannot forge it; a POST whose `Origin` (or `Sec-Fetch-Site`) says it came
from elsewhere is refused before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.services.auth import Principal

#: The name of every form's CSRF field.
CSRF_FIELD = "csrf"


class SignInRequired(Exception):
    """No valid session: the user goes back to sign-in with `code`'s Persian message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CsrfRefused(Exception):
    """A POST without a valid CSRF field, or from another origin."""


@dataclass(frozen=True)
class SignedIn:
    """Whoever is signed in for one page request, and the CSRF field of their forms."""

    principal: Principal
    csrf: str


Who = TypeVar("Who", bound=SignedIn)


def csrf_hmac(secret: str, context: bytes, value: str) -> str:
    """A CSRF field's value: HMAC-SHA256 of `context` + `value`, keyed by the secret."""
    return hmac.new(secret.encode(), context + value.encode(), hashlib.sha256).hexdigest()


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def session_principal(request: Request, cookie: str,
                      check: Callable[[Settings, str], Principal]) -> tuple[Principal, str]:
    """The principal of the session in `cookie` (as `check` accepts it), and its token.

    SignInRequired when there is no session, or `check` refuses its token (with the refusal's
    code).
    """
    token = request.cookies.get(cookie)
    if not token:
        raise SignInRequired("unauthenticated")
    try:
        principal = check(settings_of(request), token)
    except ServiceError as err:
        raise SignInRequired(err.code) from err
    return principal, token


def check_origin(request: Request, site: str) -> None:
    """Refuse a state-changing request that a browser says came from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CsrfRefused("cross-site request")
    origin = request.headers.get("origin")
    if origin is None:
        return
    ours = urlsplit(str(request.base_url))
    theirs = urlsplit(origin)
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
        raise CsrfRefused(f"origin {origin} is not this {site}")


def check_csrf(form: FormData, expected: str) -> None:
    """Refuse a form whose CSRF field is not `expected`."""
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfRefused("missing or wrong CSRF field")


async def posted(request: Request, site: str,
                 signed_in: Callable[[Request], Who]) -> tuple[Who, FormData]:
    """A signed-in POST: same origin, a valid session, and the session's CSRF field."""
    check_origin(request, site)
    form = await request.form()
    who = signed_in(request)
    check_csrf(form, who.csrf)
    return who, form


def keep_cookie(response: Response, settings: Settings, *, name: str, value: str, path: str,
                max_age: int | None = None,
                samesite: Literal["strict", "lax"] = "strict") -> None:
    """Set a session cookie: HttpOnly, SameSite=Strict, under `path`, HTTPS-only in production.

    SameSite=Lax only for a cookie that must come back on a top-level navigation from another
    site (a sign-in on its way through an identity provider).
    """
    response.set_cookie(name, value, path=path, httponly=True, samesite=samesite,
                        secure=settings.environment == "production", max_age=max_age)


def forget_cookie(response: Response, settings: Settings, *, name: str, path: str,
                  samesite: Literal["strict", "lax"] = "strict") -> None:
    """Delete a cookie `keep_cookie` set."""
    response.delete_cookie(name, path=path, httponly=True, samesite=samesite,
                           secure=settings.environment == "production")
