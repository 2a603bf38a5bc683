"""The production stack's files stay true to the code: secrets it generates are accepted by
production settings, the search attributes it registers are the workflows' own, and Temporal
is reachable only as the README's "Only daftar moves a workflow" says: nothing of it published,
mutual TLS for every client
(the files compose mounts are the ones scripts/production-secrets writes), and the Web UI
read-only behind the proxy that asks the console's gate."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, cast

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID
from fastapi import FastAPI

from daftar import console
from daftar.contracts import search
from daftar.core.settings import Settings, load_settings
from daftar.core.sms import KavenegarProvider, choose_provider
from daftar.gateway.temporal import tls_config
from daftar.services.objects import object_store
from daftar.store.notices import LocalSmsProvider
from daftar.store.objects import S3Store

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ROOT / "scripts" / "production-secrets"
CADDYFILE = ROOT / "deploy" / "proxy" / "Caddyfile"
GATE = "/console/gate/temporal-ui"
UI_PATH = "/console/temporal"
#: Temporal's compose service and the name its certificate is checked against.
SERVER = "temporal"
#: Every part of the stack that is a client of Temporal (each checked below).
CLIENTS = ("api", "worker", "temporal-ui", "temporal-setup")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def make_secrets(tls_dir: Path, *args: str) -> dict[str, str]:
    out = subprocess.run([sys.executable, str(SECRETS), "--tls-dir", str(tls_dir), *args],
                         capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    tls_dir = tmp_path_factory.mktemp("deploy") / "tls"
    return make_secrets(tls_dir), tls_dir


def test_generated_secrets_satisfy_production(generated: tuple[dict[str, str], Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    values, tls_dir = generated
    assert set(values) == {"POSTGRES_PASSWORD", "DAFTAR_JWT_SECRET", "DAFTAR_ID_KEY",
                           "DAFTAR_ARCHIVE_KEY", "DAFTAR_CODEC_KEYS", "DAFTAR_TLS_DIR",
                           "DAFTAR_S3_ACCESS_KEY", "DAFTAR_S3_SECRET_KEY"}
    assert values["DAFTAR_TLS_DIR"] == str(tls_dir)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAFTAR_ENVIRONMENT", "production")
    # The worker's settings as compose gives them, its files where compose mounts them from.
    monkeypatch.setenv("DAFTAR_TEMPORAL_TLS", "true")
    monkeypatch.setenv("DAFTAR_TEMPORAL_TLS_CA", str(tls_dir / "worker" / "ca.pem"))
    monkeypatch.setenv("DAFTAR_TEMPORAL_TLS_CERT", str(tls_dir / "worker" / "client.pem"))
    monkeypatch.setenv("DAFTAR_TEMPORAL_TLS_KEY", str(tls_dir / "worker" / "client.key"))
    monkeypatch.setenv("DAFTAR_TEMPORAL_TLS_SERVER_NAME", SERVER)
    settings = load_settings()
    settings.check(needs=("jwt_secret", "id_key", "archive_key", "codec_keys"))
    assert len(settings.codec_keyring) == 1
    tls = tls_config(settings)
    assert not isinstance(tls, bool)
    assert tls.client_cert and tls.client_private_key and tls.server_root_ca_cert
    assert tls.domain == SERVER


def test_compose_registers_the_workflows_search_attributes() -> None:
    script = (ROOT / "deploy" / "temporal" / "setup-namespace.sh").read_text()
    registered = dict(re.findall(r"(Daftar\w+)=(Keyword|Int)", script))
    kinds = {1: "Text", 2: "Keyword", 3: "Int"}
    assert registered == {key.name: kinds[int(key.indexed_value_type)]
                          for key in search.ALL_KEYS}


# -- the compose file, read as compose reads it ---------------------------------------------

_VARIABLE = re.compile(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}")


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` over every string."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == ":-":
            return rest
        raise AssertionError(f"${{{name}}} is unset: compose would stop with {rest!r}")

    return _VARIABLE.sub(one, value)


def compose(env: dict[str, str]) -> dict[str, Any]:
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # anchors merged
    services: dict[str, Any] = interpolate(raw["services"], env)
    return services


@dataclass
class Port:
    host_ip: str
    host_port: str
    container_port: str


def published(service: dict[str, Any]) -> list[Port]:
    ports = []
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.append(Port(str(entry.get("host_ip", "")), str(entry.get("published", "")),
                              str(entry["target"])))
            continue
        parts = str(entry).split(":")
        ip = ":".join(parts[:-2]) if len(parts) > 2 else ""
        ports.append(Port(ip.strip("[]"), parts[-2] if len(parts) > 1 else "", parts[-1]))
    return ports


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


@dataclass
class Mount:
    source: str
    target: str
    read_only: bool


def mounts(service: dict[str, Any]) -> list[Mount]:
    found = []
    for entry in service.get("volumes", []):
        if isinstance(entry, dict):
            found.append(Mount(str(entry["source"]), str(entry["target"]),
                               bool(entry.get("read_only"))))
            continue
        source, target, *mode = str(entry).split(":")
        found.append(Mount(source, target, "ro" in mode))
    return found


def host_path(service: dict[str, Any], container_path: str) -> Path:
    """Where on the host a file the container reads comes from (its bind mount)."""
    path = PurePosixPath(container_path)
    for mount in mounts(service):
        if path.is_relative_to(mount.target):
            source = Path(mount.source)
            source = source if source.is_absolute() else ROOT / source
            return source / path.relative_to(mount.target)
    raise AssertionError(f"{container_path} is on no mount of {service.get('image')}")


@pytest.fixture(scope="module")
def stack(generated: tuple[dict[str, str], Path]) -> dict[str, Any]:
    """The services with .env as scripts/production-secrets writes it."""
    return compose(generated[0])


def temporal_clients(services: dict[str, Any]) -> Iterator[str]:
    """Every service configured to call Temporal's frontend."""
    for name, service in services.items():
        env = environment(service)
        if any(env.get(k, "").startswith(f"{SERVER}:") for k in
               ("TEMPORAL_ADDRESS", "DAFTAR_TEMPORAL_ADDRESS")):
            yield name


@dataclass
class ClientTls:
    """Which environment variables of one kind of client name its TLS files."""

    ca: str
    cert: str
    key: str
    server_name: str
    switches: dict[str, str] = field(default_factory=dict)


DAFTAR_CLIENT = ClientTls("DAFTAR_TEMPORAL_TLS_CA", "DAFTAR_TEMPORAL_TLS_CERT",
                          "DAFTAR_TEMPORAL_TLS_KEY", "DAFTAR_TEMPORAL_TLS_SERVER_NAME",
                          {"DAFTAR_TEMPORAL_TLS": "true"})
#: temporalio/ui's variables (its config template, server/docker/config-template.yaml).
UI_CLIENT = ClientTls("TEMPORAL_TLS_CA", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY",
                      "TEMPORAL_TLS_SERVER_NAME", {"TEMPORAL_TLS_ENABLE_HOST_VERIFICATION": "true"})
#: The temporal CLI's (`temporal options`); setup-namespace.sh passes them on as flags.
CLI_CLIENT = ClientTls("TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_CLIENT_CERT_PATH",
                       "TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_SERVER_NAME")
CLIENT_TLS = {"api": DAFTAR_CLIENT, "worker": DAFTAR_CLIENT, "temporal-ui": UI_CLIENT,
              "temporal-setup": CLI_CLIENT}


def load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def usages(cert: x509.Certificate) -> set[x509.ObjectIdentifier]:
    return set(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


def dns_names(cert: x509.Certificate) -> list[str]:
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return alt.get_values_for_type(x509.DNSName)


def signed_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def test_nothing_of_temporal_is_published(stack: dict[str, Any]) -> None:
    assert published(stack[SERVER]) == [], "Temporal's frontend is reached inside the stack"
    assert published(stack["temporal-ui"]) == [], "the Web UI is reached through the proxy"
    for name, service in stack.items():
        if name == "proxy":
            continue
        for port in published(service):
            assert port.host_ip in LOOPBACK, (
                f"{name} publishes {port.container_port} on every interface; only the proxy "
                "is published there (bind others to 127.0.0.1)")


def test_the_proxy_is_the_only_way_in(stack: dict[str, Any]) -> None:
    proxy = stack["proxy"]
    [port] = published(proxy)
    assert port.host_ip not in LOOPBACK and port.host_port == "8000"
    assert published(stack["api"]) == [], "the API is reached through the proxy"
    assert {"api", "temporal-ui"} <= set(proxy["depends_on"])
    [caddyfile] = [m for m in mounts(proxy) if m.target == "/etc/caddy/Caddyfile"]
    assert caddyfile.read_only and (ROOT / caddyfile.source).resolve() == CADDYFILE
    api = environment(stack["api"])
    public = api["DAFTAR_TEMPORAL_UI_URL"].removesuffix(UI_PATH)
    assert api["DAFTAR_TEMPORAL_UI_URL"] == public + UI_PATH  # the console links through it
    assert public == "http://localhost:8000"


def test_temporal_requires_client_certificates(stack: dict[str, Any],
                                               generated: tuple[dict[str, str], Path]) -> None:
    """temporalio/server's config template: frontend.server.requireClientAuth and the CAs
    client certificates must chain to; internode traffic the same."""
    server = stack[SERVER]
    env = environment(server)
    assert env["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    assert env["TEMPORAL_TLS_FRONTEND_SERVER_NAME"] == env["TEMPORAL_TLS_INTERNODE_SERVER_NAME"]
    files = {name: host_path(server, env[name]) for name in (
        "TEMPORAL_TLS_FRONTEND_CERT", "TEMPORAL_TLS_FRONTEND_KEY", "TEMPORAL_TLS_CLIENT1_CA_CERT",
        "TEMPORAL_TLS_CLIENT2_CA_CERT", "TEMPORAL_TLS_SERVER_CERT", "TEMPORAL_TLS_SERVER_KEY",
        "TEMPORAL_TLS_SERVER_CA_CERT")}
    assert all(m.read_only for m in mounts(server))
    for path in files.values():
        assert path.is_file(), path
    ca = load_cert(generated[1] / "ca" / "ca.pem")
    for name in ("TEMPORAL_TLS_CLIENT1_CA_CERT", "TEMPORAL_TLS_CLIENT2_CA_CERT",
                 "TEMPORAL_TLS_SERVER_CA_CERT"):
        assert load_cert(files[name]) == ca, f"{name} is not the stack's CA"
    cert = load_cert(files["TEMPORAL_TLS_FRONTEND_CERT"])
    assert signed_by(cert, ca)
    assert SERVER in dns_names(cert)
    # Its own services present it as their client certificate to the frontend and internode.
    assert {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH} <= usages(cert)


def test_every_temporal_client_has_its_own_certificate(
        stack: dict[str, Any], generated: tuple[dict[str, str], Path]) -> None:
    assert set(temporal_clients(stack)) == set(CLIENTS)
    ca = load_cert(generated[1] / "ca" / "ca.pem")
    server_name = environment(stack[SERVER])["TEMPORAL_TLS_FRONTEND_SERVER_NAME"]
    sources = set()
    for name in CLIENTS:
        service, kind = stack[name], CLIENT_TLS[name]
        env = environment(service)
        for variable, value in kind.switches.items():
            assert env.get(variable) == value, f"{name}: {variable}"
        assert env[kind.server_name] == server_name, f"{name} checks another server name"
        ca_file, cert_file, key_file = (host_path(service, env[v])
                                        for v in (kind.ca, kind.cert, kind.key))
        assert all(m.read_only for m in mounts(service) if "tls" in m.target)
        assert load_cert(ca_file) == ca, f"{name} trusts another CA"
        cert = load_cert(cert_file)
        assert signed_by(cert, ca), f"{name}'s certificate is not of the stack's CA"
        assert ExtendedKeyUsageOID.CLIENT_AUTH in usages(cert), name
        assert dns_names(cert) == [name]
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, f"{name}'s key is readable"
        sources.add(key_file.parent)
    assert len(sources) == len(CLIENTS), "each client mounts a directory of its own"


def test_the_ui_is_read_only_behind_the_gate(stack: dict[str, Any]) -> None:
    env = environment(stack["temporal-ui"])
    # temporalio/ui's config template; the UI server refuses every non-GET to its API when
    # disableWriteActions is on, and the others hide each action's button.
    for variable in ("TEMPORAL_DISABLE_WRITE_ACTIONS", "TEMPORAL_START_WORKFLOW_DISABLED",
                     "TEMPORAL_WORKFLOW_SIGNAL_DISABLED", "TEMPORAL_WORKFLOW_CANCEL_DISABLED",
                     "TEMPORAL_WORKFLOW_TERMINATE_DISABLED", "TEMPORAL_WORKFLOW_RESET_DISABLED",
                     "TEMPORAL_BATCH_ACTIONS_DISABLED"):
        assert env[variable] == "true", variable
    assert env.get("TEMPORAL_AUTH_ENABLED", "false") == "false"  # the proxy's gate is the auth
    # Served under /console, so the browser sends it the console's session cookie.
    assert env["TEMPORAL_UI_PUBLIC_PATH"] == UI_PATH
    assert env["TEMPORAL_CODEC_ENDPOINT"] == "http://localhost:8000/v1/codec"


# -- the proxy's configuration -----------------------------------------------------------------


@dataclass
class Directive:
    tokens: list[str]
    block: list[Directive]

    def find(self, *tokens: str) -> list[Directive]:
        return [d for d in self.block if d.tokens[:len(tokens)] == list(tokens)]


def caddyfile(text: str) -> Directive:
    """A Caddyfile as nested directives (enough of its syntax for deploy/proxy/Caddyfile)."""
    root = Directive([], [])
    stack = [root]
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line == "}":
            stack.pop()
            continue
        opens = line.endswith("{")
        directive = Directive(line.removesuffix("{").split(), [])
        stack[-1].block.append(directive)
        if opens:
            stack.append(directive)
    assert len(stack) == 1, "unbalanced braces"
    return root


async def test_the_proxy_asks_the_gate_about_every_request_to_the_ui() -> None:
    root = caddyfile(CADDYFILE.read_text())
    [site] = [d for d in root.block if d.tokens and d.tokens[0].endswith(":8000")]
    [ui] = site.find("handle", f"{UI_PATH}/*")
    kinds = [d.tokens[0] for d in ui.block]
    assert kinds == ["forward_auth", "@write", "respond", "reverse_proxy"], \
        "the gate first, then only reads reach the UI"
    assert ui.find("@write", "not", "method", "GET", "HEAD")
    assert ui.find("respond", "@write", "405")
    [auth] = ui.find("forward_auth", "api:8000")
    assert auth.find("uri", GATE)
    [refused] = auth.find("handle_response")
    [matcher] = auth.find(refused.tokens[1], "status")
    assert matcher.tokens[2] == "401"
    [to_signin] = refused.find("redir")
    assert to_signin.tokens[2].startswith("/console/sign-in")
    [upstream] = ui.find("reverse_proxy", "temporal-ui:8080")
    assert upstream.find("header_up", "-Cookie")
    # Everything else goes to the API: no other way to the UI.
    [rest] = site.find("handle")[-1:]
    assert rest.tokens == ["handle"] and rest.find("reverse_proxy", "api:8000")
    assert sum(len(d.find("reverse_proxy", "temporal-ui:8080")) for d in site.block) == 1
    # The gate the proxy calls is a console route: without a session it answers 401.
    app = FastAPI()
    console.install(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://proxy") as client:
        assert (await client.get(GATE)).status_code == 401


def test_secrets_writes_the_files_compose_mounts(generated: tuple[dict[str, str], Path],
                                                 stack: dict[str, Any]) -> None:
    tls_dir = generated[1]
    mounted: set[Path] = set()
    for name, service in stack.items():
        for mount in mounts(service):
            source = Path(mount.source)
            if source.is_relative_to(tls_dir):
                assert source.is_dir(), f"{name} mounts {source}, which the script did not make"
                assert stat.S_IMODE(source.stat().st_mode) == 0o700
                mounted.add(source)
    assert {p.name for p in mounted} == {SERVER, *CLIENTS}
    assert all(p.parent == tls_dir and p.name != "ca" for p in mounted), "the CA's key is "\
        "mounted nowhere"
    assert stat.S_IMODE((tls_dir / "ca" / "ca.key").stat().st_mode) == 0o600
    for key in tls_dir.glob("*/*.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key


def test_secrets_keeps_the_certificates_and_renews_them_on_request(
        tmp_path: Path) -> None:
    tls_dir = tmp_path / "tls"
    assert make_secrets(tls_dir, "--tls-only") == {"DAFTAR_TLS_DIR": str(tls_dir)}
    ca, client = (tls_dir / "ca" / "ca.pem").read_bytes(), (tls_dir / "api" / "client.pem")
    first = client.read_bytes()
    make_secrets(tls_dir, "--tls-only")
    assert client.read_bytes() == first, "a second run keeps what exists"
    assert make_secrets(tls_dir, "--renew-tls") == {}
    assert client.read_bytes() != first
    assert (tls_dir / "ca" / "ca.pem").read_bytes() == ca, "renewal keeps the CA"
    assert signed_by(load_cert(client), load_cert(tls_dir / "ca" / "ca.pem"))


def test_compose_without_tls_files_says_how_to_make_them() -> None:
    env = {"POSTGRES_PASSWORD": "p", "DAFTAR_JWT_SECRET": "j", "DAFTAR_ID_KEY": "i",
           "DAFTAR_ARCHIVE_KEY": "a", "DAFTAR_CODEC_KEYS": "k", "DAFTAR_S3_ACCESS_KEY": "s",
           "DAFTAR_S3_SECRET_KEY": "t"}
    with pytest.raises(AssertionError, match="production-secrets --tls-only"):
        compose(env)


def test_compose_without_s3_keys_says_how_to_make_them(
        generated: tuple[dict[str, str], Path]) -> None:
    env = {k: v for k, v in generated[0].items() if not k.startswith("DAFTAR_S3_")}
    with pytest.raises(AssertionError, match="production-secrets --s3-only"):
        compose(env)
    s3 = make_secrets(generated[1], "--s3-only")
    assert set(s3) == {"DAFTAR_S3_ACCESS_KEY", "DAFTAR_S3_SECRET_KEY"}
    compose(env | s3)


# -- the object store: MinIO, reached by migrate and the API only -----------------------------

#: The services that keep files (daftar.store.objects), and so reach MinIO.
FILE_KEEPERS = ("migrate", "api")


def networks_of(service: dict[str, Any]) -> set[str]:
    """The networks a service joins (compose's `default` when it names none)."""
    named = service.get("networks", ["default"])
    return set(named if isinstance(named, list) else named.keys())


def test_minio_is_on_an_internal_network_behind_a_healthcheck(stack: dict[str, Any]) -> None:
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    minio = stack["minio"]
    image, _, tag = minio["image"].partition(":")
    assert image == "minio/minio" and re.fullmatch(r"RELEASE\.\d{4}-\d\d-\d\dT[\d-]+Z", tag), \
        "MinIO pinned to a release tag"
    assert minio["command"][:2] == ["server", "/data"]
    assert "--console-address" in minio["command"]
    assert published(minio) == [], "MinIO is reached inside the stack only"
    assert networks_of(minio) == {"objects"}
    assert raw["networks"]["objects"] == {"internal": True}, "MinIO's network leads nowhere"
    assert {name for name, service in stack.items()
            if "objects" in networks_of(service)} == {"minio", *FILE_KEEPERS}
    test = minio["healthcheck"]["test"]
    assert test == ["CMD", "mc", "ready", "local"] or "/minio/health/live" in " ".join(test)
    [data] = [m for m in mounts(minio) if m.target == "/data"]
    assert data.source in raw["volumes"], "MinIO's data on a named volume"


def test_the_api_and_migrate_keep_files_in_minio(stack: dict[str, Any],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    minio = environment(stack["minio"])
    for name in FILE_KEEPERS:
        service = stack[name]
        assert service["depends_on"]["minio"] == {"condition": "service_healthy"}, name
        assert {"default", "objects"} <= networks_of(service), name
        env = environment(service)
        assert env["DAFTAR_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert (env["DAFTAR_S3_ACCESS_KEY"], env["DAFTAR_S3_SECRET_KEY"]) == (
            minio["MINIO_ROOT_USER"], minio["MINIO_ROOT_PASSWORD"])
        # The object store's settings as the service reads them: an S3 store on MinIO.
        for variable in list(os.environ):
            if variable.startswith("DAFTAR_") or variable == "DATABASE_URL":
                monkeypatch.delenv(variable)
        for variable, value in env.items():
            if variable.startswith(("DAFTAR_S3_", "DAFTAR_OBJECT_")) or variable in (
                    "DAFTAR_ENVIRONMENT", "DATABASE_URL"):
                monkeypatch.setenv(variable, value)
        settings = load_settings()
        assert settings.environment == "production"
        settings.check(needs=("objects",))
        store = object_store(settings)
        assert isinstance(store, S3Store), name
        assert (store.bucket, store.endpoint_url) == ("daftar", "http://minio:9000")
    assert "minio" not in stack["worker"].get("depends_on", {}), "the worker keeps no files"
    assert "DAFTAR_OBJECT_STORE" not in environment(stack["worker"])


@pytest.mark.parametrize("chosen", ["", "kavenegar"])
def test_the_worker_and_the_api_send_sms_through_one_provider(
        generated: tuple[dict[str, str], Path], chosen: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dotenv = dict(generated[0])
    if chosen:
        dotenv.update(DAFTAR_SMS_PROVIDER=chosen, DAFTAR_KAVENEGAR_API_KEY="7A6B-KEY",
                      DAFTAR_KAVENEGAR_SENDER="10004346")
    services = compose(dotenv)
    sms = {name: {k: v for k, v in environment(services[name]).items()
                  if k.startswith(("DAFTAR_SMS_", "DAFTAR_KAVENEGAR_"))}
           for name in ("worker", "api")}
    assert sms["worker"] == sms["api"] and sms["worker"]["DAFTAR_SMS_PER_NUMBER_PER_HOUR"]
    for variable in list(os.environ):
        if variable.startswith("DAFTAR_") or variable == "DATABASE_URL":
            monkeypatch.delenv(variable)
    for variable, value in sms["worker"].items():
        monkeypatch.setenv(variable, value)
    settings = load_settings()
    provider = choose_provider(settings, local=lambda: LocalSmsProvider(cast(Any, None)))
    assert provider.name == (chosen or "local")
    if chosen:
        assert isinstance(provider, KavenegarProvider) and settings.kavenegar_sender == "10004346"


def test_settings_without_tls_stay_plain() -> None:
    """The embedded stack (no TLS settings) connects in plain text, as before."""
    assert tls_config(Settings()) is False
