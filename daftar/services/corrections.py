"""Corrections (COR-1, COR-2, COR-3), and the cycle's close that ends the records waiting.

A decision reopened, a case reinstated by two admins, a waiting decision assigned; the close
ends the records that waited for them.

Each is one update of the application's workflow, whose validator holds the rule (the same
transitions as `daftar.domain.transitions.corrections`, which refuse a non-admin with 403);
the history keeps the original decision, the correction (who, when, why) and what follows.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from daftar.contracts.applicant import AssignIn, ReinstateIn, ReopenIn
from daftar.contracts.cycle import CloseCycleIn, CycleProgress
from daftar.contracts.workflows import Applicant, Cycle
from daftar.domain import transitions
from daftar.domain.stages import DecisionStage, Stage
from daftar.gateway.workflows import Applicants, Cycles
from daftar.services.auth import Principal, actor
from daftar.services.cycles import load_cycle
from daftar.services.errors import refused
from daftar.services.schemas import ApplicationView
from daftar.services.views import application_view
from daftar.store.db import SessionFactory
from daftar.store.reads import count_at_stage


async def reopen(applicants: Applicants, principal: Principal, app_id: str,
                 stage: DecisionStage, reason: str) -> ApplicationView:
    """COR-1: the latest reviewer decision goes back to its stage's inbox with a fresh SLA."""
    state = await applicants.update(app_id, Applicant.reopen, ReopenIn(
        actor=actor(principal), stage=stage, reason=reason))
    return application_view(state, principal)


async def reinstate(applicants: Applicants, principal: Principal, app_id: str,
                    reason: str) -> tuple[ApplicationView, bool]:
    """COR-2: propose (the first admin) or confirm (a second, different one).

    Returns:
        The application, and whether this call confirmed the reinstatement.
    """
    state = await applicants.update(app_id, Applicant.reinstate, ReinstateIn(
        actor=actor(principal), reason=reason))
    return application_view(state, principal), state.reinstatement is None


async def assign(applicants: Applicants, principal: Principal, app_id: str,
                 reviewer: str) -> ApplicationView:
    """COR-3: the waiting decision is claimed on the named reviewer's behalf."""
    state = await applicants.update(app_id, Applicant.assign, AssignIn(
        actor=actor(principal), reviewer=reviewer))
    return application_view(state, principal)


async def close_cycle(cycles: Cycles, sessions: SessionFactory, principal: Principal,
                      year: int) -> CycleProgress:
    """Close the cycle: every record that waits for corrections ends (no correction after).

    Raises:
        ServiceError: 404 for an unknown cycle; 409 while registration is open or candidates
            still wait for the exam's results (`transitions.closable`).
    """

    def known() -> None:
        with sessions() as session:
            cycle = load_cycle(session, year)
            _, closes = cycle.window()
            waiting = count_at_stage(session, year, Stage.awaiting_exam)
            answer = transitions.closable(datetime.now(UTC), closes, waiting,
                                          cycle.config.registration_end)
            if answer is not None:
                raise refused(answer)

    await asyncio.to_thread(known)
    return await cycles.update(year, Cycle.close, CloseCycleIn(actor=actor(principal)))
