"""daftar's side of mutual TLS to Temporal, with the certificates scripts/production-secrets
makes for the production stack.

The embedded dev server speaks no TLS, so a small TLS front stands where the production
frontend does: it presents the stack's server certificate, requires a client certificate of
the stack's CA (as the frontend does with requireClientAuth), advertises ALPN h2 (gRPC), and
passes the bytes on to the dev server. daftar's client (`daftar.gateway.temporal.connect`) and the
namespace set-up script (through the temporal CLI) get in with their certificates; a client
without one, with one of another CA, or that cannot verify the server, does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import SecretStr
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from daftar.contracts import search
from daftar.core.settings import Settings
from daftar.gateway.temporal import connect
from tests.conftest import BIN, TEST_CODEC_KEYS, free_port

ROOT = Path(__file__).resolve().parent.parent
#: The name compose's clients check the server's certificate against.
SERVER_NAME = "temporal"
#: A refused connection fails fast; this only bounds a hang.
REFUSAL_SECONDS = 60


@dataclass
class Pki:
    ours: Path  # the stack's CA and certificates
    theirs: Path  # another CA's, made the same way


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    base = tmp_path_factory.mktemp("pki")
    for name in ("ours", "theirs"):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "production-secrets"),
                        "--tls-dir", str(base / name), "--tls-only"],
                       capture_output=True, check=True)
    return Pki(ours=base / "ours", theirs=base / "theirs")


@dataclass
class TlsFront:
    """Where clients connect; what the front admitted and refused, and why."""

    address: str
    admitted: list[str] = field(default_factory=list)  # the ALPN protocol of each
    refused: list[str] = field(default_factory=list)  # the TLS error of each


def server_context(tls_dir: Path) -> ssl.SSLContext:
    """The frontend's TLS: the stack's server certificate, client certificates required."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_dir / "temporal" / "server.pem",
                            tls_dir / "temporal" / "server.key")
    context.load_verify_locations(tls_dir / "temporal" / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["h2"])
    return context


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


@pytest.fixture(scope="module")
async def front(dev_server: WorkflowEnvironment, pki: Pki) -> AsyncIterator[TlsFront]:
    target_host, _, target_port = dev_server.client.service_client.config.target_host \
        .rpartition(":")
    context = server_context(pki.ours)
    port = free_port()
    front = TlsFront(address=f"127.0.0.1:{port}")
    tasks: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await writer.start_tls(context)
        except (ssl.SSLError, ConnectionError) as err:
            front.refused.append(str(err))
            writer.transport.abort()
            return
        ssl_object = writer.get_extra_info("ssl_object")
        front.admitted.append(ssl_object.selected_alpn_protocol() or "")
        up_reader, up_writer = await asyncio.open_connection(target_host, int(target_port))
        both = [asyncio.ensure_future(_pipe(reader, up_writer)),
                asyncio.ensure_future(_pipe(up_reader, writer))]
        tasks.update(both)
        await asyncio.gather(*both)

    def track(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(serve(reader, writer))
        tasks.add(task)

    server = await asyncio.start_server(track, "127.0.0.1", port)
    try:
        yield front
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*tasks, return_exceptions=True)


def settings(front: TlsFront, *, ca: Path | None, cert: Path | None = None,
             key: Path | None = None, server_name: str = SERVER_NAME) -> Settings:
    """A part's settings as compose gives them (DAFTAR_TEMPORAL_TLS_*)."""
    return Settings(temporal_address=front.address, temporal_namespace="default",
                    temporal_tls=True, temporal_tls_ca=ca, temporal_tls_cert=cert,
                    temporal_tls_key=key, temporal_tls_server_name=server_name,
                    codec_keys=SecretStr(TEST_CODEC_KEYS))


def part(tls_dir: Path, name: str) -> dict[str, Path]:
    """What one part of the stack mounts."""
    return {"ca": tls_dir / name / "ca.pem", "cert": tls_dir / name / "client.pem",
            "key": tls_dir / name / "client.key"}


@pytest.mark.parametrize("name", ["api", "worker"])
async def test_daftar_connects_with_its_client_certificate(front: TlsFront, pki: Pki,
                                                           name: str) -> None:
    configured = settings(front, **part(pki.ours, name))
    configured.check(needs=("codec_keys",))
    admitted = len(front.admitted)
    client = await connect(configured)
    described = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace="default"))
    assert described.namespace_info.name == "default"
    attributes = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default"))
    assert {key.name for key in search.ALL_KEYS} <= set(attributes.custom_attributes)
    assert len(front.admitted) > admitted
    assert set(front.admitted) == {"h2"}


async def refused(front: TlsFront, configured: Settings) -> str:
    """Connecting fails; the reason as the client saw it."""
    with pytest.raises(RuntimeError) as failure:
        await asyncio.wait_for(connect(configured), REFUSAL_SECONDS)
    return str(failure.value)


async def test_a_client_without_a_certificate_is_refused(front: TlsFront, pki: Pki) -> None:
    before = len(front.refused)
    await refused(front, settings(front, ca=pki.ours / "api" / "ca.pem"))
    assert len(front.refused) > before
    assert "CERTIFICATE" in " ".join(front.refused[before:]).upper()


async def test_a_certificate_of_another_ca_is_refused(front: TlsFront, pki: Pki) -> None:
    before = len(front.refused)
    theirs = part(pki.theirs, "api")
    await refused(front, settings(front, ca=pki.ours / "api" / "ca.pem", cert=theirs["cert"],
                                  key=theirs["key"]))
    assert len(front.refused) > before
    assert "CERTIFICATE_VERIFY_FAILED" in " ".join(front.refused[before:])


async def test_the_client_refuses_a_server_it_cannot_verify(front: TlsFront, pki: Pki) -> None:
    """A server of another CA, or answering for another name, is not daftar's Temporal."""
    theirs = part(pki.theirs, "api")
    assert "InvalidCertificate" in await refused(front, settings(front, **theirs))
    assert "NotValidForName" in await refused(
        front, settings(front, **part(pki.ours, "api"), server_name="postgresql"))


async def test_the_setup_script_registers_the_namespace_over_mutual_tls(
        front: TlsFront, pki: Pki, dev_server: WorkflowEnvironment) -> None:
    """deploy/temporal/setup-namespace.sh as the temporal-setup service runs it, with the
    temporal CLI of the wheel standing in for the admin-tools image's."""
    namespace = f"daftar-tls-{uuid.uuid4().hex[:8]}"
    files = part(pki.ours, "temporal-setup")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "TEMPORAL_ADDRESS": front.address, "DAFTAR_TEMPORAL_NAMESPACE": namespace,
           "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(files["ca"]),
           "TEMPORAL_TLS_CLIENT_CERT_PATH": str(files["cert"]),
           "TEMPORAL_TLS_CLIENT_KEY_PATH": str(files["key"]),
           "TEMPORAL_TLS_SERVER_NAME": SERVER_NAME, "TEMPORAL_RETENTION": "72h"}
    process = await asyncio.create_subprocess_exec(
        "sh", str(ROOT / "deploy" / "temporal" / "setup-namespace.sh"), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode == 0, out.decode()
    assert f"namespace {namespace} is ready" in out.decode()
    # The namespace was created a moment ago: a read of it may be cancelled while the server's
    # namespace cache catches up, so the read is tried a few times.
    for attempt in range(10):
        try:
            attributes = await dev_server.client.operator_service.list_search_attributes(
                ListSearchAttributesRequest(namespace=namespace))
            break
        except RPCError:
            if attempt == 9:
                raise
            await asyncio.sleep(1)
    assert {key.name for key in search.ALL_KEYS} <= set(attributes.custom_attributes)
