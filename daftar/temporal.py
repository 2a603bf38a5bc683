"""The Temporal client every part uses: one data converter, the search attributes."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

from daftar.settings import Settings
from daftar.workflows import search


async def connect(settings: Settings) -> Client:
    """A client with the pydantic converter (Decimal, date and datetime round-trip)."""
    return await Client.connect(settings.temporal_address,
                                namespace=settings.temporal_namespace,
                                data_converter=pydantic_data_converter)


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
