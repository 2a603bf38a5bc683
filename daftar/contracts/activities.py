"""The activities the workflows call, by name and types; `daftar.activities` implements them.

The workflows schedule these references, so they need no import of the implementations (which
reach the database and Temporal's client); the worker registers the implementations, whose
names a test holds equal to these.
"""

from __future__ import annotations

from temporalio import activity

from daftar.contracts.applicant import SeatIn
from daftar.contracts.cycle import (
    AmendJob,
    CloseJob,
    FanOutResult,
    PublishJob,
    RoundJob,
    RoundSummary,
    SeatJob,
)
from daftar.contracts.notices import NoticeIn
from daftar.contracts.records import ApplicationSnapshot, EscalationIn, SeatWanted


def _interface(name: str) -> NotImplementedError:
    return NotImplementedError(f"{name} is an interface: the worker runs daftar.activities'")


@activity.defn(name="record_application")
def record_application(snapshot: ApplicationSnapshot) -> None:
    """Bring the application's read-model row (and its decisions) up to the snapshot."""
    raise _interface("record_application")


@activity.defn(name="record_escalation")
def record_escalation(esc: EscalationIn) -> None:
    """Record that a stage passed its SLA without a decision."""
    raise _interface("record_escalation")


@activity.defn(name="take_seat")
def take_seat(want: SeatWanted) -> SeatIn | None:
    """EXAM-5: the next free seat of the candidate's province, once a session is set."""
    raise _interface("take_seat")


@activity.defn(name="publish_results")
async def publish_results(job: PublishJob) -> FanOutResult:
    """EXAM-2: send each loaded exam result to its candidate's workflow, once."""
    raise _interface("publish_results")


@activity.defn(name="allocate_round")
def allocate_round(job: RoundJob) -> RoundSummary:
    """LAUNCH-1: compute and store a launch round once."""
    raise _interface("allocate_round")


@activity.defn(name="send_offices")
async def send_offices(job: RoundJob) -> FanOutResult:
    """LAUNCH-1: give each candidate placed in the round their office."""
    raise _interface("send_offices")


@activity.defn(name="finish_round")
def finish_round(job: RoundJob) -> FanOutResult:
    """LAUNCH-1: mark a launch round done, once the cycle has let go of it."""
    raise _interface("finish_round")


@activity.defn(name="store_amendment")
def store_amendment(job: AmendJob) -> bool:
    """CYC-1: write an amendment's configuration and cities to the read model, once."""
    raise _interface("store_amendment")


@activity.defn(name="propagate_amendment")
async def propagate_amendment(job: AmendJob) -> FanOutResult:
    """CYC-1: send the amended terms to every open application they concern."""
    raise _interface("propagate_amendment")


@activity.defn(name="send_seats")
async def send_seats(job: SeatJob) -> FanOutResult:
    """EXAM-5: give each candidate their venue and seat of the exam session, once."""
    raise _interface("send_seats")


@activity.defn(name="close_records")
async def close_records(job: CloseJob) -> FanOutResult:
    """End every record of the cycle that waited for corrections, and mark the cycle closed."""
    raise _interface("close_records")


@activity.defn(name="mark_absent")
async def mark_absent(job: PublishJob) -> FanOutResult:
    """EXAM-6: end each candidate still waiting for the exam with no result as absent."""
    raise _interface("mark_absent")


@activity.defn(name="send_notice")
async def send_notice(notice: NoticeIn) -> None:
    """NOTE-1: send the applicant one SMS through the outbox, once per `notice.key`.

    Retryable failures (the provider down or refusing for now, the number's hourly limit
    reached) raise for Temporal to retry with backoff; a message that can never be sent (an
    invalid number, an unknown template param) raises a non-retryable error.
    """
    raise _interface("send_notice")
