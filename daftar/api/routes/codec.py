"""The payload codec over HTTP, so authorised staff read payloads in the Temporal Web UI.

The Temporal codec-server protocol: `POST /v1/codec/decode` takes and returns
`{"payloads": [...]}` in protobuf JSON (metadata values and data base64). A decoded payload
may hold a security reason, so only auditors and security officers may call it (SEC-1).
It decodes only: there is no `/encode`, so nothing here lets a Web UI user make a
payload that daftar's workers would read as daftar's (and none would carry daftar's seal:
daftar.core.seal). The Web UI cannot send a bearer token of ours, but with "include cross-origin
credentials" it sends cookies: `POST /v1/session` turns a bearer token into an HttpOnly,
SameSite=Strict cookie, which only the codec endpoint accepts; signing in to the console sets
the same cookie for a reader, and signing out clears it. CORS is opened for the UI's
origins on `/v1/codec` alone; every other path stays closed to browsers of other origins.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from google.protobuf import json_format
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.api.common.v1 import Payloads

from daftar.api.errors import responses
from daftar.core.codec import CodecError, EncryptionCodec
from daftar.core.errors import ServiceError
from daftar.core.settings import Settings, SettingsError
from daftar.domain.violations import Violation
from daftar.services.auth import (
    CODEC_COOKIE,
    CODEC_COOKIE_PATH,
    CODEC_READERS,
    Principal,
    expires_in,
)
from daftar.services.oidc import bearer_principal

PREFIX = "/v1/codec"
COOKIE = CODEC_COOKIE
#: Who may read decoded payloads: they can contain security reasons (README: "Personal data in
#: Temporal").
READERS = CODEC_READERS

_bearer = HTTPBearer(auto_error=False)
_cookie = APIKeyCookie(name=COOKIE, auto_error=False)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _base64(value: str) -> str:
    # Protobuf JSON takes standard or URL-safe base64, padded or not; its parser silently
    # drops what is not base64, so check here rather than decode garbage to nothing.
    text = value.replace("-", "+").replace("_", "/")
    try:
        base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None
    return value


Base64 = Annotated[str, AfterValidator(_base64)]


class PayloadJson(BaseModel):
    """One Temporal payload in protobuf JSON: metadata values and data are base64."""

    model_config = ConfigDict(extra="allow")  # fields a newer UI sends pass through

    metadata: dict[str, Base64] = Field(default_factory=dict)
    data: Base64 = ""


class PayloadsJson(BaseModel):
    """The body of every codec request and response."""

    payloads: list[PayloadJson] = Field(default_factory=list)


def _readers_only(principal: Principal) -> Principal:
    if not principal.has(*READERS):
        raise ServiceError(403, "forbidden", "Decoded payloads may hold security reasons: this "
                       f"needs one of the roles: {', '.join(r.value for r in READERS)}.")
    return principal


async def codec_reader(request: Request, credentials: Bearer,
                       session: Annotated[str | None, Depends(_cookie)]) -> Principal:
    """The caller, from a bearer token or else the session cookie.

    Auditors and security officers only. The cookie counts here and nowhere else. Async, so the
    actor bound to the log context reaches the handler's own lines (README: "Metrics and logs").
    """
    token = credentials.credentials if credentials is not None else session
    if not token:
        raise ServiceError(401, "unauthenticated", "Send `Authorization: Bearer <token>`, or "
                       f"POST /v1/session with it once to get the {COOKIE} cookie.")
    principal = await bearer_principal(request.app.state.settings, token)
    structlog.contextvars.bind_contextvars(actor=principal.sub,
                                           roles=[r.value for r in principal.roles])
    return _readers_only(principal)


async def _json_body(content_type: Annotated[str | None, Header()] = None) -> None:
    # JSON only: a cross-site form post (no preflight) cannot reach the codec with a cookie.
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise ServiceError(415, "unsupported_media_type", "Send the payloads as application/json.")


Reader = Annotated[Principal, Depends(codec_reader)]


def _refused(code: str, message: str) -> ServiceError:
    return ServiceError(422, code, message,
                    [Violation(rule="REQUEST", field="payloads", message=message)])


def _codec(settings: Settings) -> EncryptionCodec | None:
    try:
        return EncryptionCodec(settings.codec_keyring)
    except (SettingsError, ValueError):
        return None  # the API still serves everything else; the codec answers 503


def _router(codec: EncryptionCodec | None) -> APIRouter:
    router = APIRouter(tags=["codec"])

    async def ready() -> None:
        if codec is None:
            raise ServiceError(503, "codec_unavailable", "The payload codec has no keys: set "
                           "DAFTAR_CODEC_KEYS (id=base64key[,...]) and restart the API.")

    async def apply(body: PayloadsJson) -> PayloadsJson:
        assert codec is not None  # ready() ran first
        message = Payloads()
        try:
            json_format.ParseDict(body.model_dump(), message, ignore_unknown_fields=True)
        except (json_format.ParseError, ValueError, TypeError) as err:
            raise _refused("invalid_request", f"Not a Temporal payload: {err}.") from None
        try:
            result = await codec.decode(message.payloads)
        except CodecError as err:
            raise _refused("undecodable_payload", str(err)) from None
        return PayloadsJson.model_validate(json_format.MessageToDict(Payloads(payloads=result)))

    deps = [Depends(ready), Depends(_json_body)]
    refusals = responses(401, 403, 415, 422, 503, e503="The codec has no keys")

    @router.post(f"{PREFIX}/decode", response_model=PayloadsJson, dependencies=deps,
                 responses=refusals)
    async def decode(body: PayloadsJson, _: Reader,
                     x_namespace: Annotated[str | None, Header()] = None) -> PayloadsJson:
        """Decrypt payloads for the Temporal Web UI (or `temporal --codec-endpoint`)."""
        return await apply(body)

    @router.post("/v1/session", status_code=204, response_class=Response,
                 responses=responses(401, 403))
    async def open_session(request: Request, credentials: Bearer) -> Response:
        """Set the codec's session cookie from a reader's bearer token, valid as long as the token.

        The token may come e.g. from /docs, same site as the Web UI.
        """
        if credentials is None:
            raise ServiceError(401, "unauthenticated", "Send `Authorization: Bearer <token>`.")
        _readers_only(await bearer_principal(request.app.state.settings,
                                             credentials.credentials))
        response = Response(status_code=204)
        response.set_cookie(COOKIE, credentials.credentials,
                            max_age=expires_in(credentials.credentials), path=CODEC_COOKIE_PATH,
                            httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    @router.delete("/v1/session", status_code=204, response_class=Response)
    async def close_session(request: Request) -> Response:
        """Clear the codec's session cookie."""
        response = Response(status_code=204)
        response.delete_cookie(COOKIE, path=CODEC_COOKIE_PATH, httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")
        return response

    return router


class PathCORS:
    """Starlette's CORS, for paths under one prefix only.

    The rest of the API answers no browser of another origin.
    """

    def __init__(self, app: ASGIApp, *, prefix: str, origins: list[str]) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")
        self.cors = CORSMiddleware(
            app, allow_origins=origins, allow_credentials=True,
            allow_methods=["POST", "OPTIONS"],
            allow_headers=["content-type", "x-namespace", "authorization"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection, through the CORS middleware when its path is under the prefix."""
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == self.prefix or path.startswith(self.prefix + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """The codec endpoints, with the CORS the Temporal Web UI needs."""
    app.include_router(_router(_codec(settings)))
    app.add_middleware(PathCORS, prefix=PREFIX, origins=list(settings.codec_cors_origins))
