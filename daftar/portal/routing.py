"""The portal's routes: every failure becomes a Persian page (or a trip to sign-in).

Never the JSON API's error body and never a 500 page for something the applicant did
(`daftar.pages.routing`, shared with the console).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from daftar.core.errors import ServiceError
from daftar.pages.routing import PageRoute, with_retry_after
from daftar.pages.routing import as_service_error as as_service_error
from daftar.portal.render import PREFIX, page
from daftar.portal.session import signed_in


def error_page(request: Request, err: ServiceError) -> Response:
    """A refusal as a page: its Persian headline, its rules, and the way back."""
    return with_retry_after(page(request, "error.html", applicant=signed_in(request),
                                 status=err.status, title="خطا", error=err), err)


class PortalRoute(PageRoute):
    """An APIRoute whose refusals are rendered for people, as the portal's pages."""

    site = "portal"
    sign_in = PREFIX

    def error_page(self, request: Request, err: ServiceError) -> Response:
        """The portal's error page."""
        return error_page(request, err)


def router() -> APIRouter:
    """A router of portal pages (kept out of the API's OpenAPI document)."""
    return APIRouter(prefix=PREFIX, route_class=PortalRoute, include_in_schema=False)
