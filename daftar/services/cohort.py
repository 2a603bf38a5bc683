"""The cohort steps the cycle's workflow runs.

Publishing exam results (EXAM-2) and launch rounds (LAUNCH-1, VET-2), with their progress from the
read model.
"""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from daftar.contracts.cycle import PublishIn, RoundIn
from daftar.contracts.workflows import Cycle
from daftar.core.errors import ServiceError
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Cycles
from daftar.services.auth import Principal, actor
from daftar.services.cycles import load_cycle
from daftar.services.schemas_cohort import ExamLoadView, PlacementView, RoundView
from daftar.store import cohort as store
from daftar.store import reads
from daftar.store.db import SessionFactory
from daftar.store.exam_sessions import count_waiting_without_result
from daftar.store.models import ExamLoad


async def publish(cycles: Cycles, sessions: SessionFactory, principal: Principal,
                  year: int, confirm_absent: int | None = None) -> ExamLoadView:
    """Send every candidate their result (the cycle's workflow fans out); 409 before a load.

    The candidates waiting for the exam with no result are then ended as absent (EXAM-6),
    once the exam officer confirms how many they are (`confirm_absent`): 409 naming the
    number otherwise.
    """
    def current() -> tuple[ExamLoad | None, int]:
        with sessions() as session:
            load_cycle(session, year)
            return reads.exam_load(session, year), count_waiting_without_result(session, year)

    load, absent = await asyncio.to_thread(current)
    if load is None:
        raise ServiceError(409, "not_loaded", "Load the exam results before publishing them.",
                           [Violation(rule="EXAM-2", message="No results are loaded.")])
    if (confirm_absent or 0) != absent:
        raise ServiceError(409, "absentees", (
            f"{absent} candidate(s) waiting for the exam have no result: publication ends "
            f"them as absent. Confirm with confirm_absent: {absent}."), [Violation(
                rule="EXAM-6", field="confirm_absent",
                message=f"{absent} without a result; {confirm_absent or 0} confirmed.")])
    await cycles.update(year, Cycle.publish_results, PublishIn(actor=actor(principal)))
    load.state = "publishing"
    return ExamLoadView.of(load, absent=absent)


def compute_round(session: Session, year: int, *, relocate: bool) -> RoundView:
    """A launch round's allocation computed and not run (`dry_run`)."""
    load_cycle(session, year)
    allocation, _ = store.compute_round(session, year, relocate=relocate)
    return RoundView(number=None, relocate=relocate, dry_run=True,
                     placed=len(allocation.placements), waiting=len(allocation.waiting),
                     placements=[PlacementView(application_id=p.key, **p.model_dump(
                         exclude={"key"})) for p in allocation.placements])


async def launch_round(cycles: Cycles, sessions: SessionFactory, principal: Principal,
                       year: int, *, relocate: bool, dry_run: bool) -> RoundView:
    """Allocate offices to the cleared candidates (LAUNCH-1, VET-2); `dry_run` only computes."""
    if dry_run:
        def compute() -> RoundView:
            with sessions() as session:
                return compute_round(session, year, relocate=relocate)

        return await asyncio.to_thread(compute)

    def known() -> None:
        with sessions() as session:
            load_cycle(session, year)

    await asyncio.to_thread(known)
    summary = await cycles.update(year, Cycle.launch_round, RoundIn(
        actor=actor(principal), relocate=relocate))

    def run() -> RoundView:
        with sessions() as session:
            launch = reads.launch_round(session, year, summary.number)
            assert launch is not None
            return RoundView.of(launch, store.placements_of(session, year, summary.number))

    return await asyncio.to_thread(run)


def launch_rounds(session: Session, year: int) -> list[RoundView]:
    """Every round of the cycle with its progress."""
    load_cycle(session, year)
    return [RoundView.of(r) for r in reads.launch_rounds(session, year)]


def launch_round_detail(session: Session, year: int, number: int) -> RoundView:
    """One round with its placements (404 for a round the cycle has not had)."""
    launch = reads.launch_round(session, year, number)
    if launch is None:
        raise ServiceError(404, "not_found", f"Cycle {year} has no launch round {number}.")
    return RoundView.of(launch, store.placements_of(session, year, number))
