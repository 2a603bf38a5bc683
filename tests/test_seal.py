"""Seals: what proves a message to a workflow is daftar's, checked without Temporal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from daftar.contracts.applicant import (
    ApplicantInput,
    ClaimIn,
    CycleTerms,
    DecisionIn,
    DisqualifyIn,
    DocumentIn,
    DocumentKind,
    ExamResultIn,
    OfficeIn,
    PaymentIn,
    PhotoIn,
)
from daftar.contracts.cycle import CycleWorkflowIn, PublishIn, RoundIn
from daftar.core.seal import SealKeys, digest, refusal, seal
from daftar.core.settings import Settings, SettingsError
from daftar.domain.actors import Actor
from daftar.domain.stages import DecisionStage, Role
from tests.conftest import TEST_CODEC_KEYS, TEST_KEYRING, TEST_SEALS
from tests.factories import registration

WID = "application-0123456789abcdef"
ACTOR = Actor(id="alice", roles=[Role.interviewer])
DECISION = DecisionIn(actor=ACTOR, stage=DecisionStage.interview, outcome="pass",
                      score=Decimal("80.50"))
NONCE = "5a1d3c54-0f6b-4a39-9c57-3c1e5a0b7f10"


def check(header: Payload | None, *, wid: str = WID, name: str = "decide",
          args: list[Any] | None = None, nonce: str | None = NONCE,
          keys: SealKeys = TEST_SEALS) -> str | None:
    return refusal(keys, header, "update", wid, name, [DECISION] if args is None else args,
                   nonce=nonce)


def genuine() -> Payload:
    return seal(TEST_SEALS, "update", WID, "decide", NONCE, [DECISION])


def test_a_genuine_seal_holds() -> None:
    assert check(genuine()) is None


def test_each_forgery_is_refused_with_its_reason() -> None:
    assert check(None) == "it carries no seal"
    assert check(Payload(data=b"not json")) == "its seal is unreadable"
    assert check(Payload(data=b'{"kid": "test-2"}')) == "its seal is unreadable"
    assert "another workflow" in str(check(genuine(), wid="application-other"))
    assert "another workflow" in str(check(genuine(), name="claim"))
    altered = DECISION.model_copy(update={"actor": Actor(id="mallory", roles=[Role.admin])})
    assert "altered" in str(check(genuine(), args=[altered]))
    assert check(genuine(), nonce="another-update-id") == "its seal belongs to another message"
    retired = SealKeys(keys=TEST_SEALS.keys, sealing=("test-1",))
    old = seal(retired, "update", WID, "decide", NONCE, [DECISION])
    assert check(old) == "it is sealed with key 'test-1', which only decrypts old histories"
    stranger = seal(SealKeys.from_keyring({"evil": bytes(32)}), "update", WID, "decide",
                    NONCE, [DECISION])
    assert check(stranger) == "it is sealed with an unknown key 'evil'"
    # A MAC copied onto another key id fails too.
    body = json.loads(genuine().data)
    relabelled = Payload(data=json.dumps({**body, "kid": "test-1"}).encode())
    assert check(relabelled, keys=SealKeys(keys=TEST_SEALS.keys,
                                           sealing=("test-2", "test-1"))) is not None


def test_sealing_keys_are_a_listed_part_of_the_ring() -> None:
    keys = SealKeys.from_keyring(TEST_KEYRING)
    assert keys.sealing == ("test-2",)  # the ring's first key alone, by default
    both = SealKeys.from_keyring(TEST_KEYRING, ["test-1", "test-2"])
    assert both.sealing == ("test-2", "test-1")  # the ring's first key seals
    with pytest.raises(ValueError, match="not in DAFTAR_CODEC_KEYS"):
        SealKeys.from_keyring(TEST_KEYRING, ["test-9"])
    with pytest.raises(ValueError, match="must be one of the sealing keys"):
        SealKeys.from_keyring(TEST_KEYRING, ["test-1"])
    # Derived keys, never the codec's own.
    assert set(keys.keys) == set(TEST_KEYRING)
    assert all(keys.keys[k] != TEST_KEYRING[k] for k in TEST_KEYRING)


def test_the_sealing_keys_setting_is_checked_naming_it() -> None:
    settings = Settings(codec_keys=TEST_CODEC_KEYS, codec_sealing_keys="test-1")
    with pytest.raises(SettingsError, match="DAFTAR_CODEC_SEALING_KEYS"):
        _ = settings.seal_keys
    ok = Settings(codec_keys=TEST_CODEC_KEYS, codec_sealing_keys="test-2, test-1")
    assert ok.seal_keys.sealing == ("test-2", "test-1")


def _inputs() -> list[BaseModel]:
    terms = CycleTerms(year=1405, fee_rials=2_000_000,
                       registration_closes_at=datetime(2026, 12, 1, 20, 30, tzinfo=UTC),
                       sla_days={"interview": 10})
    applied = registration()
    start = ApplicantInput(application_id="0123456789abcdef", tracking_code="1405-AB12CD34",
                           cycle=terms, form=applied, national_id=applied.national_id,
                           flags=["ART11-1"], veteran=True)
    return [
        start, CycleWorkflowIn(year=1405), DECISION,
        DecisionIn(actor=ACTOR, stage=DecisionStage.qualification, outcome="fail",
                   reason="سند ناخوانا", checks={"GEN-1": True, "GEN-2": False}),
        PaymentIn(actor=ACTOR, reference="PAY-1", amount_rials=2_000_000),
        PhotoIn(actor=ACTOR, sha256="ab" * 32, width=250, height=350, size=12345),
        ExamResultIn(actor=ACTOR, total_score=Decimal("6000.25"), pass_mark=Decimal("5500"),
                     subjects={"law": Decimal("75.125")}),
        OfficeIn(actor=ACTOR, province="Tehran", city="Tehran", round=2),
        DocumentIn(actor=ACTOR, kind=DocumentKind.veteran_certificate, reference="X-1"),
        DisqualifyIn(actor=ACTOR, reason="forged degree"), ClaimIn(actor=ACTOR),
        PublishIn(actor=ACTOR), RoundIn(actor=ACTOR, relocate=False),
    ]


@pytest.mark.parametrize("message", _inputs(), ids=lambda m: type(m).__name__)
def test_the_digest_is_the_same_on_both_ends(message: BaseModel) -> None:
    """What a client seals and what the worker checks are one digest: the worker reads a
    start input as plain JSON and an update's as its model."""
    converter = pydantic_data_converter.payload_converter
    [payload] = converter.to_payloads([message])
    [as_model] = converter.from_payloads([payload], [type(message)])
    [as_json] = converter.from_payloads([payload], [Any])  # type: ignore[list-item]
    assert digest([as_model]) == digest([message]) == digest([as_json])
    # and one field more or less is another digest
    fields = type(message).model_fields
    update: dict[str, Any] = ({"actor": Actor(id="x", roles=[])} if "actor" in fields else
                              {"year": 1} if "year" in fields else {"national_id": "0"})
    changed = message.model_copy(update=update)
    assert digest([changed]) != digest([message])


def test_a_seal_binds_its_moment_nowhere_else() -> None:
    """Two seals of one message differ only by their nonce: no clock, no randomness inside."""
    one = seal(TEST_SEALS, "update", WID, "decide", NONCE, [DECISION])
    two = seal(TEST_SEALS, "update", WID, "decide", NONCE, [DECISION])
    assert one == two
    later = DECISION.model_copy(update={"score": Decimal("80.5")})
    assert digest([later]) != digest([DECISION])  # 80.5 and 80.50 are different messages
