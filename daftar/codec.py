"""The payload codec: personal data is ciphertext in Temporal (filled in below)."""

from __future__ import annotations

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter


def data_converter(keyring: dict[str, bytes] | None) -> DataConverter:
    """The converter every client, worker and replayer uses."""
    return pydantic_data_converter
