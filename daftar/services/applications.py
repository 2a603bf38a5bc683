"""One application's reads and its single-step sends.

The exam result, the office, a document, the licence, withdrawal and disqualification. Each answers
the application as the caller may see it; the workflow's validators hold the rules.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from daftar.contracts.applicant import (
    DisqualifyIn,
    DocumentIn,
    DocumentKind,
    ExamResultIn,
    LicenceIn,
    OfficeIn,
    WithdrawIn,
)
from daftar.contracts.workflows import Applicant
from daftar.core.errors import ServiceError
from daftar.domain.places import province_code
from daftar.domain.stages import STAFF_ROLES, Role
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.services.auth import Principal, actor
from daftar.services.places import province_violation
from daftar.services.schemas import ApplicationView
from daftar.services.views import application_view
from daftar.store.cohort import exact_pass_mark
from daftar.store.db import SessionFactory
from daftar.store.reads import exam_load


def own(principal: Principal, app_id: str) -> None:
    """The applicant role reaches its own application only (403 otherwise)."""
    if principal.has(Role.applicant) and principal.sub != app_id and not principal.has(
            *STAFF_ROLES):
        raise ServiceError(403, "forbidden", "An applicant may reach their own application only.")


async def read(applicants: Applicants, principal: Principal, app_id: str) -> ApplicationView:
    """Stage, registration data, decisions, exam result and office, redacted by role.

    Staff and the applicant themself only.
    """
    if not principal.has(*STAFF_ROLES, Role.applicant):
        raise ServiceError(403, "forbidden", "Staff or the applicant only.")
    own(principal, app_id)
    return application_view(await applicants.state(app_id), principal)


def pass_mark(sessions: SessionFactory, cycle: int) -> Decimal | None:
    """EXAM-2's exact pass mark, as the cycle's current load of exam results set it."""
    with sessions() as s:
        load = exam_load(s, cycle)
        return None if load is None else exact_pass_mark(load)


async def record_exam_result(applicants: Applicants, sessions: SessionFactory,
                             principal: Principal, app_id: str, *, total_score: Decimal,
                             subjects: dict[str, Decimal]) -> ApplicationView:
    """One candidate's exam result (EXAM-2), judged against the pass mark of the cycle's results.

    409 `not_loaded` before any are loaded.
    """
    state = await applicants.state(app_id)
    mark = await asyncio.to_thread(pass_mark, sessions, state.cycle)
    if mark is None:
        message = (f"No exam results are loaded for cycle {state.cycle}, so it has no pass "
                   "mark yet; load them first (POST /v1/cycles/{year}/exam-results).")
        raise ServiceError(409, "not_loaded", message, [Violation(rule="EXAM-2", message=message)])
    state = await applicants.update(app_id, Applicant.record_exam_result, ExamResultIn(
        actor=actor(principal), total_score=total_score, pass_mark=mark, subjects=subjects))
    return application_view(state, principal)


async def assign_office(applicants: Applicants, principal: Principal, app_id: str, *,
                        province: str, city: str, round: int) -> ApplicationView:
    """Place one cleared candidate in an office's city (LAUNCH-1).

    The province is stored as its code, as a launch round stores it.

    Raises:
        ServiceError: 422 LAUNCH-1 for a province that names none of the 31.
    """
    code = province_code(province)
    if code is None:
        raise ServiceError(422, "invalid", "The office's province is unknown.",
                           [province_violation(province, "province")])
    state = await applicants.update(app_id, Applicant.assign_office, OfficeIn(
        actor=actor(principal), province=code, city=city, round=round))
    return application_view(state, principal)


async def submit_document(applicants: Applicants, principal: Principal, app_id: str, *,
                          kind: DocumentKind, reference: str) -> ApplicationView:
    """ART11-1 proof that an occupation ended, or the VET-2 veteran certificate."""
    own(principal, app_id)
    state = await applicants.update(app_id, Applicant.submit_document, DocumentIn(
        actor=actor(principal), kind=kind, reference=reference))
    return application_view(state, principal)


async def issue_licence(applicants: Applicants, principal: Principal,
                        app_id: str) -> ApplicationView:
    """LIC-1: issue the licence; 409 while ART11-1 proof or the VET-2 certificate is missing."""
    state = await applicants.update(app_id, Applicant.issue_licence,
                                    LicenceIn(actor=actor(principal)))
    assert state.licence_number is not None
    return application_view(state, principal)


async def withdraw(applicants: Applicants, principal: Principal, app_id: str,
                   reason: str | None) -> ApplicationView:
    """WD-1: the applicant withdraws before the licence; the fee is not refunded."""
    own(principal, app_id)
    state = await applicants.update(app_id, Applicant.withdraw, WithdrawIn(
        actor=actor(principal), reason=reason))
    return application_view(state, principal)


async def disqualify(applicants: Applicants, principal: Principal, app_id: str,
                     reason: str) -> ApplicationView:
    """FRAUD-1: remove the applicant at any stage; an issued licence is revoked."""
    state = await applicants.update(app_id, Applicant.disqualify, DisqualifyIn(
        actor=actor(principal), reason=reason))
    return application_view(state, principal)
