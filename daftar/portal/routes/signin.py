"""Sign-in by national id, tracking code and a one-time SMS code (PORTAL-1), and sign-out."""

from __future__ import annotations

import asyncio

import structlog
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask

from daftar.core.errors import ServiceError
from daftar.portal import labels
from daftar.portal.render import PREFIX, page
from daftar.portal.routing import router
from daftar.portal.session import (
    PENDING_COOKIE,
    SignInRequired,
    clear_session,
    keep_pre_session,
    posted,
    posted_before_sign_in,
    pre_csrf,
    pre_session,
    set_pending,
    set_session,
    settings_of,
    signed_in,
)
from daftar.services.portal import SignInPair, finish_sign_in, sign_in_pair, start_sign_in

log = structlog.get_logger("daftar.portal")

routes = router()


def _text(value: object, limit: int = 64) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _form(request: Request, template: str, *, status: int = 200,
          **context: object) -> Response:
    """A sign-in page, its forms signed with the browser's pre-session value."""
    settings = settings_of(request)
    value, new = pre_session(request)
    response = page(request, template, applicant=None, status=status, title="ورود",
                    csrf=pre_csrf(settings, value), **context)
    if new:
        keep_pre_session(response, settings, value)
    return response


@routes.get("")
@routes.get("/")
async def sign_in_form(request: Request, m: str | None = None) -> Response:
    """The first step: national id and tracking code (or home, when signed in)."""
    if signed_in(request) is not None:
        return RedirectResponse(f"{PREFIX}/home", status_code=303)
    notice = labels.DONE.get(m or "")
    return _form(request, "signin.html", notice=notice,
                 error_code=None if notice or not m else m, national_id="", tracking_code="")


async def _send_code(request: Request, pair: SignInPair) -> None:
    """After the answer has gone: send the code if the pair matches (PORTAL-1)."""
    state = request.app.state
    try:
        await start_sign_in(state.sessions, state.applicants, state.sms, state.settings, pair)
    except Exception as err:  # after the response: logged, never shown (no enumeration)
        log.warning("portal sign-in: could not start", error=f"{type(err).__name__}: {err}")


@routes.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Ask for a code; the same answer whether or not the pair is an application's.

    The code is sent after the response, so not even the answer's timing tells.
    """
    form = await posted_before_sign_in(request)
    national_id, tracking_code = _text(form.get("national_id")), _text(form.get("tracking_code"))
    try:
        pair = sign_in_pair(national_id, tracking_code)
    except ServiceError as err:
        return _form(request, "signin.html", status=err.status, error=err, notice=None,
                     error_code=None, national_id=national_id, tracking_code=tracking_code)
    response = RedirectResponse(f"{PREFIX}/code", status_code=303,
                                background=BackgroundTask(_send_code, request, pair))
    set_pending(response, settings_of(request), pair.tracking_code)
    return response


@routes.get("/code")
async def code_form(request: Request) -> Response:
    """The second step: the code sent by SMS."""
    pending = request.cookies.get(PENDING_COOKIE)
    if not pending:
        return RedirectResponse(PREFIX, status_code=303)
    return _form(request, "code.html", tracking_code=pending)


@routes.post("/code")
async def check_code(request: Request) -> Response:
    """Check the code; the session starts, or the page says the code was refused."""
    form = await posted_before_sign_in(request)
    pending = request.cookies.get(PENDING_COOKIE)
    if not pending:
        return RedirectResponse(f"{PREFIX}?m=unauthenticated", status_code=303)
    settings = settings_of(request)
    try:
        _, token = await asyncio.to_thread(finish_sign_in, request.app.state.sessions,
                                           settings, pending, _text(form.get("code"), 20))
    except ServiceError as err:
        return _form(request, "code.html", status=err.status, error=err,
                     tracking_code=pending)
    response = RedirectResponse(f"{PREFIX}/home?m=signed_in", status_code=303)
    set_session(response, settings, token)
    return response


@routes.post("/sign-out")
async def sign_out(request: Request) -> Response:
    """Forget the session (an expired one too: the cookie goes either way)."""
    try:
        await posted(request)
    except SignInRequired:
        pass
    response = RedirectResponse(f"{PREFIX}?m=signed_out", status_code=303)
    clear_session(response, settings_of(request))
    return response
