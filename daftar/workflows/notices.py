"""ApplicantWorkflow's notices (NOTE-1): an SMS at each event that concerns the applicant.

A handler that changes the case queues the notice of its event (`_notify`); the run loop
starts a `send_notice` activity for each queued notice once the change is recorded, and does
not wait for it: a provider that is down delays the SMS, never the case. The reminders (an
incomplete registration a day before the window closes, a requested document two days before
its deadline) and the admission card's opening are moments the run loop waits for beside the
stage's deadline. Each notice's key is the application and the notice's place in its history
of notices, so a retry, a crash or a replay sends it once (the outbox and the provider's own
idempotency key, daftar.activities.notices). The workflow ends only once each has been sent
or given up on.

Applications started before notices existed (`workflow.patched(NOTICES)` false) are sent
none, as their histories say.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from daftar.contracts import activities
    from daftar.contracts.notices import NoticeIn
    from daftar.domain.documents import NEEDS
    from daftar.domain.jalali import day_start_utc, format_instant, parse_jalali
    from daftar.domain.notices import (
        DOCUMENT_REMINDER,
        PAYMENT_REMINDER,
        NoticeEvent,
        reminder_at,
    )
    from daftar.domain.stages import Stage
    from daftar.workflows.application import Application

#: workflow.patched id: the applicant is sent an SMS at each event that concerns them.
NOTICES = "notices"
#: A provider that fails is tried again with backoff for two days; the outbox row shows each
#: failure meanwhile, and the last one after.
_NOTICE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), backoff_coefficient=2.0,
                            maximum_interval=timedelta(minutes=10))
_NOTICE_TIMEOUT = timedelta(seconds=30)
_NOTICE_GIVE_UP = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class _Moment:
    """A notice the run loop waits to send at `at` (a reminder, the card's opening)."""

    at: datetime
    key: str
    event: NoticeEvent
    params: dict[str, str] = field(default_factory=dict)


class Notices(Application):
    """The notices an application sends, queued by its handlers and sent by its run loop."""

    _queued: list[NoticeIn]
    _sending: list[asyncio.Task[None]]
    #: The moments already told (reminders and the card's opening), by key.
    _told: set[str]
    _notice_count: int

    def _init_notices(self) -> None:
        self._queued, self._sending, self._told, self._notice_count = [], [], set(), 0

    def _notices_on(self) -> bool:
        # Memoized by the SDK: the first call (at the top of run) decides for the whole run.
        return self._since(NOTICES)

    def _notify(self, event: NoticeEvent, **params: str | None) -> None:
        """Queue the SMS of `event` (NOTE-1); the run loop sends it once recorded."""
        if not self._notices_on():
            return
        s = self._state
        self._notice_count += 1
        self._queued.append(NoticeIn(
            key=f"{s.application_id}:{self._notice_count}:{event.value}",
            application_id=s.application_id, tracking_code=s.tracking_code,
            mobile=s.form.mobile, event=event,
            params={k: v for k, v in params.items() if v}))

    def _dispatch_notices(self) -> None:
        """Start sending each queued notice; the run goes on without waiting for them."""
        self._sending = [task for task in self._sending if not task.done()]
        for notice in self._queued:
            self._sending.append(asyncio.create_task(self._send(notice)))
        self._queued = []

    async def _send(self, notice: NoticeIn) -> None:
        try:
            await workflow.execute_activity(
                activities.send_notice, notice, start_to_close_timeout=_NOTICE_TIMEOUT,
                schedule_to_close_timeout=_NOTICE_GIVE_UP, retry_policy=_NOTICE_RETRY)
        except ActivityError as err:
            # Given up (the outbox row says why); the case itself goes on.
            workflow.logger.error("notice %s not sent: %s", notice.key, err.cause or err,
                                  extra={"application_id": notice.application_id,
                                         "notice": notice.key})

    async def _notices_sent(self) -> None:
        """Wait for every notice started to be sent or given up on (before the run ends)."""
        self._dispatch_notices()
        await asyncio.gather(*self._sending)

    # --- moments the run loop waits for --------------------------------------------------

    def _next_moment(self) -> _Moment | None:
        """The earliest reminder or card opening not yet told, if any (none without notices)."""
        if not self._notices_on():
            return None
        moments = [m for m in self._moments() if m.key not in self._told]
        return min(moments, key=lambda m: m.at) if moments else None

    def _moments(self) -> list[_Moment]:
        s, out = self._state, []
        if s.stage == Stage.awaiting_payment and s.due_at is not None:
            at = reminder_at(s.due_at, PAYMENT_REMINDER, s.registered_at)
            if at is not None:
                missing = [k for k, v in (("payment", s.payment), ("photo", s.photo)) if v is None]
                out.append(_Moment(at, f"incomplete_soon:{s.due_at.isoformat()}",
                                   NoticeEvent.incomplete_soon,
                                   {"missing": ",".join(missing),
                                    "deadline": format_instant(s.due_at)}))
        if s.stage == Stage.awaiting_exam and s.seat is not None:
            try:
                opens = day_start_utc(parse_jalali(s.seat.card_date))
            except ValueError:  # the exam session's dates were checked when it was set
                opens = None
            if opens is not None:
                out.append(_Moment(opens, "card_available", NoticeEvent.card_available,
                                   {"exam_date": s.seat.exam_date,
                                    "start_time": s.seat.start_time}))
        if s.stage == Stage.awaiting_applicant and s.request is not None:
            request = s.request
            at = reminder_at(request.due_at, DOCUMENT_REMINDER, request.at)
            if at is not None:
                out.append(_Moment(at, f"document_reminder:{request.at.isoformat()}",
                                   NoticeEvent.document_reminder,
                                   {"document": NEEDS[request.kind].name_fa,
                                    "deadline": format_instant(request.due_at)}))
        return out

    def _tell(self, moment: _Moment) -> None:
        self._told.add(moment.key)
        self._notify(moment.event, **moment.params)
