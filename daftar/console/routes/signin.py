"""Sign-in, sign-out, and each role's home page.

Staff sign in through the organisation's OpenID provider, or on the embedded stack by pasting
a token.

Through the provider (daftar.services.oidc): the button leads to `/console/sign-in/oidc`,
which sends the browser to the provider's authorization endpoint and keeps the pending
request in its cookie; the provider sends it back to `/console/sign-in/callback`, which
checks the answer, signs the staff member in with a daftar token for them (valid
`token_ttl_hours`) and moves on to their home page. Every refusal is the sign-in page with its
Persian reason. A pasted token is taken only outside production.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from daftar.console.deps import ViewerDep, router
from daftar.console.render import PREFIX, page
from daftar.console.session import (
    SignInRequired,
    check_origin,
    clear_session,
    forget_pending,
    keep_pending,
    open_session,
    pending_of,
    posted,
    settings_of,
    staff_principal,
)
from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.stages import INBOX_STAGES, Role
from daftar.services import oidc
from daftar.services.auth import issue_token

log = structlog.get_logger(__name__)

routes = router()

#: Messages sign-in shows when a page sent the user back, by the reason's code.
_BACK = {"signed_out": "از کنسول خارج شدید."}


def home_of(roles: list[Role]) -> str:
    """Where a role starts: reviewers their inbox, admins the dashboard, auditors the audit."""
    if any(r in INBOX_STAGES for r in roles):
        return f"{PREFIX}/inbox"
    if Role.admin in roles:
        return f"{PREFIX}/dashboard"
    return f"{PREFIX}/audit"


@routes.get("")
@routes.get("/")
async def home(who: ViewerDep) -> Response:
    """The viewer's home page by role."""
    return RedirectResponse(home_of(who.principal.roles), status_code=303)



def _form(request: Request, *, status: int = 200, error_code: str | None = None,
          notice: str | None = None) -> HTMLResponse:
    """The sign-in page: the provider's button and/or the token form, as the settings allow."""
    settings = settings_of(request)
    response = page(request, "signin.html", viewer=None, status=status, title="ورود",
                    error_code=error_code, notice=notice, oidc=settings.oidc_enabled,
                    paste=settings.token_paste_enabled, continue_to=None)
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.get("/sign-in")
async def sign_in_form(request: Request, m: str | None = None) -> Response:
    """The sign-in form, with why the user was sent back to it."""
    notice = _BACK.get(m or "")
    return _form(request, error_code=None if notice or not m else m, notice=notice)


@routes.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Check the pasted token as the API would; keep it in the session cookie.

    Outside production only: there staff sign in through the organisation's provider.
    """
    check_origin(request)
    settings = settings_of(request)
    if not settings.token_paste_enabled:
        log.warning("console.paste_refused")
        return _form(request, status=403, error_code="paste_disabled")
    form = await request.form()
    token = form.get("token")
    try:
        if not isinstance(token, str) or not token.strip():
            raise ServiceError(401, "unauthenticated", "No token was given.")
        principal = staff_principal(settings, token)
    except ServiceError as err:
        return _form(request, status=err.status, error_code=err.code)
    response = RedirectResponse(home_of(principal.roles), status_code=303)
    open_session(response, settings, token.strip(), principal)
    return response


def _callback_url(request: Request, settings: Settings) -> str:
    if settings.oidc_redirect_url:
        return settings.oidc_redirect_url
    return f"{str(request.base_url).rstrip('/')}{PREFIX}/sign-in/callback"


@routes.get("/sign-in/oidc")
async def oidc_start(request: Request) -> Response:
    """Send the browser to the organisation's provider, keeping the pending sign-in."""
    settings = settings_of(request)
    try:
        url, pending = await oidc.begin(settings, _callback_url(request, settings))
    except oidc.OidcError as err:
        log.warning("console.oidc_refused", code=err.code, reason=err.reason)
        return _form(request, status=err.status, error_code=err.code)
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    keep_pending(response, settings, pending)
    return response


@routes.get("/sign-in/callback")
async def oidc_callback(request: Request) -> Response:
    """Finish a sign-in the provider sends back: check it, open the console's session.

    The page that answers moves on to the home page by itself (a same-site step: the session
    cookie, SameSite=Strict, does not go along on the provider's cross-site redirect).
    """
    settings = settings_of(request)
    try:
        principal = await oidc.finish(settings, pending_of(request), request.query_params)
    except oidc.OidcError as err:
        log.warning("console.oidc_refused", code=err.code, reason=err.reason)
        response = _form(request, status=err.status, error_code=err.code)
        forget_pending(response, settings)
        return response
    token = issue_token(settings.signing_secret, sub=principal.sub, roles=principal.roles,
                        ttl=timedelta(hours=settings.token_ttl_hours))
    log.info("console.signed_in", actor=principal.sub, roles=[r.value for r in principal.roles],
             via="oidc")
    response = page(request, "signin.html", viewer=None, title="ورود", error_code=None,
                    notice=None, oidc=True, paste=False, continue_to=home_of(principal.roles))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the code stays out of Referer
    forget_pending(response, settings)
    open_session(response, settings, token, principal)
    return response


@routes.post("/sign-out")
async def sign_out(request: Request) -> Response:
    """Forget the session (an expired one too: the cookie goes either way)."""
    try:
        await posted(request)
    except SignInRequired:
        pass
    response = RedirectResponse(f"{PREFIX}/sign-in?m=signed_out", status_code=303)
    clear_session(response, settings_of(request))
    return response


fallback = router()


@fallback.get("/{rest:path}")
async def unknown(rest: str) -> Response:
    """Any other console address: a Persian 404 page rather than the API's JSON."""
    raise ServiceError(404, "not_found", f"No console page /console/{rest}.")
