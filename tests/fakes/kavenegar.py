"""A local HTTP server that speaks Kavenegar's send API, for the client's tests.

`POST /v1/{API-KEY}/sms/send.json` with the form fields `receptor`, `message`, `sender`
and `localid`, answered as Kavenegar does: `{"return": {"status": 200, "message": "تایید شد"},
"entries": [{"messageid", "message", "status", "statustext", "sender", "receptor", "date",
"cost"}]}`; an error with the HTTP status equal to `return.status` and a Persian message (403
for a wrong key, 411 for an invalid receptor, 413 for an empty message). A `localid` seen
before is not sent again: the answer is the first message's entry. `sms/statuslocalmessageid`
with `localid` answers `entries: [{"messageid", "localid", "status", "statustext"}]`, with
`messageid` 0 and status 100 for a `localid` it never sent. It counts every request it
receives and every message it would deliver.

Runs under uvicorn on a free loopback port in a thread of its own, so sync and async tests
can use it alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.conftest import free_port

API_KEY = "7A6B-TEST-KEY"
_MOBILE = re.compile(r"09[0-9]{9}")


@dataclass
class FakeKavenegar:
    """What the server received and what it would have delivered."""

    api_key: str = API_KEY
    url: str = ""
    #: Every send request's form, in order (wrong keys and refusals too).
    requests: list[dict[str, str]] = field(default_factory=list)
    #: Every `statuslocalmessageid` request's form, in order.
    lookups: list[dict[str, str]] = field(default_factory=list)
    #: Every message it would deliver, in order: its entry.
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: The next requests' answers: (status, Persian message) each, instead of sending.
    failures: list[tuple[int, str]] = field(default_factory=list)
    #: Seconds a send waits after taking the message before it answers (a slow network: a
    #: client may die between the two).
    delay: float = 0.0
    _by_localid: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int = 418, message: str = "اعتبار حساب کافی نمی باشد",
                  times: int = 1) -> None:
        """Answer the next `times` requests with Kavenegar's error `status`."""
        self.failures.extend([(status, message)] * times)

    def to(self, receptor: str) -> list[dict[str, Any]]:
        """The messages delivered to `receptor`."""
        return [m for m in self.messages if m["receptor"] == receptor]

    @staticmethod
    def _error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"return": {"status": status, "message": message},
                             "entries": None}, status_code=status)

    async def send(self, request: Request) -> JSONResponse:
        """Kavenegar's `sms/send`."""
        form = await _form(request)
        with self._lock:
            self.requests.append(form)
            if request.path_params["key"] != self.api_key:
                return self._error(403, "کد شناسائی API-Key معتبر نمی‌باشد")
            if self.failures:
                return self._error(*self.failures.pop(0))
            receptor, message = form.get("receptor", ""), form.get("message", "")
            if not _MOBILE.fullmatch(receptor):
                return self._error(411, "دریافت کننده نامعتبر است")
            if not message:
                return self._error(413, "پیام خالی است و یا طول پیام بیش از حد مجاز است")
            localid = form.get("localid")
            entry = self._by_localid.get(localid) if localid else None
            if entry is None:
                entry = {"messageid": 8_792_343 + len(self.messages), "message": message,
                         "status": 1, "statustext": "در صف ارسال",
                         "sender": form.get("sender", "10004346"), "receptor": receptor,
                         "date": int(time.time()), "cost": 120}
                self.messages.append(entry)
                if localid:
                    self._by_localid[localid] = entry
        if self.delay:
            await asyncio.sleep(self.delay)
        return JSONResponse({"return": {"status": 200, "message": "تایید شد"},
                             "entries": [entry]})

    def sends_by_localid(self) -> dict[str, int]:
        """How many send requests carried each `localid` (retries included)."""
        out: dict[str, int] = {}
        for form in self.requests:
            if form.get("localid"):
                out[form["localid"]] = out.get(form["localid"], 0) + 1
        return out

    async def status_by_localid(self, request: Request) -> JSONResponse:
        """Kavenegar's `sms/statuslocalmessageid`."""
        form = await _form(request)
        with self._lock:
            self.lookups.append(form)
            if request.path_params["key"] != self.api_key:
                return self._error(403, "کد شناسائی API-Key معتبر نمی‌باشد")
            entries = []
            for localid in form.get("localid", "").split(","):
                entry = self._by_localid.get(localid)
                entries.append({"messageid": entry["messageid"], "localid": localid,
                                "status": entry["status"], "statustext": entry["statustext"]}
                               if entry else {"messageid": 0, "localid": localid,
                                              "status": 100, "statustext": "شناسه نامعتبر"})
        return JSONResponse({"return": {"status": 200, "message": "تایید شد"},
                             "entries": entries})


async def _form(request: Request) -> dict[str, str]:
    """A request's fields, from its form body or (for GET) its query, as Kavenegar takes both."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    if request.method == "GET":
        form.update(request.query_params)
    return form


@contextlib.contextmanager
def running_kavenegar(api_key: str = API_KEY) -> Iterator[FakeKavenegar]:
    """The fake, served on a free port until the block ends (its `url` set)."""
    fake = FakeKavenegar(api_key=api_key)
    app = Starlette(routes=[
        Route("/v1/{key}/sms/send.json", fake.send, methods=["GET", "POST"]),
        Route("/v1/{key}/sms/statuslocalmessageid.json", fake.status_by_localid,
              methods=["GET", "POST"])])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="fake-kavenegar", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake Kavenegar did not start")
        time.sleep(0.02)
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
