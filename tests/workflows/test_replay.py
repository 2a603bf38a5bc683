"""Histories of finished and running applications replay against the current code."""

from __future__ import annotations

from temporalio.worker import Replayer

from daftar.core.codec import data_converter
from daftar.domain.decisions import Outcome
from daftar.domain.stages import DecisionStage
from daftar.workflows.applicant import ApplicantWorkflow
from tests.conftest import TEST_KEYRING
from tests.workflows.conftest import Harness
from tests.workflows.steps import (
    decide,
    disqualify,
    ended,
    exam,
    licence,
    place,
    register,
    to_launch,
)


async def test_histories_of_every_ending_replay_deterministically(harness: Harness) -> None:
    licensed = await harness.start()
    await to_launch(licensed)
    await place(licensed)
    await licence(licensed)
    await disqualify(licensed, "forged")
    await ended(licensed)
    rejected = await harness.start()
    await register(rejected)
    await exam(rejected)
    await decide(rejected, DecisionStage.interview, Outcome.failed)
    await ended(rejected)
    running = await harness.start()
    await register(running)

    replayer = Replayer(workflows=[ApplicantWorkflow], data_converter=data_converter(TEST_KEYRING))
    for handle in (licensed, rejected, running):
        history = await handle.fetch_history()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, (handle.id, result.replay_failure)
