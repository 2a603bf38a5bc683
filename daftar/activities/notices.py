"""NoticeActivities: NOTE-1's SMS, sent from the outbox once per history event.

The workflow schedules `send_notice` with a key of the event (`NoticeIn.key`). The outbox row
of that key is inserted once; a message already sent returns at once; the number's hourly
limit is checked; the row is marked `sending`; then the provider is called with the key as its
idempotency key (Kavenegar's `localid`), and the row records the outcome. An attempt that finds
its row still `sending` (an earlier one died waiting for the provider, or got no answer) asks
the provider whether it has a message of that key before sending again, so a crash between the
provider's answer and the row's update sends nothing twice (and the provider's own idempotency
key is there besides).
Failures raise, so Temporal retries them with the workflow's backoff, and the row shows them
(`attempts`, `last_error`) in the admin's view meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from daftar.contracts.notices import NoticeIn
from daftar.core.sms import SmsError, SmsProvider
from daftar.domain.notices import NoticeParamsError, mask_mobile, render
from daftar.store import notices as outbox
from daftar.store.db import SessionFactory, transaction

log = structlog.get_logger("daftar.notices")

#: The window of the per-number limit.
RATE_WINDOW = timedelta(hours=1)
#: Error types a workflow may name in its retry policy.
DEFERRED_ERROR = "NoticeDeferred"
PROVIDER_ERROR = "SmsProviderError"
PARAMS_ERROR = "NoticeParamsError"


@dataclass(frozen=True, slots=True)
class _Ready:
    """What the outbox said: send `text` to `to`, or nothing to do, or wait `retry_after`."""

    to: str
    text: str
    sent: bool = False
    retry_after: timedelta | None = None
    #: An earlier attempt called the provider and recorded no answer: ask before sending.
    in_doubt: bool = False


class NoticeActivities:
    """NOTE-1: each notice once, through `provider`, at most `per_hour` to one number."""

    def __init__(self, sessions: SessionFactory, provider: SmsProvider, *,
                 per_hour: int = 10) -> None:
        """Keep the outbox through `sessions`; send through `provider` (`per_hour=0`: no limit)."""
        if per_hour < 0:
            raise ValueError("per_hour must be 0 (no limit) or more")
        self._sessions = sessions
        self._provider = provider
        self._per_hour = per_hour
        self._turn = threading.Lock()

    def _prepare(self, new: outbox.NewNotice, now: datetime) -> _Ready:
        """Insert the row if absent; whether it is sent already, or must wait for the limit."""
        with transaction(self._sessions) as session:
            row = outbox.ensure_notice(session, new, now=now)
            if row.status == outbox.SENT:
                return _Ready(row.to, row.text, sent=True)
            if not row.text:  # an earlier attempt's params rendered nothing; these do
                row.text, row.template = new.text, new.template
            if row.status == outbox.SENDING:
                return _Ready(row.to, row.text, in_doubt=True)
            if self._per_hour:
                outbox.lock_number(session, row.to)
                count, first = outbox.sent_since(session, row.to, now - RATE_WINDOW)
            if not self._per_hour or count < self._per_hour:
                row.status = outbox.SENDING  # committed before the provider is called
                return _Ready(row.to, row.text)
            wait = max((first or now) + RATE_WINDOW - now, timedelta(seconds=1))
            outbox.mark_deferred(session, row.key, f"deferred: {count} messages to this number "
                                 f"in the last hour (limit {self._per_hour})")
            return _Ready(row.to, row.text, retry_after=wait)

    def _prepare_in_turn(self, new: outbox.NewNotice, now: datetime) -> _Ready:
        # One process's sends count and claim their number's hour in turn (SQLite has no
        # lock to take; PostgreSQL's advisory lock orders the processes, see lock_number).
        with self._turn:
            return self._prepare(new, now)

    def _refuse(self, new: outbox.NewNotice, now: datetime) -> None:
        with transaction(self._sessions) as session:
            outbox.ensure_notice(session, new, now=now)

    def _update(self, key: str, *, provider_id: str | None = None,
                error: str | None = None, in_doubt: bool = False) -> None:
        with transaction(self._sessions) as session:
            if provider_id is not None:
                outbox.mark_sent(session, key, provider_id, at=datetime.now(UTC))
            else:
                outbox.mark_failed(session, key, error or "unknown error", in_doubt=in_doubt)

    @activity.defn
    async def send_notice(self, notice: NoticeIn) -> None:
        """NOTE-1: send the applicant one SMS through the outbox, once per `notice.key`."""
        now = datetime.now(UTC)
        context = {"application_id": notice.application_id, "notice_event": notice.event.value,
                   "notice": notice.key, "actor": "system"}
        try:
            rendered = render(notice.event, notice.tracking_code, notice.params)
        except NoticeParamsError as err:
            # Recorded for the admin's view; no retry can mend the workflow's params.
            await asyncio.to_thread(self._refuse, outbox.NewNotice(
                key=notice.key, application_id=notice.application_id,
                tracking_code=notice.tracking_code, event=notice.event.value,
                to=notice.mobile, template=notice.event.value, text="",
                status=outbox.FAILED, last_error=f"template: {err}"), now)
            log.error("notice not rendered", error=str(err), **context)
            raise ApplicationError(str(err), type=PARAMS_ERROR, non_retryable=True) from None
        ready = await asyncio.to_thread(self._prepare_in_turn, outbox.NewNotice(
            key=notice.key, application_id=notice.application_id,
            tracking_code=notice.tracking_code, event=notice.event.value, to=notice.mobile,
            template=rendered.template, text=rendered.text), now)
        if ready.sent:
            log.debug("notice already sent", **context)
            return
        if ready.retry_after is not None:
            log.warning("notice deferred: the number's hourly limit",
                        to=mask_mobile(ready.to), retry_in=ready.retry_after.total_seconds(),
                        **context)
            raise ApplicationError(
                f"{mask_mobile(ready.to)} had {self._per_hour} messages in the last hour",
                type=DEFERRED_ERROR, next_retry_delay=ready.retry_after)
        if ready.in_doubt:
            try:
                found = await self._provider.find(notice.key)
            except Exception as err:
                error = f"asking the provider for an earlier send: {str(err) or type(err).__name__}"
                await asyncio.to_thread(self._update, notice.key, error=error, in_doubt=True)
                log.warning("notice in doubt", provider=self._provider.name, error=error,
                            **context)
                raise ApplicationError(error, type=PROVIDER_ERROR) from err
            if found is not None:
                await asyncio.to_thread(self._update, notice.key, provider_id=found)
                log.info("notice found sent by an earlier attempt",
                         provider=self._provider.name, provider_id=found, **context)
                return
        try:
            provider_id = await self._provider.send(ready.to, ready.text,
                                                    idempotency_key=notice.key)
        except Exception as err:
            error = str(err) or type(err).__name__
            # No answer at all (unreachable, timed out): the provider may have it.
            unanswered = (not isinstance(err, SmsError) or err.status is None
                          or err.status >= 500)
            await asyncio.to_thread(self._update, notice.key, error=error,
                                    in_doubt=unanswered)
            retryable = not isinstance(err, SmsError) or err.retryable
            log.warning("notice not sent", provider=self._provider.name, error=error,
                        retryable=retryable, **context)
            raise ApplicationError(error, type=PROVIDER_ERROR,
                                   non_retryable=not retryable) from err
        await asyncio.to_thread(self._update, notice.key, provider_id=provider_id)
        log.info("notice sent", provider=self._provider.name, provider_id=provider_id,
                 **context)
