"""The console's routes: every failure becomes a Persian page (or a trip to sign-in).

Never the JSON API's error body and never a 500 page for something a user did
(`daftar.pages.routing`, shared with the portal).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from daftar.console.render import PREFIX, page
from daftar.console.session import SignInRequired, Viewer, viewer
from daftar.core.errors import ServiceError
from daftar.pages.routing import PageRoute, with_retry_after


def error_page(request: Request, err: ServiceError) -> Response:
    """A refusal as a page: its Persian headline, its rules, and the way back."""
    who: Viewer | None
    try:
        who = viewer(request)
    except SignInRequired:
        who = None
    return with_retry_after(page(request, "error.html", viewer=who, status=err.status,
                                 title="خطا", error=err), err)


class ConsoleRoute(PageRoute):
    """An APIRoute whose refusals are rendered for people, as the console's pages."""

    site = "console"
    sign_in = f"{PREFIX}/sign-in"

    def error_page(self, request: Request, err: ServiceError) -> Response:
        """The console's error page."""
        return error_page(request, err)
