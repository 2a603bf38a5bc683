"""Staff sign-in through the organisation's OpenID provider, and its access tokens at the API.

The console signs staff in with the authorization code flow and PKCE (S256): `begin` makes
the provider's authorization URL and the `Pending` request (state, nonce, code verifier) that
the browser keeps in a short-lived cookie, sealed with an HMAC under the signing secret;
`finish` checks the provider's answer against it, exchanges the code at the token endpoint
(a public client with PKCE alone, or a confidential one with its secret, `client_secret_basic`
or `client_secret_post`) and verifies the ID token: its signature against the provider's
published keys, `iss`, `aud` (the client id), `exp` and the `nonce`; claims it lacks (many
providers give the roles at the userinfo endpoint only) are read there, for the same `sub`.
The console then keeps its own session, a daftar token for that principal.

The JSON API takes the provider's access tokens for staff beside daftar's own (`bearer_principal`):
a token whose header names an asymmetric algorithm is checked against the provider's keys,
`iss`, `aud` (`oidc_api_audience`) and `exp`; daftar's HS256 tokens as always; any other
algorithm, `none` included, is refused. An HS256 token signed with the provider's public key
(the algorithm confusion) fails daftar's own secret.

Whom a token names is the claim `oidc_subject_claim`. The default is `sub`, the one claim
OpenID Connect promises is unique and never reassigned at an issuer: a decision is recorded
under it for good. `preferred_username` reads better in the console and is what admins type
when they assign a case (COR-3), but a provider may let its users change it, or give a
departed colleague's name to someone new; choose it only where the provider's usernames are
unique and fixed. The roles are the claim `oidc_roles_claim` (a dotted path reaches into
objects, as Keycloak's `realm_access.roles`), each name mapped through `oidc_role_map`
(names it does not list count as themselves). Only staff roles ever come from the provider:
`applicant` and `payment_gateway` are dropped whatever the claim or the map says, and a
token left with no staff role is refused.

The discovery document and the keys (JWKS) are fetched once and kept in memory; a token
signed with a key id not yet known fetches the keys again, at most once a minute, so a
verification costs no network call once the keys are known.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import structlog

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.services.auth import Principal, decode_token

log = structlog.get_logger(__name__)

#: The signature algorithms a provider's token may use: asymmetric only.
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                   "ES256", "ES384", "ES512", "EdDSA"})
#: How long the discovery document is kept before it is fetched again.
DISCOVERY_SECONDS = 3600.0
#: A key id not yet known fetches the keys again at most this often.
JWKS_REFETCH_SECONDS = 60.0
#: How long a sign-in at the provider may take, from the button to the callback.
PENDING_SECONDS = 600
#: Clock skew tolerated on `exp`, `iat` and `nbf`.
LEEWAY_SECONDS = 10
#: Every call to the provider gives up after this long.
HTTP_TIMEOUT = httpx.Timeout(10.0)
#: The longest staff id daftar records.
MAX_SUBJECT_CHARS = 200
_PENDING_CONTEXT = b"daftar-oidc-pending:"
_STAFF = {r.value for r in STAFF_ROLES}


class OidcError(Exception):
    """A sign-in the provider or daftar refused; `code` names the console's Persian message.

    Codes: `oidc_off`, `oidc_unavailable` (the provider does not answer), `oidc_state` (no
    pending sign-in, expired, or another one's answer), `oidc_denied` (the provider refused
    it), `oidc_invalid` (its answer or tokens do not verify), `no_staff_role`, and for an
    access token at the API `token_expired`.
    """

    def __init__(self, code: str, reason: str, *, status: int = 400) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Discovery:
    """What daftar uses of the provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None


class Provider:
    """One issuer's discovery document and signing keys, kept in memory."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._discovery: Discovery | None = None
        self._discovered_at = 0.0
        self._keys: dict[str | None, dict[str, Any]] = {}
        self._keys_at: float | None = None
        self._lock: asyncio.Lock | None = None

    def _locked(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def discovery(self) -> Discovery:
        """The discovery document, fetched when not known or older than an hour.

        While the provider does not answer, the document known keeps serving (asked for again
        a minute later): tokens signed with keys already known still verify.
        """
        if self._discovery and time.monotonic() - self._discovered_at < DISCOVERY_SECONDS:
            return self._discovery
        url = f"{self.issuer}/.well-known/openid-configuration"
        try:
            doc = await _get_json(url)
        except OidcError as err:
            if self._discovery is None:
                raise
            log.warning("oidc.discovery_stale", issuer=self.issuer, reason=err.reason)
            self._discovered_at = time.monotonic() - DISCOVERY_SECONDS + JWKS_REFETCH_SECONDS
            return self._discovery
        try:
            found = Discovery(issuer=str(doc["issuer"]),
                              authorization_endpoint=str(doc["authorization_endpoint"]),
                              token_endpoint=str(doc["token_endpoint"]),
                              jwks_uri=str(doc["jwks_uri"]),
                              userinfo_endpoint=doc.get("userinfo_endpoint") or None)
        except KeyError as err:
            raise OidcError("oidc_invalid", f"discovery document lacks {err}") from None
        if found.issuer.rstrip("/") != self.issuer:
            raise OidcError("oidc_invalid", f"discovery names the issuer {found.issuer!r}, "
                            f"not {self.issuer!r}")
        self._discovery, self._discovered_at = found, time.monotonic()
        return found

    async def key(self, kid: str | None, algorithm: str) -> jwt.PyJWK:
        """The provider's public key `kid` for `algorithm`.

        The keys are fetched again when `kid` is not known (at most once a minute).

        Raises:
            OidcError: `oidc_invalid` for a key the provider does not publish or that does
                not fit the algorithm; `oidc_unavailable` when the keys cannot be fetched.
        """
        found = self._find(kid)
        if found is None:
            async with self._locked():
                found = self._find(kid)
                recent = (self._keys_at is not None
                          and time.monotonic() - self._keys_at < JWKS_REFETCH_SECONDS)
                if found is None and not recent:
                    await self._fetch_keys()
                    found = self._find(kid)
        if found is None:
            raise OidcError("oidc_invalid", f"the provider publishes no signing key {kid!r}")
        if found.get("alg") not in (None, algorithm):
            raise OidcError("oidc_invalid", f"key {kid!r} is for {found.get('alg')}, the "
                            f"token says {algorithm}")
        try:
            return jwt.PyJWK(found, algorithm)
        except jwt.PyJWTError as err:
            raise OidcError("oidc_invalid", f"key {kid!r} does not fit {algorithm}: "
                            f"{err}") from None

    def _find(self, kid: str | None) -> dict[str, Any] | None:
        if kid is not None:
            return self._keys.get(kid)
        signing = list(self._keys.values())
        return signing[0] if len(signing) == 1 else None  # no kid: only a lone key will do

    async def _fetch_keys(self) -> None:
        self._keys_at = time.monotonic()
        doc = await _get_json((await self.discovery()).jwks_uri)
        keys = doc.get("keys")
        if not isinstance(keys, list):
            raise OidcError("oidc_invalid", "the provider's JWKS has no keys list")
        self._keys = {k.get("kid"): k for k in keys
                      if isinstance(k, dict) and k.get("use", "sig") == "sig"
                      and "d" not in k}  # a private key published by mistake is not used
        log.info("oidc.keys", issuer=self.issuer, kids=sorted(str(k) for k in self._keys))


_providers: dict[str, Provider] = {}


def provider(settings: Settings) -> Provider:
    """The configured provider, one per issuer for the process (its keys cached).

    Raises:
        OidcError: `oidc_off` when OpenID Connect is not configured.
    """
    if settings.oidc_issuer is None:
        raise OidcError("oidc_off", "DAFTAR_OIDC_ISSUER is not set", status=404)
    found = _providers.get(settings.oidc_issuer)
    if found is None:
        found = _providers[settings.oidc_issuer] = Provider(settings.oidc_issuer)
    return found


async def _send(what: str, method: str, url: str, *, auth: httpx.Auth | None = None,
                **request: Any) -> tuple[int, Any]:
    """One request to the provider: its status and its JSON (None when it is not JSON).

    Raises:
        OidcError: `oidc_unavailable` (503) when the provider does not answer, or answers 5xx.
    """
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT, auth=auth) as client:
            response = await client.request(method, url, **request)
    except (httpx.HTTPError, httpx.InvalidURL) as err:
        raise OidcError("oidc_unavailable", f"{what}: {err!r}", status=503) from None
    if response.status_code >= 500:
        raise OidcError("oidc_unavailable", f"{what} answered {response.status_code}",
                        status=503)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None


async def _get_json(url: str) -> dict[str, Any]:
    status, body = await _send(url, "GET", url, headers={"Accept": "application/json"})
    if status != 200:
        raise OidcError("oidc_unavailable", f"{url} answered {status}", status=503)
    if body is None:
        raise OidcError("oidc_invalid", f"{url} did not answer JSON")
    if not isinstance(body, dict):
        raise OidcError("oidc_invalid", f"{url} did not answer a JSON object")
    return body


# -- the console's sign-in -------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A sign-in on its way through the provider: what its answer must match."""

    state: str
    nonce: str
    verifier: str
    redirect_uri: str
    expires: int

    def seal(self, secret: str) -> str:
        """The cookie's value: the request as base64url JSON and its HMAC under the secret."""
        payload = base64.urlsafe_b64encode(json.dumps(
            [self.state, self.nonce, self.verifier, self.redirect_uri, self.expires],
            separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{payload}.{_mac(secret, payload)}"

    @classmethod
    def unseal(cls, secret: str, value: str | None, *, now: float | None = None) -> Pending:
        """The pending sign-in in a cookie `seal` made.

        Raises:
            OidcError: `oidc_state` for none, a forged or altered one, or an expired one.
        """
        payload, _, mac = (value or "").partition(".")
        if not payload or not hmac.compare_digest(mac, _mac(secret, payload)):
            raise OidcError("oidc_state", "no pending sign-in, or its cookie was altered")
        state, nonce, verifier, redirect_uri, expires = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        pending = cls(str(state), str(nonce), str(verifier), str(redirect_uri), int(expires))
        if pending.expires < (now if now is not None else time.time()):
            raise OidcError("oidc_state", "the pending sign-in has expired")
        return pending


def _mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), _PENDING_CONTEXT + payload.encode(),
                    hashlib.sha256).hexdigest()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def begin(settings: Settings, redirect_uri: str) -> tuple[str, Pending]:
    """The provider's authorization URL for a new sign-in, and what its answer must match.

    Raises:
        OidcError: `oidc_off`, or `oidc_unavailable`/`oidc_invalid` for its discovery.
    """
    found = await provider(settings).discovery()
    pending = Pending(state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32),
                      verifier=secrets.token_urlsafe(64), redirect_uri=redirect_uri,
                      expires=int(time.time()) + PENDING_SECONDS)
    params = {"response_type": "code", "client_id": settings.oidc_client_id,
              "redirect_uri": redirect_uri, "scope": settings.oidc_scopes,
              "state": pending.state, "nonce": pending.nonce,
              "code_challenge": _challenge(pending.verifier),
              "code_challenge_method": "S256"}
    sep = "&" if "?" in found.authorization_endpoint else "?"
    return f"{found.authorization_endpoint}{sep}{urlencode(params)}", pending


async def finish(settings: Settings, pending: Pending, answer: Mapping[str, str]) -> Principal:
    """The staff member the provider's answer at the callback signs in.

    Raises:
        OidcError: for a wrong state, the provider's refusal, an unverifiable answer, an
            unreachable provider, or no staff role.
    """
    state = answer.get("state") or ""
    if not hmac.compare_digest(state.encode(), pending.state.encode()):
        raise OidcError("oidc_state", "the answer's state is not the pending sign-in's")
    if answer.get("error"):
        raise OidcError("oidc_denied", f"the provider answered {answer.get('error')}: "
                        f"{answer.get('error_description', '')}", status=403)
    found = await provider(settings).discovery()
    if "iss" in answer and answer["iss"] != found.issuer:  # RFC 9207: a mix-up
        raise OidcError("oidc_invalid", f"the answer is from {answer['iss']!r}")
    code = answer.get("code")
    if not code:
        raise OidcError("oidc_invalid", "the answer has no code")
    tokens = await _exchange(settings, found, code, pending)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("oidc_invalid", "the token endpoint returned no ID token")
    try:
        claims = await verified_claims(settings, id_token,
                                       audience=str(settings.oidc_client_id))
    except OidcError as err:
        if err.code != "token_expired":
            raise
        raise OidcError("oidc_invalid", "the ID token has expired") from None
    if not hmac.compare_digest(str(claims.get("nonce", "")).encode(), pending.nonce.encode()):
        raise OidcError("oidc_invalid", "the ID token's nonce is not the pending sign-in's")
    azp = claims.get("azp")
    if azp is not None and azp != settings.oidc_client_id:
        raise OidcError("oidc_invalid", f"the ID token was issued to {azp!r}")
    wanted = (settings.oidc_roles_claim, settings.oidc_subject_claim)
    if any(claim(claims, name) is None for name in wanted):
        claims = await _with_userinfo(found, tokens.get("access_token"), claims)
    return staff_principal(settings, claims)


async def _with_userinfo(found: Discovery, access_token: object,
                         claims: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, completed from the userinfo endpoint.

    Many providers put only `sub` and the like in the ID token of a code flow and the rest
    (roles, usernames) at the userinfo endpoint. Its answer counts only for the same `sub`
    (OpenID Connect Core 5.3.2); the ID token's own claims win.
    """
    if not found.userinfo_endpoint or not isinstance(access_token, str):
        return claims
    status, info = await _send("userinfo", "GET", found.userinfo_endpoint, headers={
        "Authorization": f"Bearer {access_token}", "Accept": "application/json"})
    if status != 200 or not isinstance(info, dict):
        raise OidcError("oidc_invalid", f"userinfo answered {status}")
    if info.get("sub") != claims.get("sub"):
        raise OidcError("oidc_invalid", "userinfo names another subject than the ID token")
    return {**info, **claims}


async def _exchange(settings: Settings, found: Discovery, code: str,
                    pending: Pending) -> dict[str, Any]:
    client_id = str(settings.oidc_client_id)
    form = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": pending.redirect_uri, "code_verifier": pending.verifier}
    auth: httpx.Auth | None = None
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret \
        else None
    if secret is None:
        form["client_id"] = client_id
    elif settings.oidc_client_auth == "client_secret_post":
        form.update(client_id=client_id, client_secret=secret)
    else:  # RFC 6749 2.3.1: each form-urlencoded, then HTTP Basic
        auth = httpx.BasicAuth(urlencode({"": client_id})[1:], urlencode({"": secret})[1:])
    status, body = await _send("token endpoint", "POST", found.token_endpoint, auth=auth,
                               data=form, headers={"Accept": "application/json"})
    if status != 200 or not isinstance(body, dict):
        raise OidcError("oidc_denied", f"token endpoint answered {status}: "
                        f"{body.get('error') if isinstance(body, dict) else ''}", status=403)
    return body


# -- tokens ----------------------------------------------------------------------------------


async def verified_claims(settings: Settings, token: str, *, audience: str) -> dict[str, Any]:
    """The claims of a token the provider signed for `audience`, checked.

    Signature (an asymmetric algorithm, a key the provider publishes), `iss`, `aud`, `exp`.

    Raises:
        OidcError: `oidc_invalid` (`token_expired` when only its time is up),
            `oidc_unavailable` when the keys cannot be fetched.
    """
    source = provider(settings)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as err:
        raise OidcError("oidc_invalid", f"not a JWT: {err}") from None
    algorithm = header.get("alg")
    if algorithm not in ASYMMETRIC_ALGORITHMS:
        raise OidcError("oidc_invalid", f"algorithm {algorithm!r} is not accepted")
    kid = header.get("kid")
    key = await source.key(kid if isinstance(kid, str) else None, str(algorithm))
    issuer = (await source.discovery()).issuer
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[str(algorithm)], audience=audience, issuer=issuer,
            leeway=LEEWAY_SECONDS, options={"require": ["exp", "iss", "aud"]})
    except jwt.ExpiredSignatureError:
        raise OidcError("token_expired", "the token has expired", status=401) from None
    except jwt.PyJWTError as err:
        raise OidcError("oidc_invalid", f"the token does not verify: {err}") from None
    return claims


def claim(claims: Mapping[str, Any], name: str) -> Any:
    """The value of claim `name`: a top-level claim of that very name, else a dotted path."""
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def staff_roles(settings: Settings, claims: Mapping[str, Any]) -> list[Role]:
    """The staff roles the claims grant, through the role map; never a non-staff role."""
    raw = claim(claims, settings.oidc_roles_claim)
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    roles: list[Role] = []
    for name in names:
        if not isinstance(name, str):
            continue
        ours = settings.oidc_role_map.get(name, name)
        if ours in _STAFF and Role(ours) not in roles:
            roles.append(Role(ours))
    return roles


def staff_principal(settings: Settings, claims: Mapping[str, Any]) -> Principal:
    """The staff member verified claims name, with their staff roles.

    Raises:
        OidcError: `oidc_invalid` without a usable subject; `no_staff_role` without a staff role.
    """
    sub = claim(claims, settings.oidc_subject_claim)
    if not isinstance(sub, str) or not sub.strip() or len(sub) > MAX_SUBJECT_CHARS:
        raise OidcError("oidc_invalid", f"the claim {settings.oidc_subject_claim!r} does not "
                        "name the staff member")
    roles = staff_roles(settings, claims)
    if not roles:
        raise OidcError("no_staff_role", f"{sub!r} has no staff role in "
                        f"{settings.oidc_roles_claim!r}", status=403)
    return Principal(sub=sub.strip(), roles=roles)


async def bearer_principal(settings: Settings, token: str) -> Principal:
    """The principal of an API bearer token: daftar's own (HS256), or the provider's for staff.

    Raises:
        ServiceError: 401 `invalid_token`/`token_expired` for a token that does not verify or
            uses another algorithm; 403 `forbidden` for a provider token without a staff role;
            503 `unavailable` when the provider's keys cannot be fetched.
    """
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as err:
        raise ServiceError(401, "invalid_token", f"The token is not valid: {err}.") from None
    if algorithm == "HS256":
        return decode_token(settings.signing_secret, token)
    if algorithm not in ASYMMETRIC_ALGORITHMS or not settings.oidc_enabled:
        raise ServiceError(401, "invalid_token",
                           f"The token is not valid: algorithm {algorithm!r} is not accepted.")
    try:
        claims = await verified_claims(settings, token, audience=settings.oidc_api_audience)
        return staff_principal(settings, claims)
    except OidcError as err:
        log.info("oidc.token_refused", code=err.code, reason=err.reason)
        if err.code == "token_expired":
            raise ServiceError(401, "token_expired",
                               "The token has expired; ask for a new one.") from None
        if err.code == "no_staff_role":
            raise ServiceError(403, "forbidden", "The provider's token grants no staff role; "
                               "only staff may use the provider's tokens.") from None
        if err.code == "oidc_unavailable":
            raise ServiceError(503, "unavailable", "The identity provider's keys cannot be "
                               "fetched now.", retry_after=30) from None
        raise ServiceError(401, "invalid_token",
                           f"The token is not valid: {err.reason}.") from None
