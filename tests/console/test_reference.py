"""The API's reference (`/docs`) in the browser, on a network that reaches nothing outside."""

from __future__ import annotations

from playwright.async_api import Route, expect

from tests.console.conftest import Browsing


async def test_the_api_reference_renders_with_every_outside_request_blocked(
        browsing: Browsing) -> None:
    context = await browsing.context()
    page = await context.new_page()
    outside: list[str] = []

    async def only_local(route: Route) -> None:
        if route.request.url.startswith(browsing.base_url):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await page.route("**/*", only_local)
    await page.goto("/docs")
    await expect(page.get_by_text("/v1/applications/{app_id}/decisions").first).to_be_visible(
        timeout=20_000)
    assert outside == []
    await context.close()
