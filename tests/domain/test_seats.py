"""EXAM-5 in the domain: the cycle's `seats` transition and one candidate's `seat`."""

from __future__ import annotations

from types import SimpleNamespace

from daftar.domain import transitions
from daftar.domain.actors import Actor
from daftar.domain.refusals import RefusalKind
from daftar.domain.stages import Role, Stage

OFFICER = Actor(id="exam-1", roles=[Role.exam_officer])


def kind(stage: Stage, version: int, held: int | None,
         actor: Actor = OFFICER) -> RefusalKind | None:
    refusal = transitions.seat(SimpleNamespace(stage=stage), actor, version, held)
    return refusal.kind if refusal else None


def test_a_waiting_candidate_takes_a_seat_and_a_later_version_replaces_it() -> None:
    assert kind(Stage.awaiting_exam, 1, None) is None
    assert kind(Stage.awaiting_exam, 2, 1) is None


def test_a_seat_is_given_once_per_version() -> None:
    assert kind(Stage.awaiting_exam, 1, 1) is RefusalKind.already_applied
    assert kind(Stage.awaiting_exam, 1, 2) is RefusalKind.already_applied  # an old one, late


def test_only_candidates_waiting_for_the_exam_are_seated() -> None:
    assert kind(Stage.awaiting_payment, 1, None) is RefusalKind.wrong_stage
    assert kind(Stage.awaiting_interview, 2, 1) is RefusalKind.wrong_stage


def test_only_the_exam_officer_seats() -> None:
    admin = Actor(id="a", roles=[Role.admin])
    assert kind(Stage.awaiting_exam, 1, None, admin) is RefusalKind.forbidden
    refusal = transitions.seats(admin)
    assert refusal is not None and refusal.kind is RefusalKind.forbidden
    assert refusal.rules == ["EXAM-5"]
    assert transitions.seats(OFFICER) is None


def test_an_absence_ends_a_candidate_waiting_with_no_result() -> None:
    waiting = SimpleNamespace(stage=Stage.awaiting_exam, exam_result=None)
    assert transitions.absence(waiting, OFFICER) is None
    scored = SimpleNamespace(stage=Stage.awaiting_exam, exam_result=object())
    refusal = transitions.absence(scored, OFFICER)
    assert refusal is not None and refusal.kind is RefusalKind.duplicate
    moved = SimpleNamespace(stage=Stage.awaiting_interview, exam_result=None)
    refusal = transitions.absence(moved, OFFICER)
    assert refusal is not None and refusal.kind is RefusalKind.wrong_stage
    refusal = transitions.absence(waiting, Actor(id="i", roles=[Role.interviewer]))
    assert refusal is not None and refusal.kind is RefusalKind.forbidden
    assert refusal.rules == ["EXAM-6"]
