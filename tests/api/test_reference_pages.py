"""`/docs` and `/redoc` load nothing from elsewhere: Swagger UI's and ReDoc's files are the
API's own."""

from __future__ import annotations

import re

import httpx

#: Every address a page's `src` or `href` names.
_LINKS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


async def test_docs_and_redoc_name_only_the_apis_own_files(api: httpx.AsyncClient) -> None:
    for path, assets in (("/docs", ("swagger-ui-bundle.js", "swagger-ui.css")),
                         ("/redoc", ("redoc.standalone.js",))):
        r = await api.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        links = _LINKS.findall(r.text)
        assert links and all(link.startswith("/") for link in links), links
        assert "http://" not in r.text and "https://" not in r.text.replace(
            "https://fastapi.tiangolo.com", "")  # FastAPI's own comment, not a load
        for asset in assets:
            assert f"/docs/static/{asset}" in links, (path, links)
            served = await api.get(f"/docs/static/{asset}")
            assert served.status_code == 200 and len(served.content) > 100_000, asset
    assert "/openapi.json" in (await api.get("/docs")).text
