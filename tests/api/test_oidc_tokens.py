"""The JSON API takes the organisation's OpenID provider's access tokens for staff, beside its
own HS256 tokens: against a real provider (oidc-provider, tests/oidc), with tokens it issued
through the authorization code flow and the client credentials grant, and forgeries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings, SettingsError, load_settings
from daftar.domain.stages import Role
from daftar.services import oidc
from tests.api.helpers import Stack, auth, bearer
from tests.oidc.provider import (
    API_AUDIENCE,
    OTHER_RESOURCE,
    OidcProvider,
    log_in,
    pkce,
    running_provider,
)
from tests.stacks import running_stack

REDIRECT = "http://127.0.0.1:9/callback"  # the provider's answer is read, never followed
SCRIPTS_SECRET = "scripts-client-secret-0123456789"
CLIENTS = [
    {"client_id": "daftar-tools", "token_endpoint_auth_method": "none",
     "redirect_uris": [REDIRECT]},
    # a confidential client of each authentication method daftar supports; the first also
    # gets tokens of its own (client credentials, for another API)
    {"client_id": "daftar-scripts", "client_secret": SCRIPTS_SECRET,
     "token_endpoint_auth_method": "client_secret_basic", "redirect_uris": [REDIRECT],
     "grant_types": ["authorization_code", "client_credentials"]},
    {"client_id": "daftar-posting", "client_secret": SCRIPTS_SECRET,
     "token_endpoint_auth_method": "client_secret_post", "redirect_uris": [REDIRECT]},
]
ACCOUNTS: dict[str, dict[str, Any]] = {
    "oidc-api-interviewer": {"roles": ["interviewer"]},
    "oidc-api-auditor": {"roles": ["org-auditors"]},  # daftar's auditor through the role map
    "oidc-api-portal": {"roles": ["applicant", "payment_gateway"]},
    "oidc-api-mixed": {"roles": ["interviewer", "applicant", "payment_gateway"]},
    "daftar-scripts": {"roles": ["auditor"]},
}
OIDC_SETTINGS: dict[str, Any] = {"oidc_client_id": "daftar-tools",
                                 "oidc_roles_claim": "realm_access.roles",
                                 "oidc_role_map": {"org-auditors": "auditor"}}


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with running_provider(clients=CLIENTS, accounts=ACCOUNTS) as running:
        yield running


@pytest.fixture(scope="module")
async def oidc_stack(dev_server: WorkflowEnvironment, read_engine: Engine,
                     provider: OidcProvider) -> AsyncIterator[Stack]:
    """An API (no worker: these tests start no workflow) that trusts the provider."""
    async with running_stack(dev_server, read_engine, queue_prefix="daftar-oidc-api",
                             worker=False, oidc_issuer=provider.issuer,
                             **OIDC_SETTINGS) as running:
        yield running


@pytest.fixture(scope="module")
async def api_oidc(oidc_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=oidc_stack.base_url, timeout=60) as client:
        yield client


async def discovered(provider: OidcProvider) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        r = await client.get(f"{provider.issuer}/.well-known/openid-configuration")
    body: dict[str, Any] = r.json()
    return body


async def code_flow_tokens(provider: OidcProvider, login: str) -> dict[str, Any]:
    """The tokens the provider issues to the public client `daftar-tools` for `login`,
    through its login form, with PKCE."""
    doc = await discovered(provider)
    verifier, challenge = pkce()
    query = urlencode({"response_type": "code", "client_id": "daftar-tools",
                       "redirect_uri": REDIRECT, "scope": "openid profile", "state": "s",
                       "nonce": "n", "code_challenge": challenge,
                       "code_challenge_method": "S256"})
    async with httpx.AsyncClient(timeout=30) as browser:
        answer = await log_in(browser, f"{doc['authorization_endpoint']}?{query}", login,
                              REDIRECT)
        r = await browser.post(doc["token_endpoint"], data={
            "grant_type": "authorization_code", "code": answer["code"],
            "redirect_uri": REDIRECT, "code_verifier": verifier, "client_id": "daftar-tools"})
    assert r.status_code == 200, r.text
    tokens: dict[str, Any] = r.json()
    return tokens


def api_claims(sub: str, roles: list[str], **changes: Any) -> dict[str, Any]:
    return {"sub": sub, "aud": API_AUDIENCE, "realm_access": {"roles": roles}, **changes}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def hs256_with(key: bytes, claims: dict[str, Any], kid: str) -> str:
    """An HS256 token whose HMAC key is `key` (PyJWT rightly refuses to make one with a
    public key, so by hand)."""
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = b64url(json.dumps(claims).encode())
    mac = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(mac)}"


async def test_the_providers_access_token_is_a_staff_bearer_token(
        api_oidc: httpx.AsyncClient, provider: OidcProvider) -> None:
    tokens = await code_flow_tokens(provider, "oidc-api-interviewer")
    access = tokens["access_token"]
    assert jwt.get_unverified_header(access)["alg"] == "RS256"
    assert jwt.decode(access, options={"verify_signature": False})["aud"] == API_AUDIENCE
    for path in ("/v1/cycles", "/v1/applications", "/v1/inbox"):
        r = await api_oidc.get(path, headers=bearer(access))
        assert r.status_code == 200, (path, r.text)
    # an interviewer's roles, no more: the auditor's access log is not theirs
    r = await api_oidc.get("/v1/access-log", headers=bearer(access))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    # a provider role mapped to daftar's auditor
    auditor = (await code_flow_tokens(provider, "oidc-api-auditor"))["access_token"]
    r = await api_oidc.get("/v1/access-log", headers=bearer(auditor))
    assert r.status_code == 200, r.text
    # the codec's cookie from the provider's token, for the Temporal Web UI
    async with httpx.AsyncClient(base_url=str(api_oidc.base_url)) as browser:
        r = await browser.post("/v1/session", headers=bearer(access))
        assert r.status_code == 403  # an interviewer reads no payloads
        r = await browser.post("/v1/session", headers=bearer(auditor))
        assert r.status_code == 204, r.text
        max_age = int(r.headers["set-cookie"].lower().split("max-age=")[1].split(";")[0])
        assert 500 < max_age <= 600  # the provider's token lives ten minutes
        r = await browser.post("/v1/codec/decode", json={"payloads": []})
        assert r.status_code == 200, r.text
    # daftar's own tokens work as before beside them
    r = await api_oidc.get("/v1/access-log", headers=auth(Role.auditor))
    assert r.status_code == 200, r.text
    # the ID token is not an access token for the API: its audience is the client
    r = await api_oidc.get("/v1/cycles", headers=bearer(tokens["id_token"]))
    assert r.status_code == 401


async def test_tokens_the_api_must_refuse(api_oidc: httpx.AsyncClient,
                                          provider: OidcProvider) -> None:
    now = int(time.time())
    good = provider.sign(api_claims("oidc-api-interviewer", ["interviewer"]))
    assert (await api_oidc.get("/v1/cycles", headers=bearer(good))).status_code == 200
    # a real token of the same provider for another API (client credentials)
    async with httpx.AsyncClient() as client:
        r = await client.post((await discovered(provider))["token_endpoint"],
                              data={"grant_type": "client_credentials",
                                    "resource": OTHER_RESOURCE},
                              auth=("daftar-scripts", SCRIPTS_SECRET))
    assert r.status_code == 200, r.text
    other_api = r.json()["access_token"]
    assert jwt.decode(other_api, options={"verify_signature": False})["aud"] == "other-api"
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = api_claims("oidc-api-interviewer", ["interviewer"])
    refused = {
        "another API's audience": other_api,
        "expired": provider.sign({**claims, "iat": now - 900, "exp": now - 600}),
        "no expiry": jwt.encode({**claims, "iss": provider.issuer}, provider.key,
                                algorithm="RS256", headers={"kid": "provider-key-1"}),
        "another issuer": provider.sign({**claims, "iss": "http://localhost:1/elsewhere"}),
        "signed by another key": provider.sign(claims, key=stranger),
        "another key, an unknown kid": provider.sign(claims, key=stranger, kid="nobody"),
        "alg none": jwt.encode({**claims, "iss": provider.issuer, "exp": now + 300}, None,
                               algorithm="none"),
        "HS256 with the public key (PEM)": hs256_with(
            provider.public_pem, {**claims, "iss": provider.issuer, "exp": now + 300},
            "provider-key-1"),
        "HS256 with the public key (JWK)": hs256_with(
            json.dumps(provider.public_jwk).encode(),
            {**claims, "iss": provider.issuer, "exp": now + 300}, "provider-key-1"),
        "HS384 with daftar's own secret": jwt.encode(
            {"sub": "x", "roles": ["admin"], "exp": now + 300},
            "api-test-signing-secret-0123456789abcdefghijklmnopqrstuvwxyz", algorithm="HS384"),
        "not a JWT": "not-a-token",
    }
    for what, tok in refused.items():
        r = await api_oidc.get("/v1/cycles", headers=bearer(tok))
        assert r.status_code == 401, (what, r.text)
        error = r.json()["error"]
        assert error["code"] in ("invalid_token", "token_expired"), what
        assert r.headers["content-type"].startswith("application/json")
    r = await api_oidc.get("/v1/cycles", headers=bearer(refused["expired"]))
    assert r.json()["error"]["code"] == "token_expired"


async def test_the_provider_grants_no_applicant_or_gateway_power(
        api_oidc: httpx.AsyncClient, provider: OidcProvider) -> None:
    portal = (await code_flow_tokens(provider, "oidc-api-portal"))["access_token"]
    assert jwt.decode(portal, options={"verify_signature": False})["realm_access"]["roles"] == [
        "applicant", "payment_gateway"]
    r = await api_oidc.get("/v1/cycles", headers=bearer(portal))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = await api_oidc.post("/v1/applications/0123456789abcdef/payment",
                            json={"reference": "oidc-1", "amount_rials": 2_000_000},
                            headers=bearer(portal))
    assert r.status_code == 403
    # staff with applicant and gateway roles besides: the staff role alone counts
    mixed = (await code_flow_tokens(provider, "oidc-api-mixed"))["access_token"]
    assert (await api_oidc.get("/v1/cycles", headers=bearer(mixed))).status_code == 200
    r = await api_oidc.post("/v1/applications/0123456789abcdef/payment",
                            json={"reference": "oidc-2", "amount_rials": 2_000_000},
                            headers=bearer(mixed))
    assert r.status_code == 403
    # an applicant's own application, named in `sub` with the applicant role: not theirs
    forged = provider.sign(api_claims("0123456789abcdef", ["applicant"]))
    r = await api_oidc.get("/v1/applications/0123456789abcdef", headers=bearer(forged))
    assert r.status_code == 403


def oidc_settings(provider: OidcProvider, **fields: Any) -> Settings:
    return Settings(jwt_secret=SecretStr("s" * 40), oidc_issuer=provider.issuer,
                    **{**OIDC_SETTINGS, **fields})


async def test_keys_are_fetched_once_and_again_only_for_an_unknown_kid(
        provider: OidcProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    oidc._providers.pop(provider.issuer, None)  # a provider object with nothing cached yet
    fetched: list[str] = []
    real = oidc._get_json

    async def counting(url: str) -> dict[str, Any]:
        fetched.append(url.rsplit("/", 1)[-1])
        return await real(url)

    monkeypatch.setattr(oidc, "_get_json", counting)
    settings = oidc_settings(provider)
    token = provider.sign(api_claims("oidc-api-interviewer", ["interviewer"]))
    principal = await oidc.bearer_principal(settings, token)
    assert principal.sub == "oidc-api-interviewer" and principal.roles == [Role.interviewer]
    assert fetched == ["openid-configuration", "jwks"]
    for _ in range(3):
        await oidc.bearer_principal(settings, token)
    assert fetched == ["openid-configuration", "jwks"]  # no network call per request
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unknown = provider.sign(api_claims("x", ["interviewer"]), key=stranger, kid="rotated-0")
    with pytest.raises(ServiceError):
        await oidc.bearer_principal(settings, unknown)
    assert fetched == ["openid-configuration", "jwks"]  # the keys were fetched just now
    # a minute on, an unknown key id fetches the keys again, once
    source = oidc.provider(settings)
    assert source._keys_at is not None
    source._keys_at -= oidc.JWKS_REFETCH_SECONDS
    for kid in ("rotated-1", "rotated-2"):
        with pytest.raises(Exception) as refused:
            await oidc.bearer_principal(settings, provider.sign(
                api_claims("x", ["interviewer"]), key=stranger, kid=kid))
        assert getattr(refused.value, "status", None) == 401
    assert fetched == ["openid-configuration", "jwks", "jwks"]  # once a minute at most


async def test_a_confidential_client_signs_in_with_either_secret_method(
        provider: OidcProvider) -> None:
    for client_id, method in (("daftar-scripts", "client_secret_basic"),
                              ("daftar-posting", "client_secret_post")):
        settings = oidc_settings(provider, oidc_client_id=client_id,
                                 oidc_client_secret=SecretStr(SCRIPTS_SECRET),
                                 oidc_client_auth=method)
        url, pending = await oidc.begin(settings, REDIRECT)
        assert "code_challenge_method=S256" in url and f"client_id={client_id}" in url
        async with httpx.AsyncClient(timeout=30) as browser:
            answer = await log_in(browser, url, "oidc-api-auditor", REDIRECT)
        principal = await oidc.finish(settings, pending, answer)
        assert principal.sub == "oidc-api-auditor" and principal.roles == [Role.auditor]
        # the wrong secret: the provider refuses the exchange
        wrong = oidc_settings(provider, oidc_client_id=client_id,
                              oidc_client_secret=SecretStr("not-the-secret"),
                              oidc_client_auth=method)
        url, pending = await oidc.begin(wrong, REDIRECT)
        async with httpx.AsyncClient(timeout=30) as browser:
            answer = await log_in(browser, url, "oidc-api-auditor", REDIRECT)
        with pytest.raises(oidc.OidcError) as refused:
            await oidc.finish(wrong, pending, answer)
        assert refused.value.code == "oidc_denied"


def test_roles_come_from_the_claim_through_the_map_and_are_staff_only() -> None:
    settings = Settings(oidc_issuer="https://id.example", oidc_client_id="daftar",
                        oidc_roles_claim="realm_access.roles",
                        oidc_role_map={"org-auditors": "auditor", "boss": "admin"})
    claims = {"sub": "u1", "realm_access": {"roles": [
        "org-auditors", "interviewer", "applicant", "payment_gateway", "boss", "unknown", 7]}}
    assert oidc.staff_roles(settings, claims) == [Role.auditor, Role.interviewer, Role.admin]
    # a claim named with a dot is found as it is, before the path
    assert oidc.claim({"a.b": 1, "a": {"b": 2}}, "a.b") == 1
    assert oidc.claim({"a": {"b": 2}}, "a.b") == 2
    assert oidc.claim({"a": ["b"]}, "a.b") is None
    single = Settings(oidc_issuer="https://id.example", oidc_client_id="daftar")
    assert oidc.staff_roles(single, {"roles": "auditor"}) == [Role.auditor]
    with pytest.raises(oidc.OidcError) as refused:
        oidc.staff_principal(single, {"sub": "u2", "roles": ["applicant", "payment_gateway"]})
    assert refused.value.code == "no_staff_role"
    with pytest.raises(oidc.OidcError):
        oidc.staff_principal(single, {"roles": ["admin"]})  # nobody named


def test_the_pending_sign_in_is_sealed_and_expires() -> None:
    pending = oidc.Pending(state="st", nonce="no", verifier="v" * 64,
                           redirect_uri="http://x/cb", expires=int(time.time()) + 60)
    sealed = pending.seal("secret-one")
    assert oidc.Pending.unseal("secret-one", sealed) == pending
    payload, mac = sealed.split(".")
    forged = oidc.Pending(state="other", nonce="no", verifier="v" * 64,
                          redirect_uri="http://x/cb", expires=pending.expires).seal("guess")
    for value in (None, "", sealed + "0", f"{payload}.{'0' * 64}", forged,
                  f"{forged.split('.')[0]}.{mac}"):
        with pytest.raises(oidc.OidcError) as refused:
            oidc.Pending.unseal("secret-one", value)
        assert refused.value.code == "oidc_state"
    with pytest.raises(oidc.OidcError):
        oidc.Pending.unseal("secret-two", sealed)
    with pytest.raises(oidc.OidcError):
        oidc.Pending.unseal("secret-one", sealed, now=pending.expires + 1)


@pytest.mark.parametrize(("fields", "named"), [
    ({"oidc_issuer": "https://id.example"}, "DAFTAR_OIDC_CLIENT_ID"),
    ({"oidc_issuer": "id.example", "oidc_client_id": "d"}, "DAFTAR_OIDC_ISSUER"),
    ({"environment": "production", "oidc_issuer": "http://id.example", "oidc_client_id": "d"},
     "DAFTAR_OIDC_ISSUER"),
    ({"oidc_role_map": {"theirs": "applicant"}}, "DAFTAR_OIDC_ROLE_MAP"),
    ({"oidc_role_map": {"theirs": "payment_gateway"}}, "DAFTAR_OIDC_ROLE_MAP"),
    ({"oidc_scopes": "profile email"}, "DAFTAR_OIDC_SCOPES"),
    ({"oidc_roles_claim": " "}, "DAFTAR_OIDC_ROLES_CLAIM"),
])
def test_wrong_oidc_settings_are_named(fields: dict[str, Any], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**fields)


def test_oidc_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAFTAR_OIDC_ISSUER", "https://sso.example.ir/realms/j/")
    monkeypatch.setenv("DAFTAR_OIDC_CLIENT_ID", "daftar-console")
    monkeypatch.setenv("DAFTAR_OIDC_CLIENT_SECRET", "")  # compose passes an unset one so
    monkeypatch.setenv("DAFTAR_OIDC_ROLE_MAP", '{"judiciary-auditors": "auditor"}')
    settings = load_settings()
    assert settings.oidc_issuer == "https://sso.example.ir/realms/j"
    assert settings.oidc_client_secret is None  # a public client
    assert settings.oidc_role_map == {"judiciary-auditors": "auditor"}
    assert settings.oidc_enabled and settings.token_paste_enabled
    monkeypatch.setenv("DAFTAR_OIDC_ROLE_MAP", "")
    assert load_settings().oidc_role_map == {}
    monkeypatch.setenv("DAFTAR_OIDC_ROLE_MAP", "auditor")
    with pytest.raises(SettingsError, match=r"DAFTAR_OIDC_ROLE_MAP: .*JSON object"):
        load_settings()
    production = load_settings(environment="production", oidc_issuer=None, oidc_role_map={})
    assert not production.oidc_enabled and not production.token_paste_enabled


async def test_roles_the_id_token_lacks_are_read_at_userinfo() -> None:
    with running_provider(clients=CLIENTS, accounts=ACCOUNTS, conform=True) as conforming:
        tokens = await code_flow_tokens(conforming, "oidc-api-auditor")
        id_claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
        assert "realm_access" not in id_claims  # the roles are at userinfo alone
        settings = oidc_settings(conforming)
        url, pending = await oidc.begin(settings, REDIRECT)
        async with httpx.AsyncClient(timeout=30) as browser:
            answer = await log_in(browser, url, "oidc-api-auditor", REDIRECT)
        principal = await oidc.finish(settings, pending, answer)
        assert principal.sub == "oidc-api-auditor" and principal.roles == [Role.auditor]
        url, pending = await oidc.begin(settings, REDIRECT)
        async with httpx.AsyncClient(timeout=30) as browser:
            answer = await log_in(browser, url, "oidc-api-portal", REDIRECT)
        with pytest.raises(oidc.OidcError) as refused:
            await oidc.finish(settings, pending, answer)
        assert refused.value.code == "no_staff_role"


async def test_known_keys_keep_verifying_while_the_provider_is_down() -> None:
    with running_provider(clients=CLIENTS, accounts=ACCOUNTS) as gone:
        settings = oidc_settings(gone)
        token = gone.sign(api_claims("oidc-api-interviewer", ["interviewer"]))
        assert (await oidc.bearer_principal(settings, token)).roles == [Role.interviewer]
    source = oidc.provider(settings)
    source._discovered_at -= oidc.DISCOVERY_SECONDS  # the document is due again
    assert (await oidc.bearer_principal(settings, token)).roles == [Role.interviewer]
    # a key it does not know cannot be fetched now: 503, not a refusal of the token
    assert source._keys_at is not None
    source._keys_at -= oidc.JWKS_REFETCH_SECONDS
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(ServiceError) as unavailable:
        await oidc.bearer_principal(settings, gone.sign(
            api_claims("oidc-api-interviewer", ["interviewer"]), key=stranger, kid="new-key"))
    assert unavailable.value.status == 503 and unavailable.value.code == "unavailable"
