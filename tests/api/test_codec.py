"""The codec endpoint the Temporal Web UI calls: auditors and security officers only, by
bearer token or session cookie, with CORS for the UI's origin on /v1/codec alone."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from daftar.app import create_app
from daftar.core.codec import data_converter
from daftar.core.settings import Settings
from daftar.domain.stages import Role
from tests.api.helpers import ID_KEY, SECRET, Stack, auth, rules_of
from tests.conftest import TEST_KEYRING

UI = "http://127.0.0.1:8233"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def plain(value: Any) -> dict[str, Any]:
    """A `json/plain` payload as the codec protocol carries it."""
    return {"metadata": {"encoding": b64(b"json/plain")}, "data": b64(json.dumps(value).encode())}


async def test_the_codec_decodes_only(api: httpx.AsyncClient) -> None:
    """Nothing lets a Web UI user make a payload: the codec has no encode endpoint."""
    body = {"payloads": [plain({"reason": "confidential"})]}
    r = await api.post("/v1/codec/encode", json=body, headers=auth(Role.auditor))
    assert r.status_code in (404, 405), r.text
    paths = (await api.get("/openapi.json")).json()["paths"]
    assert "/v1/codec/encode" not in paths


async def test_decode_reads_what_workers_wrote(api: httpx.AsyncClient) -> None:
    [sealed] = await data_converter(TEST_KEYRING).encode([{"national_id": "0012345679"}])
    body = {"payloads": [{"metadata": {k: b64(v) for k, v in sealed.metadata.items()},
                          "data": b64(sealed.data)}]}
    r = await api.post("/v1/codec/decode", json=body, headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    [payload] = r.json()["payloads"]
    assert json.loads(base64.b64decode(payload["data"])) == {"national_id": "0012345679"}


async def test_only_auditors_and_security_officers_may_call_it(api: httpx.AsyncClient) -> None:
    body = {"payloads": [plain(1)]}
    for role in (Role.admin, Role.interviewer):
        r = await api.post("/v1/codec/decode", json=body, headers=auth(role))
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden"
    r = await api.post("/v1/codec/decode", json=body)
    assert r.status_code == 401 and rules_of(r) == []
    r = await api.post("/v1/codec/decode", json=body, headers={"Authorization": "Bearer x"})
    assert r.status_code == 401


async def test_refusals_are_in_the_error_shape(api: httpx.AsyncClient) -> None:
    sealed = {"metadata": {"encoding": b64(b"binary/encrypted"),
                           "encryption-key-id": b64(b"retired")}, "data": b64(b"x" * 40)}
    r = await api.post("/v1/codec/decode", json={"payloads": [sealed]},
                       headers=auth(Role.auditor))
    assert r.status_code == 422 and "'retired'" in r.json()["error"]["message"]
    r = await api.post("/v1/codec/decode", json={"payloads": [{"data": "!!"}]},
                       headers=auth(Role.auditor))
    assert r.status_code == 422 and rules_of(r) == ["REQUEST"], r.text
    r = await api.post("/v1/codec/decode", content=b"payloads=1", headers={
        **auth(Role.auditor), "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415, r.text


async def test_the_session_cookie_admits_the_codec_only(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.base_url) as browser:
        r = await browser.post("/v1/session", headers=auth(Role.interviewer))
        assert r.status_code == 403 and "daftar_session" not in r.cookies
        r = await browser.post("/v1/session", headers=auth(Role.auditor))
        assert r.status_code == 204, r.text
        cookie = r.headers["set-cookie"].lower()
        for attribute in ("daftar_session=", "httponly", "samesite=strict", "path=/v1"):
            assert attribute in cookie
        assert "secure" not in cookie  # plain http here; https gets Secure
        max_age = int(cookie.split("max-age=")[1].split(";")[0])
        assert 3500 < max_age <= 3600  # the token's remaining hour
        body = {"payloads": [plain("x")]}
        r = await browser.post("/v1/codec/decode", json=body)
        assert r.status_code == 200, r.text
        r = await browser.get("/v1/applications")
        assert r.status_code == 401  # the cookie is not a token for the rest of the API
        r = await browser.delete("/v1/session")
        assert r.status_code == 204
        assert (await browser.post("/v1/codec/decode", json=body)).status_code == 401


async def test_cors_admits_the_web_ui_on_the_codec_only(api: httpx.AsyncClient) -> None:
    def preflight(origin: str, path: str = "/v1/codec/decode") -> Any:
        return api.options(path, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace"})

    r = await preflight(UI)
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == UI
    assert r.headers["access-control-allow-credentials"] == "true"
    assert "POST" in r.headers["access-control-allow-methods"]
    r = await preflight("http://evil.example")
    assert "access-control-allow-origin" not in r.headers
    r = await api.post("/v1/codec/decode", json={"payloads": []},
                       headers={**auth(Role.auditor), "Origin": UI})
    assert r.headers["access-control-allow-origin"] == UI
    r = await preflight(UI, "/v1/applications")
    assert "access-control-allow-origin" not in r.headers
    r = await api.get("/v1/applications", headers={**auth(Role.admin), "Origin": UI})
    assert "access-control-allow-origin" not in r.headers
    # Its own client: the shared one must not keep the session cookie this sets.
    async with httpx.AsyncClient(base_url=str(api.base_url)) as own:
        r = await own.post("/v1/session", headers={"Origin": UI, **auth(Role.auditor)})
    assert "access-control-allow-origin" not in r.headers



async def test_the_codec_is_documented(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/openapi.json")).json()["paths"]
    for path in ("/v1/codec/decode",):
        post = paths[path]["post"]
        assert post["tags"] == ["codec"]
        schema = post["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/PayloadsJson")
    assert set(paths["/v1/session"]) == {"post", "delete"}


async def test_without_keys_the_codec_answers_503_naming_the_setting(tmp_path: Path) -> None:
    settings = Settings(jwt_secret=SecretStr(SECRET), id_key=SecretStr(ID_KEY),
                        data_dir=tmp_path)  # no DAFTAR_CODEC_KEYS, no secrets file
    transport = httpx.ASGITransport(app=create_app(settings))  # no lifespan: no Temporal
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as api:
        r = await api.post("/v1/codec/decode", json={"payloads": []},
                           headers=auth(Role.auditor))
    assert r.status_code == 503 and "DAFTAR_CODEC_KEYS" in r.json()["error"]["message"]
