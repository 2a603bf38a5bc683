"""NOTE-1's notices put into a stack's outbox as the worker's activity does, for the API's and
the console's tests (the workflow schedules them in a real run)."""

from __future__ import annotations

import itertools
import uuid

from sqlalchemy.engine import Engine
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from daftar.activities.notices import NoticeActivities
from daftar.contracts.notices import NoticeEvent, NoticeIn
from daftar.core.sms import SmsError, SmsProvider
from daftar.store.db import session_factory
from daftar.store.notices import LocalSmsProvider

_serial = itertools.count(1)


def application_id() -> str:
    """An application id no workflow has: its outbox holds only what a test puts there."""
    return uuid.uuid4().hex[:16]


def mobile() -> str:
    """A number of its own: the stacks' applicants all have the factories' one, whose hourly
    limit their own notices may have reached."""
    return f"0935{uuid.uuid4().int % 10**7:07d}"


def notice(app: str, event: NoticeEvent, *, to: str | None = None,
           tracking_code: str = "00000000000000007777", **params: str) -> NoticeIn:
    return NoticeIn(key=f"{app}:{event.value}:{next(_serial)}", application_id=app,
                    tracking_code=tracking_code, mobile=to or mobile(), event=event,
                    params=params)


class Refusing:
    """A provider that refuses every message, as Kavenegar does without credit."""

    name = "refusing"

    async def send(self, to: str, text: str, *, idempotency_key: str) -> str:
        raise SmsError("Kavenegar 418: اعتبار حساب کافی نمی باشد", status=418)

    async def find(self, idempotency_key: str) -> str | None:
        return None


async def deliver(engine: Engine, *notices: NoticeIn, provider: SmsProvider | None = None,
                  ) -> None:
    """Run the notice activity for each of `notices` against `engine`'s outbox (the local
    provider unless given); a refusal is recorded and not raised."""
    sessions = session_factory(engine)
    acts = NoticeActivities(sessions, provider or LocalSmsProvider(sessions))
    for msg in notices:
        try:
            await ActivityEnvironment().run(acts.send_notice, msg)
        except ApplicationError:
            pass
