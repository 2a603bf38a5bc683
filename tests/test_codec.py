"""The payload codec: sealed, labelled with its key id, rotatable, tamper-evident."""

from __future__ import annotations

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from daftar.core.codec import (
    KEY_ID,
    CodecError,
    EncryptionCodec,
    UnknownKeyError,
    data_converter,
)

K1, K2 = b"1" * 32, b"2" * 32
SECRET = {"national_id": "0012345679", "reason": "a security concern"}


def plain(value: object = SECRET) -> Payload:
    return pydantic_data_converter.payload_converter.to_payloads([value])[0]


async def test_round_trip_hides_the_value_and_labels_the_key() -> None:
    codec = EncryptionCodec({"k1": K1})
    original = plain()
    [sealed] = await codec.encode([original])
    assert sealed.metadata["encoding"] == b"binary/encrypted"
    assert sealed.metadata[KEY_ID] == b"k1"
    assert b"0012345679" not in sealed.SerializeToString()
    assert b"security" not in sealed.SerializeToString()
    assert (await codec.decode([sealed])) == [original]


async def test_each_seal_uses_a_fresh_nonce() -> None:
    codec = EncryptionCodec({"k1": K1})
    first, second = await codec.encode([plain(), plain()])
    assert first.data != second.data


async def test_an_old_key_still_decrypts_after_rotation() -> None:
    [old] = await EncryptionCodec({"k1": K1}).encode([plain()])
    rotated = EncryptionCodec({"k2": K2, "k1": K1})
    assert (await rotated.decode([old])) == [plain()]
    [new] = await rotated.encode([plain()])
    assert new.metadata[KEY_ID] == b"k2"
    assert (await rotated.decode([new])) == [plain()]


async def test_an_unknown_key_id_is_named() -> None:
    [sealed] = await EncryptionCodec({"gone": K1}).encode([plain()])
    with pytest.raises(UnknownKeyError, match="'gone'") as caught:
        await EncryptionCodec({"k2": K2}).decode([sealed])
    assert K1.decode() not in str(caught.value) and K2.decode() not in str(caught.value)


async def test_tampered_ciphertext_fails() -> None:
    codec = EncryptionCodec({"k1": K1})
    [sealed] = await codec.encode([plain()])
    data = bytearray(sealed.data)
    data[-1] ^= 1
    sealed.data = bytes(data)
    with pytest.raises(CodecError, match="'k1'"):
        await codec.decode([sealed])


async def test_relabelling_the_key_id_fails_even_with_the_same_key() -> None:
    # Both ids hold the same key: only the associated data (the key id) tells them apart.
    codec = EncryptionCodec({"k1": K1, "k9": K1})
    [sealed] = await codec.encode([plain()])
    sealed.metadata[KEY_ID] = b"k9"
    with pytest.raises(CodecError, match="'k9'"):
        await codec.decode([sealed])


async def test_a_truncated_payload_fails_cleanly() -> None:
    sealed = Payload(metadata={"encoding": b"binary/encrypted", KEY_ID: b"k1"}, data=b"short")
    with pytest.raises(CodecError):
        await EncryptionCodec({"k1": K1}).decode([sealed])


async def test_unencrypted_payloads_pass_through_decode() -> None:
    original = plain()
    assert (await EncryptionCodec({"k1": K1}).decode([original])) == [original]


async def test_the_converter_seals_values_and_failure_messages() -> None:
    converter = data_converter({"k1": K1})
    [sealed] = await converter.encode([SECRET])
    assert sealed.metadata["encoding"] == b"binary/encrypted"
    assert await converter.decode([sealed], [dict]) == [SECRET]
    failure = Failure()
    await converter.encode_failure(ApplicationError("national id 0012345679 refused"), failure)
    assert b"0012345679" not in failure.SerializeToString()
    back = await converter.decode_failure(failure)
    assert "0012345679" in str(back)


def test_no_keyring_is_the_plain_converter_and_an_empty_one_is_refused() -> None:
    assert data_converter(None) is pydantic_data_converter
    with pytest.raises(ValueError, match="DAFTAR_CODEC_KEYS"):
        EncryptionCodec({})
