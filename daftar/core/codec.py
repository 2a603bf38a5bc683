"""The payload codec: personal data is ciphertext in Temporal (README: "Personal data in Temporal").

National ids, names and security reasons travel in workflow inputs, update arguments,
results and failure messages. Temporal stores them in its database and writes them into every
exported history, so each payload is sealed with AES-256-GCM before it leaves a client or
worker (as temporalio/samples-python's `encryption` sample does). The key id rides in the
payload's metadata, so keys rotate: the first key of the ring encrypts, every key decrypts,
and a history written under a retired key still reads as long as that key stays in the ring.
The key id is also the ciphertext's associated data, so relabelling a payload with another
id fails authentication instead of decrypting under the wrong key.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class CodecError(ValueError):
    """A payload the codec cannot open; the message names the key id, never the key."""


class UnknownKeyError(CodecError):
    """A payload sealed under a key id this ring does not hold (retired too early?)."""


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over the serialized inner payload; the ring's first key encrypts."""

    def __init__(self, keyring: dict[str, bytes], *, lenient: bool = False) -> None:
        if not keyring:
            raise ValueError("the payload codec needs at least one key (DAFTAR_CODEC_KEYS)")
        self._keyring = keyring
        self._ciphers = {kid: AESGCM(key) for kid, key in keyring.items()}
        self.key_id = next(iter(keyring))
        self._lenient = lenient

    def lenient(self) -> EncryptionCodec:
        """This codec for a worker: a payload it cannot open becomes a JSON object saying so.

        Not an error: a worker that raised would fail the whole workflow task, so anyone able
        to send an update could stop a genuine workflow with one unreadable payload; read as
        that object, a forged update is refused and a forged start ends (daftar.core.seal). A
        genuine history it cannot read (a key missing from the ring) still fails its replay and
        waits for the key.
        """
        return EncryptionCodec(self._keyring, lenient=True)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Seal every payload under the current key."""
        return [self.seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Open sealed payloads; others pass unchanged.

        So histories recorded before encryption (tests/histories, old applicants) still
        replay.
        """
        return [self._open_or_mark(p) if is_encrypted(p) else p for p in payloads]

    def _open_or_mark(self, payload: Payload) -> Payload:
        try:
            return self.open(payload)
        except CodecError as err:
            if not self._lenient:
                raise
            return Payload(metadata={"encoding": b"json/plain"},
                           data=json.dumps({"unreadable_payload": str(err)}).encode())

    def seal(self, payload: Payload) -> Payload:
        """One payload encrypted: data = nonce + ciphertext, key id as associated data."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.key_id].encrypt(
            nonce, payload.SerializeToString(), self.key_id.encode())
        return Payload(metadata={"encoding": ENCODING, KEY_ID: self.key_id.encode()},
                       data=nonce + sealed)

    def open(self, payload: Payload) -> Payload:
        """One sealed payload decrypted; a clear `CodecError` if it cannot be."""
        kid = payload.metadata.get(KEY_ID, b"").decode("utf-8", "replace")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise UnknownKeyError(
                f"payload encrypted under key id {kid!r}, which DAFTAR_CODEC_KEYS does not "
                f"hold (known: {', '.join(map(repr, self._ciphers))}); keep retired keys in "
                "the ring while histories sealed with them exist")
        data = payload.data
        try:
            plain = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], kid.encode())
            return Payload.FromString(plain)
        except (InvalidTag, DecodeError, ValueError):
            raise CodecError(f"payload under key id {kid!r} failed authentication: altered, "
                             "relabelled, or sealed with a different key of that id") from None


def is_encrypted(payload: Payload) -> bool:
    """Whether this codec sealed the payload (its encoding says so)."""
    return payload.metadata.get("encoding") == ENCODING


def worker_converter(converter: DataConverter) -> DataConverter:
    """`converter` with its codec lenient (see `EncryptionCodec.lenient`), for a worker."""
    codec = converter.payload_codec
    if not isinstance(codec, EncryptionCodec):
        return converter
    return dataclasses.replace(converter, payload_codec=codec.lenient())


def data_converter(keyring: dict[str, bytes] | None) -> DataConverter:
    """The converter every client, worker and replayer uses.

    Pydantic (Decimal, date and datetime round-trip) plus the codec; failure messages and
    stack traces move into an encoded attribute, because a refusal may quote personal data.
    `keyring=None` is the plain pydantic converter: what a reader without the key sees.
    """
    if keyring is None:
        return pydantic_data_converter
    return dataclasses.replace(
        pydantic_data_converter, payload_codec=EncryptionCodec(keyring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes)
