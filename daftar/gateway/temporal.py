"""The Temporal client every part uses: one data converter, the search attributes."""

from __future__ import annotations

import re

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from daftar.contracts import search
from daftar.core.codec import data_converter
from daftar.core.seal import SealInterceptor
from daftar.core.settings import Settings


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS to Temporal from settings: off, server-verified, or mutual (client cert and key)."""
    files = (settings.temporal_tls_ca, settings.temporal_tls_cert, settings.temporal_tls_key)
    if not settings.temporal_tls and not any(files):
        return False
    ca, cert, key = (path.read_bytes() if path else None for path in files)
    return TLSConfig(server_root_ca_cert=ca, client_cert=cert, client_private_key=key,
                     domain=settings.temporal_tls_server_name)


async def connect(settings: Settings, *, runtime: Runtime | None = None,
                  lazy: bool = False) -> Client:
    """A client with daftar's converter; every start and update it sends is sealed.

    The converter is pydantic's (Decimal, date and datetime round-trip) with the payload
    codec; the seal is daftar.core.seal's. `lazy` connects on first use, so a part can start
    while Temporal is still down and recover when it returns.
    """
    return await Client.connect(settings.temporal_address,
                                namespace=settings.temporal_namespace,
                                data_converter=data_converter(settings.codec_keyring),
                                interceptors=[SealInterceptor(settings.seal_keys)],
                                tls=tls_config(settings), runtime=runtime, lazy=lazy)


async def register_search_attributes(client: Client, namespace: str) -> None:
    """Register daftar's custom search attributes where missing (idempotent)."""
    wanted = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in search.ALL_KEYS
    }
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace))
        missing = {k: v for k, v in wanted.items() if k not in existing.custom_attributes}
    except RPCError as err:
        if err.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        missing = wanted  # the time-skipping test server cannot list, only add
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing))


#: A workflow id daftar makes (application-<hex>, cycle-<year>): safe inside a visibility query.
_DAFTAR_ID = re.compile(r"[a-z]+-[0-9a-f]{1,32}")


async def earlier_runs(client: Client, workflow_id: str) -> list[str]:
    """The run ids under `workflow_id` before its latest, newest first.

    That is where daftar's own run is when a run it did not start (daftar.core.seal) came
    after it; none for an id daftar would not make.
    """
    if not _DAFTAR_ID.fullmatch(workflow_id):
        return []
    runs = sorted([(wf.start_time, wf.run_id) async for wf in client.list_workflows(
        f"WorkflowId = '{workflow_id}'", page_size=20)], reverse=True)
    return [run_id for _, run_id in runs[1:]]
