"""Request body limits (docs/api.md "Integrity and access"): 413 before the body is read whole.

The oversized requests are written on a raw socket that never finishes its body: a 413 that
arrives proves the API answered without waiting for (or reading) the rest.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from daftar.api.limits import BodyLimitMiddleware, limit_for
from daftar.domain.photo import MAX_PHOTO_BYTES
from daftar.domain.stages import Role
from tests.api.helpers import YEAR, Stack, auth, image, put_photo, register, rules_of
from tests.factories import form

REGISTRATION = f"/v1/cycles/{YEAR}/applications"
SMALL = 64 * 1024


async def unfinished(stack: Stack, method: str, path: str, headers: dict[str, str],
                     body: list[bytes]) -> tuple[int, dict[str, str], dict[str, Any]]:
    """Send the head and `body` of a request whose body never ends; the response read."""
    url = urlsplit(stack.base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    head = f"{method} {path} HTTP/1.1\r\nHost: {url.netloc}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    writer.write(head.encode())
    for chunk in body:
        writer.write(chunk)
    await writer.drain()
    raw = b""
    try:
        while b"\r\n\r\n" not in raw:
            part = await asyncio.wait_for(reader.read(65536), timeout=30)
            if not part:
                break
            raw += part
        top, _, rest = raw.partition(b"\r\n\r\n")
        lines = top.decode().split("\r\n")
        status = int(lines[0].split()[1])
        fields = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        while len(rest) < int(fields["content-length"]):
            part = await asyncio.wait_for(reader.read(65536), timeout=30)
            if not part:
                break
            rest += part
    finally:
        writer.close()
    return status, fields, json.loads(rest)


def too_large(status: int, body: dict[str, Any], *named: str) -> str:
    assert status == 413, body
    error = body["error"]
    assert error["code"] == "too_large"
    assert [v["rule"] for v in error["rules"]] == ["REQUEST"]
    for text in named:
        assert text in error["message"], error["message"]
    message: str = error["message"]
    return message


async def test_a_declared_oversized_body_is_refused_before_it_is_sent(
        stack: Stack, cycle: int) -> None:
    declared = 100 * 1024 * 1024
    status, headers, body = await unfinished(
        stack, "POST", REGISTRATION,
        {"Content-Type": "application/json", "Content-Length": str(declared)}, [b'{"nat'])
    too_large(status, body, str(SMALL), str(declared))
    assert headers["connection"] == "close"


async def test_a_streamed_body_is_cut_off_at_the_limit(stack: Stack, cycle: int) -> None:
    chunk = b'{"a": "' + b"x" * (16 * 1024) + b'"}'
    chunked = [b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5)]  # no last chunk
    status, _, body = await unfinished(
        stack, "POST", REGISTRATION,
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, chunked)
    too_large(status, body, str(SMALL), "more than")


async def test_bodies_up_to_the_limit_reach_the_route(api: httpx.AsyncClient,
                                                      cycle: int) -> None:
    def padded(size: int) -> bytes:
        data = json.dumps(form(padding="")).encode()
        return data.replace(b'"padding": ""', b'"padding": "' + b"x" * (size - len(data)) + b'"')

    at_limit = await api.post(REGISTRATION, content=padded(SMALL),
                              headers={"content-type": "application/json"})
    assert at_limit.status_code == 422, at_limit.text  # the route read it: an unknown field
    assert "padding" in [v["field"] for v in at_limit.json()["error"]["rules"]]
    over = await api.post(REGISTRATION, content=padded(SMALL + 1),
                          headers={"content-type": "application/json"})
    assert over.status_code == 413, over.text


async def test_limits_are_per_route(api: httpx.AsyncClient, stack: Stack) -> None:
    assert limit_for("POST", REGISTRATION) == limit_for("POST", "/v1/applications/x/decisions")
    assert limit_for("POST", f"/v1/cycles/{YEAR}/exam-results") > 1024 * 1024
    # A megabyte of exam results is read (the cycle is unknown: 404 once the body is parsed).
    rows = [{"tracking_code": f"{i:012d}", "subjects": {"civil": {"correct": 1, "wrong": 0}}}
            for i in range(15_000)]
    content = json.dumps({"rows": rows}).encode()
    assert len(content) > 1024 * 1024
    r = await api.post("/v1/cycles/1499/exam-results", content=content, headers={
        **auth(Role.exam_officer), "content-type": "application/json"})
    assert r.status_code == 404, r.text
    # The same megabyte is far above a decision's limit.
    status, _, body = await unfinished(
        stack, "POST", "/v1/applications/0123456789abcdef/decisions",
        {**auth(Role.interviewer), "Content-Type": "application/json",
         "Content-Length": str(len(content))}, [])
    too_large(status, body, str(SMALL), str(len(content)))


async def test_an_oversized_photo_is_told_the_limit_and_its_size(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await register(api)
    # Over REG-4's 70 KB but within the route's limit: the REG-4 check says its exact size.
    heavy = image() + b"\0" * (100 * 1024)
    r = await put_photo(api, app, heavy)
    assert r.status_code == 422 and rules_of(r) == ["REG-4"], r.text
    assert f"it is {len(heavy)} bytes" in r.text
    assert str(MAX_PHOTO_BYTES) in r.text
    # Far over: 413 naming the limit and the size, not the bytes read before stopping.
    huge = image() + b"\0" * (1024 * 1024)
    r = await put_photo(api, app, huge)
    too_large(r.status_code, r.json(), str(4 * MAX_PHOTO_BYTES), f"it is {len(huge)} bytes")
    assert (await api.get(f"/v1/applications/{app.id}", headers=app.headers)).json()[
        "photo"] is None


async def test_the_413_is_documented(api: httpx.AsyncClient) -> None:
    document = (await api.get("/openapi.json")).json()
    for path, method in ((REGISTRATION.replace(str(YEAR), "{year}"), "post"),
                         ("/v1/applications/{app_id}/photo", "put"),
                         ("/v1/applications/{app_id}/payment", "post")):
        assert "413" in document["paths"][path][method]["responses"], path


@pytest.mark.parametrize("declared", [None, "10"])
async def test_a_body_longer_than_it_said_is_cut_off(declared: str | None) -> None:
    """At the ASGI level, where a server could deliver more than Content-Length said."""
    answered: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        # Never reached: the limit interrupts the read above.
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read it all"})

    chunks = [{"type": "http.request", "body": b"x" * 40, "more_body": True}] * 3

    async def receive() -> Message:
        return chunks.pop(0)

    async def send(message: Message) -> None:
        answered.append(message)

    headers = [(b"content-length", declared.encode())] if declared else []
    middleware = BodyLimitMiddleware(app, limit=lambda method, path: 64)
    await middleware({"type": "http", "method": "POST", "path": "/x", "headers": headers},
                     receive, send)
    assert answered[0]["status"] == 413
    assert b"more than 64 bytes" in answered[1]["body"]
    assert len(answered) == 2
