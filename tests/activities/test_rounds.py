"""LAUNCH-1: who marks a launch round done in the read model, send_offices or finish_round.

A round of a cycle that ran rounds before `round-done-after` (its job's `done_apart` false) is
still marked done by send_offices as its last step: a cycle in flight across a deploy keeps
its rounds finishing. A round of any other cycle is marked done by finish_round, which the
cycle's workflow runs once it has let go of the round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import ActivityEnvironment

from daftar.activities.cohort import CohortActivities
from daftar.contracts.cycle import FanOutResult, RoundJob
from daftar.domain.actors import Actor
from daftar.domain.allocation import Allocation
from daftar.domain.stages import Role
from daftar.store import cohort as store
from daftar.store.db import session_factory, transaction
from daftar.store.models import CycleRecord, LaunchRound
from tests.conftest import read_model

YEAR = 1407


@pytest.fixture
def engine(read_model_url: Callable[[str], str]) -> Iterator[Engine]:
    with read_model(read_model_url("rounds")) as db:
        with transaction(session_factory(db)) as session:
            session.add(CycleRecord(year=YEAR, config={}, created_at=datetime.now(UTC)))
            session.flush()
            store.save_round(session, YEAR, 1, relocate=True, actor="licensing-1",
                             allocation=Allocation(placements=[], waiting=[]))
        yield db


def state(engine: Engine) -> str:
    with Session(engine) as session:
        launch = session.get(LaunchRound, (YEAR, 1))
        assert launch is not None
        return launch.state


def job(*, done_apart: bool) -> RoundJob:
    return RoundJob(cycle=YEAR, number=1, relocate=True, done_apart=done_apart,
                    actor=Actor(id="licensing-1", roles=[Role.licensing_officer]))


def activities(engine: Engine) -> CohortActivities:
    # No placement to send: the Temporal client is never called.
    return CohortActivities(cast(Any, None), session_factory(engine))


async def test_a_round_of_an_older_cycle_is_marked_done_by_its_send(engine: Engine) -> None:
    result = await ActivityEnvironment().run(activities(engine).send_offices,
                                             job(done_apart=False))
    assert result == FanOutResult(sent=0, skipped=0)
    assert state(engine) == "done"


async def test_a_round_done_apart_is_marked_done_only_by_finish_round(engine: Engine) -> None:
    acts = activities(engine)
    await ActivityEnvironment().run(acts.send_offices, job(done_apart=True))
    assert state(engine) == "sending"  # sent, but the cycle has not let go of it yet
    result = ActivityEnvironment().run(acts.finish_round, job(done_apart=True))
    assert result == FanOutResult(sent=0, skipped=0)
    assert state(engine) == "done"
    ActivityEnvironment().run(acts.finish_round, job(done_apart=True))  # a retry: the same
    assert state(engine) == "done"
