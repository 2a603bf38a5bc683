"""ExamCycleWorkflow's input, updates, query answer and the jobs of its activities."""

from __future__ import annotations

from pydantic import BaseModel, Field

from daftar.domain.actors import Actor
from daftar.domain.publication import PublicationState

__all__ = [
    "CycleProgress", "CycleWorkflowIn", "FanOutResult", "PublicationState", "PublishIn",
    "PublishJob", "RoundIn", "RoundJob", "RoundSummary",
]


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
