"""The Kavenegar client (daftar.core.sms) against a local server that speaks its send API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest

from daftar.core.settings import Settings, SettingsError
from daftar.core.sms import KavenegarProvider, SmsError, kavenegar_localid
from daftar.store.db import SessionFactory
from daftar.store.notices import LocalSmsProvider
from daftar.worker import sms_provider
from tests.conftest import free_port
from tests.fakes.kavenegar import API_KEY, FakeKavenegar, running_kavenegar

MOBILE = "09121234567"
TEXT = "متقاضی گرامی، ثبت‌نام شما دریافت شد. کد رهگیری: ۱۲۳۴"


@pytest.fixture(scope="module")
def kavenegar() -> Iterator[FakeKavenegar]:
    with running_kavenegar() as fake:
        yield fake


@pytest.fixture
def fake(kavenegar: FakeKavenegar) -> FakeKavenegar:
    """The module's server, its counts emptied for this test."""
    kavenegar.requests.clear()
    kavenegar.messages.clear()
    kavenegar.failures.clear()
    return kavenegar


def client(fake: FakeKavenegar, **options: str) -> KavenegarProvider:
    return KavenegarProvider(API_KEY, url=fake.url, **options)


async def test_a_message_is_sent_with_its_localid(fake: FakeKavenegar) -> None:
    message_id = await client(fake, sender="10004346").send(
        MOBILE, TEXT, idempotency_key="a1:registered:1")
    assert message_id == str(fake.messages[0]["messageid"])
    assert fake.requests == [{"receptor": MOBILE, "message": TEXT, "sender": "10004346",
                              "localid": str(kavenegar_localid("a1:registered:1"))}]
    assert [m["message"] for m in fake.to(MOBILE)] == [TEXT]


async def test_the_same_localid_twice_is_one_message(fake: FakeKavenegar) -> None:
    provider = client(fake)
    first = await provider.send(MOBILE, TEXT, idempotency_key="a1:office:7")
    again = await provider.send(MOBILE, TEXT, idempotency_key="a1:office:7")
    other = await provider.send(MOBILE, TEXT, idempotency_key="a1:licence:8")
    assert first == again != other
    assert len(fake.requests) == 3  # three requests reached Kavenegar
    assert len(fake.messages) == 2  # two messages reach the phone
    assert "sender" not in fake.requests[0]  # the account's default line


async def test_a_lookup_by_localid_finds_only_what_was_sent(fake: FakeKavenegar) -> None:
    provider = client(fake)
    messages, lookups = len(fake.messages), len(fake.lookups)
    assert await provider.find("b2:office:7") is None
    sent = await provider.send(MOBILE, TEXT, idempotency_key="b2:office:7")
    assert await provider.find("b2:office:7") == sent
    assert await provider.find("b2:licence:8") is None
    assert [r["localid"] for r in fake.lookups[lookups:]] == [
        str(kavenegar_localid(k)) for k in ("b2:office:7", "b2:office:7", "b2:licence:8")]
    assert len(fake.messages) == messages + 1  # a lookup sends nothing


async def test_a_lookup_with_a_wrong_key_is_an_error(fake: FakeKavenegar) -> None:
    with pytest.raises(SmsError, match="Kavenegar 403") as err:
        await KavenegarProvider("WRONG-KEY", url=fake.url).find("a1:office:7")
    assert "WRONG-KEY" not in str(err.value)


async def test_the_providers_error_is_surfaced(fake: FakeKavenegar) -> None:
    fake.fail_next(418, "اعتبار حساب کافی نمی باشد")
    with pytest.raises(SmsError, match="Kavenegar 418: اعتبار حساب کافی نمی باشد") as caught:
        await client(fake).send(MOBILE, TEXT, idempotency_key="k1")
    assert caught.value.status == 418 and caught.value.retryable  # credit can be bought
    with pytest.raises(SmsError, match="Kavenegar 411") as caught:
        await client(fake).send("12345", TEXT, idempotency_key="k2")
    assert not caught.value.retryable  # no retry makes the number valid
    assert fake.messages == []
    # The retry after a refusal for now goes through, once.
    await client(fake).send(MOBILE, TEXT, idempotency_key="k1")
    assert len(fake.messages) == 1


async def test_a_wrong_key_is_refused_without_showing_the_key(fake: FakeKavenegar) -> None:
    provider = KavenegarProvider("SECRET-KEY-0001", url=fake.url)
    with pytest.raises(SmsError, match="Kavenegar 403") as caught:
        await provider.send(MOBILE, TEXT, idempotency_key="k")
    assert "SECRET-KEY-0001" not in str(caught.value)
    assert "SECRET-KEY-0001" not in provider.endpoint


async def test_an_unreachable_provider_is_retryable_and_hides_the_key() -> None:
    provider = KavenegarProvider("SECRET-KEY-0002", url=f"http://127.0.0.1:{free_port()}",
                                 timeout=2)
    with pytest.raises(SmsError, match="Kavenegar unreachable") as caught:
        await provider.send(MOBILE, TEXT, idempotency_key="k")
    assert caught.value.retryable and "SECRET-KEY-0002" not in str(caught.value)


def test_localids_are_longs_and_stable() -> None:
    ids = {kavenegar_localid(f"app:{n}:registered:1") for n in range(10_000)}
    assert len(ids) == 10_000
    assert all(0 <= i < 2**63 for i in ids)
    assert kavenegar_localid("x") == kavenegar_localid("x")


def test_settings_choose_the_provider() -> None:
    sessions = cast(SessionFactory, object())  # the local provider keeps it for later
    assert isinstance(sms_provider(Settings(), sessions), LocalSmsProvider)
    chosen = sms_provider(Settings(sms_provider="kavenegar", kavenegar_api_key="K-1",
                                   kavenegar_url="http://127.0.0.1:9/"), sessions)
    assert isinstance(chosen, KavenegarProvider)
    assert chosen.endpoint == "http://127.0.0.1:9/v1/***/sms/send.json"
    with pytest.raises(SettingsError, match="DAFTAR_KAVENEGAR_API_KEY"):
        sms_provider(Settings(sms_provider="kavenegar"), sessions)
    with pytest.raises(ValueError, match="kavenegar_url"):
        Settings(kavenegar_url="api.kavenegar.com")
