"""Sign-in with a staff token, sign-out, and each role's home page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from daftar.console.deps import ViewerDep, router
from daftar.console.render import PREFIX, page
from daftar.console.session import (
    SignInRequired,
    check_origin,
    clear_session,
    posted,
    set_session,
    settings_of,
    staff_principal,
)
from daftar.core.errors import ServiceError
from daftar.domain.stages import INBOX_STAGES, Role

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


@routes.get("/sign-in")
async def sign_in_form(request: Request, m: str | None = None) -> Response:
    """The sign-in form, with why the user was sent back to it."""
    notice = _BACK.get(m or "")
    return page(request, "signin.html", viewer=None, title="ورود",
                error_code=None if notice or not m else m, notice=notice)


@routes.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Check the pasted token as the API would; keep it in the session cookie."""
    check_origin(request)
    form = await request.form()
    token = form.get("token")
    settings = settings_of(request)
    try:
        if not isinstance(token, str) or not token.strip():
            raise ServiceError(401, "unauthenticated", "No token was given.")
        principal = staff_principal(settings, token)
    except ServiceError as err:
        return page(request, "signin.html", viewer=None, status=err.status, title="ورود",
                    error_code=err.code, notice=None)
    response = RedirectResponse(home_of(principal.roles), status_code=303)
    set_session(response, settings, token.strip())
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
