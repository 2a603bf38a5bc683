"""The tests' OpenID provider: oidc-provider (tests/oidc/provider.mjs) under Node, on a free
loopback port, with the accounts and clients a test module gives it and a signing key the
tests hold too (so they can also make tokens it never issued, signed with its very key).

Its issuer is `http://localhost:PORT` while the stacks under test serve on 127.0.0.1: another
site for the browser, as an organisation's provider is, so the sign-in's cookies meet the
same SameSite rules as in production.

`scripts/bootstrap --test` (run by `./test`) installs its node_modules (`npm ci`)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.conftest import free_port

HERE = Path(__file__).parent
SCRIPT = HERE / "provider.mjs"
KID = "provider-key-1"
#: The resource indicator of daftar's API at the provider, and its tokens' audience.
API_RESOURCE = "urn:daftar:api"
API_AUDIENCE = "daftar-api"
#: Another API's resource at the same provider (its tokens are not daftar's).
OTHER_RESOURCE = "urn:other:api"


@dataclass
class OidcProvider:
    """A running provider: its issuer and its signing key."""

    issuer: str
    key: rsa.RSAPrivateKey

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**jwk, "kid": KID, "alg": "RS256", "use": "sig"}

    @property
    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def sign(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None,
             kid: str = KID) -> str:
        """A token with `claims`, signed RS256 with the provider's key (or `key`)."""
        now = int(time.time())
        body = {"iss": self.issuer, "iat": now, "exp": now + 300, **claims}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": kid})


def _private_jwk(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key))
    return {**jwk, "kid": KID, "alg": "RS256", "use": "sig"}


@contextlib.contextmanager
def running_provider(*, clients: list[dict[str, Any]],
                     accounts: dict[str, dict[str, Any]], port: int | None = None,
                     conform: bool = False) -> Iterator[OidcProvider]:
    """oidc-provider with `clients` and `accounts` (id → claims with `roles`), until the block
    ends. `conform`: its ID tokens carry `sub` alone, the roles are at its userinfo
    endpoint."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the OpenID provider's tests"
    assert (HERE / "node_modules" / "oidc-provider").is_dir(), \
        "run `npm ci --prefix tests/oidc` (scripts/bootstrap --test does)"
    port = port or free_port()
    issuer = f"http://localhost:{port}"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env = {**os.environ, "OIDC_ISSUER": issuer, "OIDC_CLIENTS": json.dumps(clients),
           "OIDC_ACCOUNTS": json.dumps(accounts),
           "OIDC_JWKS": json.dumps({"keys": [_private_jwk(key)]}),
           "OIDC_CONFORM": "1" if conform else ""}
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen([node, str(SCRIPT), str(port)], cwd=HERE, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            discovery = f"{issuer}/.well-known/openid-configuration"
            for _ in range(300):
                if process.poll() is not None:
                    out.seek(0)
                    raise AssertionError(f"the provider exited: {out.read().decode()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(discovery, timeout=2).status_code == 200:
                        break
                time.sleep(0.1)
            else:
                raise AssertionError("the provider did not answer within 30 s")
            yield OidcProvider(issuer=issuer, key=key)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def log_in(browser: httpx.AsyncClient, authorization_url: str, login: str,
                 redirect_uri: str) -> dict[str, str]:
    """Walk an authorization request through the provider's login and consent forms as
    `login` (any password), as a browser would: the parameters it sends back to
    `redirect_uri`."""
    url = authorization_url
    for _ in range(20):
        if url.startswith(redirect_uri):
            return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        r = await browser.get(url)
        if r.is_redirect:
            url = urljoin(url, r.headers["location"])
            continue
        assert r.status_code == 200, r.text
        page = r.text
        action = page.split('action="', 1)[1].split('"', 1)[0]
        form = ({"prompt": "login", "login": login, "password": "any"}
                if 'name="login"' in page else {"prompt": "consent"})
        r = await browser.post(urljoin(url, action), data=form)
        assert r.is_redirect, r.text
        url = urljoin(url, r.headers["location"])
    raise AssertionError("the provider's forms never led back")
