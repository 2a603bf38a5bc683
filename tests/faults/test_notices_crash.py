"""kill -9 of the worker while notices (NOTE-1) are being sent through Kavenegar's API: every
SMS of every applicant reaches the provider's test server, each in exactly one send request per
idempotency key (`localid`).

The test server counts send requests per `localid`, not only the messages it delivers: it
de-duplicates deliveries by `localid` as Kavenegar does, so counting deliveries alone would
prove the fake, not daftar. Each answer is slowed, so the kill finds sends that reached the
provider and were never answered: the outbox marked them `sending`, and the next worker asks
Kavenegar by `localid` (`sms/statuslocalmessageid`) before it sends any of them again.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlmodel import Session, col, select

from daftar.core.sms import kavenegar_localid
from daftar.store.models import NoticeRecord
from tests.fakes.kavenegar import API_KEY, FakeKavenegar, running_kavenegar
from tests.faults.driver import Walk
from tests.faults.once import assert_each_licensed_once
from tests.faults.stack import FaultStack, bounded, fault_stack, walk_through

pytestmark = pytest.mark.faults

log = logging.getLogger(__name__)
YEAR = 1423
APPLICANTS = 80
CONCURRENCY = 16
#: Part of all requests done when the worker is killed.
KILL_AT = 0.5
PATIENCE = 5.0
#: The SMS of a path to the licence: registration, exam result, three stages passed, the
#: office, the licence.
PER_PATH = Counter({"registered": 1, "exam_result": 1, "stage_passed": 3, "office": 1,
                    "licence": 1})


@pytest.fixture(scope="module")
def kavenegar() -> Iterator[FakeKavenegar]:
    with running_kavenegar() as fake:
        fake.delay = 0.3  # taken at once, answered 0.3 s later
        yield fake


@pytest.fixture(scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory,
                kavenegar: FakeKavenegar) -> AsyncIterator[FaultStack]:
    async with fault_stack(tmp_path_factory.mktemp("notices"), DAFTAR_SMS_PROVIDER="kavenegar",
                           DAFTAR_KAVENEGAR_API_KEY=API_KEY,
                           DAFTAR_KAVENEGAR_URL=kavenegar.url) as s:
        yield s


def _outbox(stack: FaultStack, app_ids: list[str]) -> list[NoticeRecord]:
    with Session(stack.engine) as session:
        return list(session.exec(select(NoticeRecord).where(
            col(NoticeRecord.application_id).in_(app_ids))))


async def test_kill_9_while_sending_sends_each_sms_once(stack: FaultStack,
                                                        kavenegar: FakeKavenegar) -> None:
    walk = Walk(concurrency=CONCURRENCY, timeout=PATIENCE)
    await bounded(_scenario(stack, kavenegar, walk), 420, lambda: walk.status())


async def _scenario(stack: FaultStack, kavenegar: FakeKavenegar, walk: Walk) -> None:
    killed = stack.worker
    in_flight: dict[str, Any] = {}

    async def kill() -> None:
        in_flight["unanswered"] = await asyncio.to_thread(_sending, stack)
        assert await killed.kill() == -signal.SIGKILL
        await stack.new_worker()

    mid_path, app_ids = await walk_through(stack, walk, YEAR, APPLICANTS, KILL_AT, kill)
    assert mid_path > APPLICANTS // 2, mid_path
    await assert_each_licensed_once(stack, walk, YEAR, app_ids, APPLICANTS)

    expected = APPLICANTS * PER_PATH.total()
    rows: list[NoticeRecord] = []
    for _ in range(240):  # a send the kill interrupted is retried after its 30 s timeout
        rows = await asyncio.to_thread(_outbox, stack, app_ids)
        if len(rows) == expected and all(r.status == "sent" for r in rows):
            break
        await asyncio.sleep(0.5)
    statuses = Counter(r.status for r in rows)
    assert (len(rows), statuses) == (expected, Counter({"sent": expected})), statuses
    for app_id in app_ids:
        assert Counter(r.event for r in rows if r.application_id == app_id) == PER_PATH

    # Exactly one send request per idempotency key, and each delivered message is the one
    # the outbox recorded.
    localids = {str(kavenegar_localid(r.key)): r for r in rows}
    sends = kavenegar.sends_by_localid()
    mine = {localid: n for localid, n in sends.items() if localid in localids}
    assert len(mine) == expected
    assert [k for k, n in mine.items() if n != 1] == []
    delivered = {str(m["messageid"]) for m in kavenegar.messages}
    assert {r.provider_id for r in rows} <= delivered
    # The kill caught sends that Kavenegar had taken but never answered; the next worker
    # asked for each before sending, and found it.
    asked = {f["localid"] for f in kavenegar.lookups} & set(localids)
    log.info(f"kill -9 with {mid_path} of {APPLICANTS} mid-path, "
             f"{in_flight['unanswered']} sends unanswered at the kill, {len(asked)} asked "
             f"for by localid after it; {expected} SMS, one send each; {walk.status()}")
    assert in_flight["unanswered"] > 0 and len(asked) > 0


def _sending(stack: FaultStack) -> int:
    with Session(stack.engine) as session:
        return len(session.exec(select(NoticeRecord.key).where(
            NoticeRecord.status == "sending")).all())
