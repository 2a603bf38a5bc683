"""ExamCycleWorkflow's input, updates, query answer and the jobs of its activities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from daftar.domain.actors import Actor
from daftar.domain.publication import PublicationState

__all__ = [
    "AmendIn", "AmendJob", "Amendment", "CityChange", "CloseCycleIn", "CloseJob",
    "CycleAmendments", "CycleProgress",
    "CycleWorkflowIn", "FanOutResult", "PublicationState", "PublishIn", "PublishJob", "RoundIn",
    "RoundJob", "RoundSummary", "SeatJob", "SeatsIn", "cycle_queue",
]


def cycle_queue(task_queue: str) -> str:
    """The task queue of ExamCycleWorkflow's activities beside the workflows' `task_queue`.

    A queue of their own, with slots of their own (daftar.worker.build_worker serves both):
    the SMS a registration rush leaves queued on the workflows' queue (tens of thousands, or
    all slots held by a provider that hangs) never hold up a publication, a launch round's
    allocation and offices, an amendment, the seats or the cycle's close.
    """
    return f"{task_queue}-cycle"


class CycleWorkflowIn(BaseModel):
    """The start input of a cycle's workflow."""

    year: int


class PublishIn(BaseModel):
    """The exam officer publishes the loaded results (EXAM-2)."""

    actor: Actor


class RoundIn(BaseModel):
    """The licensing officer runs the next launch round (LAUNCH-1)."""

    actor: Actor
    relocate: bool = True


class PublishJob(BaseModel):
    """Publish the cycle's loaded exam results to every candidate's workflow."""

    cycle: int
    actor: Actor


class RoundJob(BaseModel):
    """Allocate, then send, launch round `number` of a cycle."""

    cycle: int
    number: int
    relocate: bool
    actor: Actor
    #: The round is marked done by finish_round, after the cycle has let go of it; else (rounds
    #: of cycles that began before finish_round existed) by send_offices as its last step.
    done_apart: bool = False


class RoundSummary(BaseModel):
    """A launch round's outcome: candidates placed and still waiting."""

    number: int
    placed: int
    waiting: int


class FanOutResult(BaseModel):
    """How many candidates a fan-out reached, and how many it could not apply to."""

    sent: int
    skipped: int


class CycleProgress(BaseModel):
    """The `progress` query of ExamCycleWorkflow."""

    year: int
    publication: PublicationState = PublicationState.none
    rounds: list[RoundSummary] = Field(default_factory=list)
    sending_round: int | None = None
    #: Whether an admin has closed the cycle: its ended records no longer wait for corrections.
    closed: bool = False


class CityChange(BaseModel):
    """A city of the cycle as an amendment leaves it: changed, or added (CYC-1, LAUNCH-1)."""

    province: str
    city: str
    capacity: int
    priority: int
    #: Each neighbouring city in another province, as `{"province": ..., "city": ...}`.
    neighbours: list[dict[str, str]] = Field(default_factory=list)
    #: Whether the amendment adds the city to the cycle.
    added: bool = False


class AmendIn(BaseModel):
    """An admin amends the running cycle (CYC-1).

    `base` is how many amendments the admin's view of the cycle included: an amendment made
    on a stale view is refused, so two admins never overwrite each other unseen. `before` and
    `after` hold the changed settings as the cycle's view shows them; `config` the whole
    configuration after the change and `cities` the cities it changes or adds. The terms open
    applications follow from now on are whole (`closes_at`, `sla_days`, `claim_hours`), and
    `changed` names those that differ from before.
    """

    actor: Actor
    base: int
    before: dict[str, Any]
    after: dict[str, Any]
    config: dict[str, Any]
    cities: list[CityChange] = Field(default_factory=list)
    #: When the registration window closes before the amendment (checked against the
    #: workflow's clock: a closed window stays closed).
    closes_before: datetime
    closes_at: datetime
    sla_days: dict[str, int]
    claim_hours: int
    changed: list[str] = Field(default_factory=list)


class Amendment(BaseModel):
    """One recorded amendment: its number in the cycle, who made it, when, before and after."""

    number: int
    actor: str
    at: datetime
    before: dict[str, Any]
    after: dict[str, Any]


class CycleAmendments(BaseModel):
    """The `amendments` query of ExamCycleWorkflow, the oldest first."""

    year: int
    items: list[Amendment] = Field(default_factory=list)


class AmendJob(BaseModel):
    """Store an accepted amendment and carry it to every open application it concerns."""

    cycle: int
    number: int
    actor: Actor
    at: datetime
    config: dict[str, Any]
    cities: list[CityChange] = Field(default_factory=list)
    closes_at: datetime
    sla_days: dict[str, int]
    claim_hours: int
    #: The terms that changed: `closes_at`, `sla_days`, `claim_hours`.
    changed: list[str] = Field(default_factory=list)
    #: Only applications registered at or after this instant (a second, short sweep for
    #: registrations that raced the first); None: every open application.
    registered_since: datetime | None = None


class SeatsIn(BaseModel):
    """The exam officer set the exam session: send each candidate their seat (EXAM-5)."""

    actor: Actor
    version: int


class SeatJob(BaseModel):
    """Send every seat of the cycle's exam session `version` to its candidate's workflow."""

    cycle: int
    version: int
    actor: Actor


class CloseCycleIn(BaseModel):
    """An admin closes the cycle: the records that waited for corrections end (COR-2)."""

    actor: Actor


class CloseJob(BaseModel):
    """End every ended application's record of the cycle."""

    cycle: int
    actor: Actor
    at: datetime
