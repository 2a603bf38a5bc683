"""The cycle's updates as pure transitions: EXAM-2 publication and LAUNCH-1 rounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from daftar.domain import transitions as t
from daftar.domain.actors import Actor
from daftar.domain.publication import PublicationState
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import Role
from tests.domain.test_transitions import expect, staff

K = RefusalKind
OFFICER = staff(Role.exam_officer)
LICENSING = staff(Role.licensing_officer)


def test_results_are_published_once_by_the_exam_officer() -> None:
    assert t.publish(PublicationState.none, OFFICER) is None
    expect(t.publish(PublicationState.none, LICENSING), K.forbidden, "EXAM-2")
    for state in (PublicationState.publishing, PublicationState.published):
        got = t.publish(state, OFFICER)
        expect(got, K.duplicate, "EXAM-2")
        assert got is not None and got.message == f"The results are already {state.value}."


@pytest.mark.parametrize(("actor", "allocating", "sending", "kind"), [
    (OFFICER, False, None, K.forbidden),
    (LICENSING, True, None, K.wrong_stage),
    (LICENSING, False, 2, K.wrong_stage),
])
def test_launch_round_refusals(actor: Actor, allocating: bool, sending: int | None,
                               kind: RefusalKind) -> None:
    expect(t.launch_round(actor, allocating=allocating, sending_round=sending), kind, "LAUNCH-1")


def test_a_round_runs_when_none_is_under_way() -> None:
    assert t.launch_round(LICENSING, allocating=False, sending_round=None) is None


def test_a_cycle_closes_only_after_registration_and_the_exam_results() -> None:
    closes = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    before, after = closes - timedelta(seconds=1), closes
    assert t.closable(after, closes, 0, "1405/09/10") is None
    expect(t.closable(before, closes, 0, "1405/09/10"), RefusalKind.not_ready, "COR-2")
    refused = t.closable(after, closes, 3, "1405/09/10")
    expect(refused, RefusalKind.not_ready, "COR-2")
    assert refused is not None and "3 candidates still wait" in refused.message
