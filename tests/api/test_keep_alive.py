"""An idle connection outlives the pools that reuse it (daftar.app.KEEP_ALIVE_SECONDS).

A proxy or client that sends a request on a connection the API is closing at that moment
gets a reset: the caller of a decision would see a 502 or a read error. uvicorn closes idle
connections after 5 s unless told otherwise; httpx's pool keeps them for 5 s too.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from tests.api.helpers import Stack

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: daftar\r\n\r\n"


async def _status(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(REQUEST)
    await writer.drain()
    line = await asyncio.wait_for(reader.readline(), timeout=10)
    # Read the rest of the response so the connection is idle and reusable.
    length = 0
    while (header := await reader.readline()) not in (b"\r\n", b""):
        if header.lower().startswith(b"content-length:"):
            length = int(header.split(b":", 1)[1])
    await reader.readexactly(length)
    return line


async def test_a_connection_idle_longer_than_the_clients_pools_still_answers(
        stack: Stack) -> None:
    url = urlsplit(stack.base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    try:
        assert (await _status(reader, writer)).startswith(b"HTTP/1.1 200")
        await asyncio.sleep(7)  # past uvicorn's and httpx's 5 s defaults
        assert (await _status(reader, writer)).startswith(b"HTTP/1.1 200")
    finally:
        writer.close()
