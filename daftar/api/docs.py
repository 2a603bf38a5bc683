"""The API's reference pages, `/docs` (Swagger UI) and `/redoc`, with nothing from elsewhere.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, which a closed network (and a
careful one) does not reach. These load the same files from the API itself, under
`/docs/static/`, from the `fastapi-offline` package that ships them.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Swagger UI's and ReDoc's files, as the package ships them.
STATIC = Path(fastapi_offline.__file__).parent / "static"
PREFIX = "/docs/static"


def install(app: FastAPI) -> None:
    """Serve `/docs` and `/redoc` from the API's own copies of their files."""
    app.mount(PREFIX, StaticFiles(directory=STATIC), name="docs-static")
    title = f"{app.title}: API"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=title,
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json", title=title,
            redoc_js_url=f"{PREFIX}/redoc.standalone.js",
            redoc_favicon_url=f"{PREFIX}/favicon.png", with_google_fonts=False)
