"""NoticeActivities (NOTE-1) run as activities over a real read model: each notice once
through retries, failures counted and raised, the per-number hourly limit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from itertools import count

import pytest
from sqlmodel import select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from daftar.activities.notices import DEFERRED_ERROR, PARAMS_ERROR, NoticeActivities
from daftar.contracts.notices import NoticeEvent, NoticeIn
from daftar.core.sms import KavenegarProvider, SmsError, SmsProvider, kavenegar_localid
from daftar.store.db import SessionFactory
from daftar.store.models import LocalSmsRecord, NoticeRecord
from daftar.store.notices import LocalSmsProvider, list_notices, local_messages
from tests.fakes.kavenegar import API_KEY, FakeKavenegar, running_kavenegar
from tests.store.rows import new_id

_numbers = count(1)


def mobile() -> str:
    """A number no other test of this run texts (the hourly limit is per number)."""
    return f"0912{next(_numbers):07d}"


def notice(event: NoticeEvent = NoticeEvent.registered, *, to: str | None = None,
           application_id: str | None = None, version: int = 1,
           **params: str) -> NoticeIn:
    app = application_id or new_id("ntc")
    return NoticeIn(key=f"{app}:{event.value}:{version}", application_id=app,
                    tracking_code="00000000000000004242", mobile=to or mobile(), event=event,
                    params=params)


def row(sessions: SessionFactory, key: str) -> NoticeRecord:
    with sessions() as session:
        found = session.get(NoticeRecord, key)
        assert found is not None
        return found


def stored(sessions: SessionFactory, to: str) -> list[LocalSmsRecord]:
    with sessions() as session:
        return local_messages(session, to=to)


async def run(acts: NoticeActivities, msg: NoticeIn) -> None:
    await ActivityEnvironment().run(acts.send_notice, msg)


class Flaky:
    """A provider that refuses the first `failures` sends, then stores like the local one."""

    name = "flaky"

    def __init__(self, sessions: SessionFactory, failures: int, *,
                 retryable: bool = True) -> None:
        self.inner = LocalSmsProvider(sessions)
        self.failures = failures
        self.retryable = retryable
        self.calls = 0

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise SmsError("Kavenegar 418: اعتبار حساب کافی نمی باشد", retryable=self.retryable,
                           status=418)
        return await self.inner.send(to, text, idempotency_key=idempotency_key)

    async def find(self, idempotency_key: str) -> str | None:
        return await self.inner.find(idempotency_key)


async def test_the_same_notice_twice_is_one_row_and_one_message(
        sessions: SessionFactory) -> None:
    acts = NoticeActivities(sessions, LocalSmsProvider(sessions))
    msg = notice(NoticeEvent.stage_passed, stage="interview", score="84")
    await run(acts, msg)
    await run(acts, msg)  # a retried activity, or the same event sent again
    sent = row(sessions, msg.key)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert sent.sent_at is not None and sent.provider_id and sent.provider_id.startswith("local-")
    assert sent.template == "stage_passed.v1" and "مصاحبهٔ علمی" in sent.text
    assert (sent.channel, sent.to, sent.event) == ("sms", msg.mobile, "stage_passed")
    messages = stored(sessions, msg.mobile)
    assert [(m.text, m.idempotency_key) for m in messages] == [(sent.text, msg.key)]
    with sessions() as session:
        rows, total = list_notices(session, application_id=msg.application_id)
        assert total == 1 and rows[0].key == msg.key


async def test_a_provider_failure_is_counted_raised_and_retried(
        sessions: SessionFactory) -> None:
    flaky = Flaky(sessions, failures=2)
    acts = NoticeActivities(sessions, flaky)
    msg = notice(NoticeEvent.licence, licence_number="1405-7")
    for attempt in (1, 2):
        with pytest.raises(ApplicationError, match="Kavenegar 418") as caught:
            await run(acts, msg)
        assert not caught.value.non_retryable  # Temporal retries it with backoff
        failed = row(sessions, msg.key)
        assert (failed.status, failed.attempts) == ("failed", attempt)
        assert failed.last_error == "Kavenegar 418: اعتبار حساب کافی نمی باشد"
    await run(acts, msg)
    sent = row(sessions, msg.key)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 3, None)
    assert len(stored(sessions, msg.mobile)) == 1


async def test_a_permanent_refusal_is_not_retried(sessions: SessionFactory) -> None:
    acts = NoticeActivities(sessions, Flaky(sessions, failures=1, retryable=False))
    msg = notice(NoticeEvent.withdrawn)
    with pytest.raises(ApplicationError) as caught:
        await run(acts, msg)
    assert caught.value.non_retryable
    assert row(sessions, msg.key).status == "failed"


async def test_params_no_template_can_use_fail_for_good(sessions: SessionFactory) -> None:
    provider = LocalSmsProvider(sessions)
    acts = NoticeActivities(sessions, provider)
    msg = notice(NoticeEvent.stage_failed)  # no stage
    with pytest.raises(ApplicationError, match="stage_failed needs stage") as caught:
        await run(acts, msg)
    assert caught.value.non_retryable and caught.value.type == PARAMS_ERROR
    failed = row(sessions, msg.key)
    assert (failed.status, failed.attempts, failed.text) == ("failed", 0, "")
    assert stored(sessions, msg.mobile) == []
    # The same event with the params it needs (a fixed workflow) is rendered and sent.
    await run(acts, msg.model_copy(update={"params": {"stage": "qualification"}}))
    sent = row(sessions, msg.key)
    assert (sent.status, sent.template) == ("sent", "stage_failed.v1")
    assert [m.text for m in stored(sessions, msg.mobile)] == [sent.text]
    assert "بررسی صلاحیت" in sent.text


async def test_the_hourly_limit_per_number_defers(sessions: SessionFactory) -> None:
    acts = NoticeActivities(sessions, LocalSmsProvider(sessions), per_hour=2)
    to, other = mobile(), mobile()
    app = new_id("ntc")
    first, second, third = (notice(NoticeEvent.document_reminder, to=to, application_id=app,
                                   version=v, document="مدرک تحصیلی") for v in (1, 2, 3))
    await run(acts, first)
    await run(acts, second)
    with pytest.raises(ApplicationError) as caught:
        await run(acts, third)
    assert caught.value.type == DEFERRED_ERROR and not caught.value.non_retryable
    delay = caught.value.next_retry_delay
    assert delay is not None and timedelta(minutes=59) < delay <= timedelta(hours=1)
    deferred = row(sessions, third.key)
    assert (deferred.status, deferred.attempts) == ("deferred", 0)
    assert "limit 2" in (deferred.last_error or "")
    assert len(stored(sessions, to)) == 2
    await run(acts, notice(to=other))  # another number is not held back
    assert len(stored(sessions, other)) == 1
    # A sent message asked for again is no new send, even at the limit.
    await run(acts, first)
    with sessions() as session:
        assert session.exec(select(LocalSmsRecord).where(LocalSmsRecord.to == to)).all()
        assert len(local_messages(session, to=to)) == 2


class Slow:
    """The local provider, answering each send a little late (a message is `sending` meanwhile)."""

    name = "slow"

    def __init__(self, sessions: SessionFactory) -> None:
        self.inner = LocalSmsProvider(sessions)

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        sent = await self.inner.send(to, text, idempotency_key=idempotency_key)
        await asyncio.sleep(0.2)
        return sent

    async def find(self, idempotency_key: str) -> str | None:
        return await self.inner.find(idempotency_key)


async def test_sends_racing_to_one_number_keep_its_limit(sessions: SessionFactory) -> None:
    """Six messages to one number at once, limit 2: two sent, four deferred, whether one
    worker sends them or two processes share them (PostgreSQL's lock on the number)."""
    with sessions() as session:
        dialect = session.get_bind().dialect.name
    workers = [NoticeActivities(sessions, Slow(sessions), per_hour=2)
               for _ in range(2 if dialect == "postgresql" else 1)]
    to, app = mobile(), new_id("ntc")
    messages = [notice(NoticeEvent.document_reminder, to=to, application_id=app, version=v,
                       document="کارت ملی") for v in range(6)]

    async def send(i: int, msg: NoticeIn) -> str:
        try:
            await run(workers[i % len(workers)], msg)
        except ApplicationError as err:
            return err.type or ""
        return "sent"

    outcomes = await asyncio.gather(*(send(i, m) for i, m in enumerate(messages)))
    assert sorted(outcomes) == sorted(["sent"] * 2 + [DEFERRED_ERROR] * 4)
    assert len(stored(sessions, to)) == 2
    statuses = sorted(row(sessions, m.key).status for m in messages)
    assert statuses == ["deferred"] * 4 + ["sent"] * 2


async def test_no_limit_when_the_limit_is_zero(sessions: SessionFactory) -> None:
    acts = NoticeActivities(sessions, LocalSmsProvider(sessions), per_hour=0)
    to, app = mobile(), new_id("ntc")
    for version in range(1, 13):
        await run(acts, notice(NoticeEvent.document_reminder, to=to, application_id=app,
                               version=version))
    assert len(stored(sessions, to)) == 12
    with pytest.raises(ValueError, match="per_hour"):
        NoticeActivities(sessions, LocalSmsProvider(sessions), per_hour=-1)


@pytest.fixture(scope="module")
def kavenegar() -> Iterator[FakeKavenegar]:
    with running_kavenegar() as fake:
        yield fake


class LostAnswer:
    """Kavenegar takes the message, then the worker dies before it hears back."""

    name = "kavenegar"

    def __init__(self, real: SmsProvider) -> None:
        self.real = real
        self.lost = True

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        message_id = await self.real.send(to, text, idempotency_key=idempotency_key)
        if self.lost:
            self.lost = False
            raise TimeoutError("read timeout")
        return message_id

    async def find(self, idempotency_key: str) -> str | None:
        return await self.real.find(idempotency_key)


async def test_through_kavenegar_a_lost_answer_sends_once(sessions: SessionFactory,
                                                          kavenegar: FakeKavenegar) -> None:
    real = KavenegarProvider(API_KEY, url=kavenegar.url)
    acts = NoticeActivities(sessions, LostAnswer(real))
    msg = notice(NoticeEvent.office, province="10", city="اصفهان")
    with pytest.raises(ApplicationError, match="read timeout"):
        await run(acts, msg)
    assert row(sessions, msg.key).status == "sending"  # no answer: in doubt
    await run(acts, msg)  # Temporal's retry asks Kavenegar by localid before sending
    await run(acts, msg)  # and the same event once more: the outbox answers
    sent = row(sessions, msg.key)
    assert (sent.status, sent.attempts) == ("sent", 2)
    delivered = kavenegar.to(msg.mobile)
    assert len(delivered) == 1 and sent.provider_id == str(delivered[0]["messageid"])
    assert "استان اصفهان" in delivered[0]["message"]
    sends = [r for r in kavenegar.requests if r.get("receptor") == msg.mobile]
    assert len(sends) == 1  # the one send; the retry only asked
    assert sends[0]["localid"] == str(kavenegar_localid(msg.key))
    assert [r for r in kavenegar.lookups if r["localid"] == sends[0]["localid"]] != []


class DiedBeforeSending:
    """The worker dies after the row is marked `sending`, before Kavenegar hears of it."""

    name = "kavenegar"

    def __init__(self, real: SmsProvider) -> None:
        self.real = real
        self.died = False

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        if not self.died:
            self.died = True
            raise TimeoutError("connect timeout")
        return await self.real.send(to, text, idempotency_key=idempotency_key)

    async def find(self, idempotency_key: str) -> str | None:
        return await self.real.find(idempotency_key)


async def test_a_send_in_doubt_that_never_arrived_is_sent(sessions: SessionFactory,
                                                          kavenegar: FakeKavenegar) -> None:
    acts = NoticeActivities(sessions, DiedBeforeSending(
        KavenegarProvider(API_KEY, url=kavenegar.url)))
    msg = notice(NoticeEvent.licence, licence_number="1403-ABC")
    with pytest.raises(ApplicationError, match="connect timeout"):
        await run(acts, msg)
    assert row(sessions, msg.key).status == "sending"
    await run(acts, msg)  # Kavenegar has none with this localid: sent now
    assert row(sessions, msg.key).status == "sent"
    assert len(kavenegar.to(msg.mobile)) == 1
    assert len([r for r in kavenegar.lookups
                if r["localid"] == str(kavenegar_localid(msg.key))]) == 1


async def test_a_send_in_doubt_at_the_local_provider_is_found_not_repeated(
        sessions: SessionFactory) -> None:
    local = LocalSmsProvider(sessions)
    acts = NoticeActivities(sessions, LostAnswer(local))
    msg = notice(NoticeEvent.withdrawn)
    with pytest.raises(ApplicationError):
        await run(acts, msg)
    await run(acts, msg)
    with sessions() as session:
        stored = local_messages(session, to=msg.mobile)
    assert len(stored) == 1  # stored once: the retry found it, the provider de-duplicates none
    assert row(sessions, msg.key).provider_id == f"local-{stored[0].id}"
    assert await local.send(msg.mobile, "x", idempotency_key=msg.key) != (
        row(sessions, msg.key).provider_id)  # a second send of one key is a second row
