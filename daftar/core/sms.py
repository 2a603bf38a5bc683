"""SMS providers (NOTE-1): one interface, and the real HTTP client of one Iranian provider.

An adapter to a system the tests and the embedded stack cannot reach. `SmsProvider` is what
the notice activity calls; `KavenegarProvider` speaks Kavenegar's REST API; the local
provider, which only stores what it would send, is `daftar.store.notices.LocalSmsProvider`
(it needs the database, and the store may not import this layer: it fits the interface by
shape). `DAFTAR_SMS_PROVIDER` chooses between them (`daftar.worker.sms_provider`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import structlog

from daftar.core.settings import Settings

log = structlog.get_logger("daftar.sms")

#: Kavenegar's API, in front of `/v1/{API-KEY}/sms/send.json`.
KAVENEGAR_URL = "https://api.kavenegar.com"
#: Kavenegar's `return.status` codes that no retry can change for this message: the number
#: (411), the text (413: empty or too long; 420: a link it does not allow; 422: characters it
#: cannot send). The others (the key, the credit, the sender line, the IP allow-list, the
#: rate, Kavenegar itself) are fixed by an operator or by time, so they are retried.
KAVENEGAR_PERMANENT = frozenset({411, 413, 420, 422})
#: Kavenegar's status of an entry whose id it does not know ("شناسه نامعتبر").
KAVENEGAR_UNKNOWN_ID = 100
#: The largest signed 64-bit number: Kavenegar's `localid` is a `long`.
_LONG = 2**63 - 1


class SmsError(Exception):
    """A provider refused a message or could not be reached; the message says why.

    `retryable`: whether sending the same message later may succeed.
    """

    def __init__(self, message: str, *, retryable: bool = True, status: int | None = None,
                 ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class SmsProvider(Protocol):
    """Sends one SMS; `idempotency_key` makes a repeated send the same message."""

    #: The provider's name, for logs and the console.
    name: str

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        """Send `text` to the mobile `to` (`09…`); the provider's id of the message.

        The same `idempotency_key` sent again must not reach the phone twice (where the
        provider can promise it). Raises `SmsError` (or any error: then it is retried).
        """
        ...

    async def find(self, idempotency_key: str) -> str | None:
        """The provider's id of a message sent with `idempotency_key`, or None if it has none.

        Asked before sending again a message whose earlier send has no recorded answer (the
        worker died while it waited), so it is not sent twice. Raises `SmsError` when the
        provider cannot say (then it is asked again later).
        """
        ...


def choose_provider(settings: Settings, *, local: Callable[[], SmsProvider]) -> SmsProvider:
    """The provider `DAFTAR_SMS_PROVIDER` chooses, for the worker and any other process.

    `kavenegar`: Kavenegar's REST API, which needs `DAFTAR_KAVENEGAR_API_KEY` (a
    `SettingsError` naming it otherwise); `local`: what `local()` makes (the store's
    `LocalSmsProvider`, which this layer may not import), with a warning in production.
    """
    if settings.sms_provider == "kavenegar":
        return KavenegarProvider(settings.kavenegar_key, sender=settings.kavenegar_sender,
                                 url=settings.kavenegar_url)
    if settings.environment == "production":
        log.warning("SMS are stored in sms_local, not sent: DAFTAR_SMS_PROVIDER is local",
                    actor="system")
    return local()


def kavenegar_localid(idempotency_key: str) -> int:
    """Kavenegar's `localid` for a key: a number (its API takes a `long`), the same every time.

    The first 63 bits of the key's SHA-256: distinct keys collide with a chance of about
    n²/2⁶⁴ for n messages (10⁻⁵ for ten million).
    """
    digest = hashlib.sha256(idempotency_key.encode()).digest()
    return int.from_bytes(digest[:8], "big") & _LONG


class KavenegarProvider:
    """Kavenegar's REST API: `POST {url}/v1/{API-KEY}/sms/send.json`.

    Why Kavenegar (کاوه‌نگار): one of the most widely used SMS providers in Iran, with public
    REST documentation, official SDKs in several languages, dedicated sender lines, and a
    client-side idempotency key: `localid`, the sender's own id of a message, with which a
    message sent again is not sent twice (Kavenegar answers with the message already sent),
    so a retry after a timeout, a crash or a lost answer cannot text an applicant twice.

    A send posts the form fields `receptor`, `message`, `sender` (when configured) and
    `localid` (`kavenegar_localid` of the outbox key), and reads
    `{"return": {"status", "message"}, "entries": [{"messageid", ...}]}`. Kavenegar answers
    an error with the HTTP status equal to `return.status` (e.g. 411 for an invalid
    receptor, 418 for insufficient credit) and a Persian `return.message`, which the
    `SmsError` carries. The API key is part of the URL: it never appears in an error or a log.
    """

    name = "kavenegar"

    def __init__(self, api_key: str, *, sender: str | None = None,
                 url: str = KAVENEGAR_URL, timeout: float = 15.0) -> None:
        if not api_key:
            raise ValueError("Kavenegar needs an API key")
        self._api_key = api_key
        self._sender = sender or None
        self._url = url.rstrip("/")
        self._timeout = timeout

    @property
    def endpoint(self) -> str:
        """The send endpoint, with the key hidden (for logs)."""
        return f"{self._url}/v1/***/sms/send.json"

    def _hide(self, text: str) -> str:
        return text.replace(self._api_key, "***")

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        """Send one message; Kavenegar's `messageid`."""
        form = {"receptor": to, "message": text,
                "localid": str(kavenegar_localid(idempotency_key))}
        if self._sender:
            form["sender"] = self._sender
        url = f"{self._url}/v1/{self._api_key}/sms/send.json"
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(url, data=form,
                                             headers={"Accept": "application/json"})
        except httpx.HTTPError as err:
            # A timeout may have sent it: the retry carries the same localid.
            raise SmsError(self._hide(f"Kavenegar unreachable: {type(err).__name__}: {err}"),
                           ) from None
        return self._message_id(response)

    async def find(self, idempotency_key: str) -> str | None:
        """Kavenegar's `sms/statuslocalmessageid`: the `messageid` sent with this `localid`.

        An entry without a `messageid` (0), or with status 100 (Kavenegar's "invalid id"),
        means no message was sent with it.
        """
        url = f"{self._url}/v1/{self._api_key}/sms/statuslocalmessageid.json"
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(
                    url, data={"localid": str(kavenegar_localid(idempotency_key))},
                    headers={"Accept": "application/json"})
        except httpx.HTTPError as err:
            raise SmsError(self._hide(f"Kavenegar unreachable: {type(err).__name__}: {err}"),
                           ) from None
        body = self._result(response)
        for entry in body.get("entries") or []:
            if not isinstance(entry, dict):
                continue
            message_id = entry.get("messageid")
            if message_id and int(entry.get("status", 0)) != KAVENEGAR_UNKNOWN_ID:
                return str(message_id)
        return None

    def _result(self, response: httpx.Response) -> Any:
        """Kavenegar's JSON answer, or the `SmsError` its `return.status` means."""
        try:
            body: Any = response.json()
            status = int(body["return"]["status"])
            message = str(body["return"].get("message", ""))
        except (ValueError, KeyError, TypeError):
            raise SmsError(f"Kavenegar answered HTTP {response.status_code} without its JSON "
                           "result", retryable=True, status=response.status_code) from None
        if status != 200 or response.status_code != 200:
            raise SmsError(self._hide(f"Kavenegar {status}: {message}"),
                           retryable=status not in KAVENEGAR_PERMANENT, status=status)
        return body

    def _message_id(self, response: httpx.Response) -> str:
        body = self._result(response)
        try:
            return str(body["entries"][0]["messageid"])
        except (KeyError, IndexError, TypeError):
            raise SmsError("Kavenegar accepted the message but named no messageid",
                           status=200) from None
