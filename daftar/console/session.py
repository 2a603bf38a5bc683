"""The console's sign-in session and its CSRF protection.

The session is the staff member's own API token (a JWT checked by `decode_token`, exactly as
the JSON API checks a bearer token; after a sign-in through the organisation's OpenID provider,
one daftar issues for that staff member), kept in a cookie the page's scripts cannot read
(HttpOnly), sent only to `/console` and only on same-site requests (SameSite=Strict), and only
over HTTPS in production. Every form carries a CSRF field: an HMAC of the session token keyed
by the signing secret, so a page on another origin cannot forge it; a POST whose `Origin` (or
`Sec-Fetch-Site`) says it came from elsewhere is refused before anything else. The machinery
is `daftar.pages.session`'s, shared with the portal; the cookie and the HMAC's context are the
console's own.

An auditor or security officer also gets the payload codec's cookie with the same token (path
/v1, as `POST /v1/session` sets it), so the Temporal Web UI shows them decoded payloads
without a sign-in of its own; signing out clears both. A sign-in through the provider keeps
its pending request (`daftar.services.oidc.Pending`, sealed with an HMAC) in a cookie of its
own for ten minutes: SameSite=Lax, since the provider sends the browser back from its site.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.stages import STAFF_ROLES
from daftar.pages import session as pages
from daftar.pages.session import CSRF_FIELD as CSRF_FIELD
from daftar.pages.session import SignedIn
from daftar.pages.session import SignInRequired as SignInRequired
from daftar.pages.session import settings_of as settings_of
from daftar.services.auth import (
    CODEC_COOKIE,
    CODEC_COOKIE_PATH,
    CODEC_READERS,
    Principal,
    decode_token,
    expires_in,
)
from daftar.services.oidc import PENDING_SECONDS, Pending

COOKIE = "daftar_console"
PATH = "/console"
#: The cookie of a sign-in on its way through the OpenID provider, and where it goes.
OIDC_COOKIE = "daftar_console_oidc"
OIDC_PATH = f"{PATH}/sign-in"
_CSRF_CONTEXT = b"daftar-console-csrf:"


class Viewer(SignedIn):
    """The signed-in staff member of one console request."""

    @property
    def sub(self) -> str:
        """The staff member's token subject."""
        return self.principal.sub


def csrf_token(secret: str, session_token: str) -> str:
    """The CSRF field's value for a session: HMAC-SHA256 of its token, keyed by the secret."""
    return pages.csrf_hmac(secret, _CSRF_CONTEXT, session_token)


def staff_principal(settings: Settings, token: str) -> Principal:
    """The principal of a staff token; ServiceError (401/403) for anything else."""
    principal = decode_token(settings.signing_secret, token.strip())
    if not principal.has(*STAFF_ROLES):
        raise ServiceError(403, "forbidden", "The console is for staff; this token has no staff "
                       "role.")
    return principal


def viewer(request: Request) -> Viewer:
    """The session's staff member; SignInRequired when there is none or it is no longer valid."""
    principal, token = pages.session_principal(request, COOKIE, staff_principal)
    request.state.principal = principal  # whom the access log records (the API's recorder)
    return Viewer(principal=principal, csrf=csrf_token(settings_of(request).signing_secret, token))


def check_origin(request: Request) -> None:
    """Refuse a state-changing request that a browser says came from another site."""
    pages.check_origin(request, "console")


async def posted(request: Request) -> tuple[Viewer, FormData]:
    """A console POST: same origin, a valid session, and the session's CSRF field."""
    return await pages.posted(request, "console", viewer)


def set_session(response: Response, settings: Settings, token: str) -> None:
    """Keep `token` in the console's session cookie."""
    pages.keep_cookie(response, settings, name=COOKIE, value=token, path=PATH)


def open_session(response: Response, settings: Settings, token: str,
                 principal: Principal) -> None:
    """Keep `token` in the session cookie; for a reader of payloads, in the codec's cookie too."""
    set_session(response, settings, token)
    if principal.has(*CODEC_READERS):
        pages.keep_cookie(response, settings, name=CODEC_COOKIE, value=token,
                          path=CODEC_COOKIE_PATH, max_age=expires_in(token))


def clear_session(response: Response, settings: Settings) -> None:
    """Forget the console's session cookie, and the codec's cookie it may have set."""
    pages.forget_cookie(response, settings, name=COOKIE, path=PATH)
    pages.forget_cookie(response, settings, name=CODEC_COOKIE, path=CODEC_COOKIE_PATH)


def keep_pending(response: Response, settings: Settings, pending: Pending) -> None:
    """Keep a sign-in on its way through the provider, sealed, for the callback."""
    pages.keep_cookie(response, settings, name=OIDC_COOKIE,
                      value=pending.seal(settings.signing_secret), path=OIDC_PATH,
                      max_age=PENDING_SECONDS, samesite="lax")


def pending_of(request: Request) -> Pending:
    """The sign-in the callback finishes; OidcError `oidc_state` when none is pending."""
    return Pending.unseal(settings_of(request).signing_secret, request.cookies.get(OIDC_COOKIE))


def forget_pending(response: Response, settings: Settings) -> None:
    """Forget the pending sign-in: each is answered once."""
    pages.forget_cookie(response, settings, name=OIDC_COOKIE, path=OIDC_PATH, samesite="lax")
