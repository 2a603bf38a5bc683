"""Stages of an applicant's path, the roles that move them, and the SLA keys.

See docs/api.md "Stages".
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where one application stands; the last six are terminal."""

    awaiting_payment = "awaiting_payment"
    awaiting_exam = "awaiting_exam"
    awaiting_interview = "awaiting_interview"
    awaiting_qualification = "awaiting_qualification"
    awaiting_security = "awaiting_security"
    awaiting_launch = "awaiting_launch"
    awaiting_licence = "awaiting_licence"
    #: DOC-2: a reviewer asked the applicant for a document; back to that stage on upload.
    awaiting_applicant = "awaiting_applicant"
    licensed = "licensed"
    rejected = "rejected"
    withdrawn = "withdrawn"
    disqualified = "disqualified"
    revoked = "revoked"
    incomplete = "incomplete"
    #: EXAM-6: no result when the results were published: the candidate did not sit the exam.
    absent = "absent"


TERMINAL_STAGES = frozenset(
    {Stage.rejected, Stage.withdrawn, Stage.disqualified, Stage.revoked, Stage.incomplete,
     Stage.absent}
)


class Role(StrEnum):
    """JWT roles (docs/api.md "Auth")."""

    admin = "admin"
    exam_officer = "exam_officer"
    interviewer = "interviewer"
    qualification_officer = "qualification_officer"
    security_officer = "security_officer"
    licensing_officer = "licensing_officer"
    auditor = "auditor"
    payment_gateway = "payment_gateway"
    applicant = "applicant"


STAFF_ROLES = frozenset(Role) - {Role.applicant, Role.payment_gateway}


class DecisionStage(StrEnum):
    """The three stages decided by a reviewer's pass/fail (INT-1, QUAL-1, SEC-1)."""

    interview = "interview"
    qualification = "qualification"
    security = "security"


#: For each decided stage: the stage it is taken at, the role that takes it, the stage a pass
#: leads to, and the rule a failure rejects under.
DECISION_FLOW: dict[DecisionStage, tuple[Stage, Role, Stage, str]] = {
    DecisionStage.interview: (
        Stage.awaiting_interview, Role.interviewer, Stage.awaiting_qualification, "INT-1"),
    DecisionStage.qualification: (
        Stage.awaiting_qualification, Role.qualification_officer, Stage.awaiting_security,
        "QUAL-1"),
    DecisionStage.security: (
        Stage.awaiting_security, Role.security_officer, Stage.awaiting_launch, "SEC-1"),
}

#: For each stage that waits on a reviewer's decision: that reviewer's role and the rule.
DECISION_AT: dict[Stage, tuple[Role, str]] = {
    at: (role, rule) for at, role, _, rule in DECISION_FLOW.values()}

#: The stages a reviewer role works on: its inbox.
INBOX_STAGES: dict[Role, tuple[Stage, ...]] = {
    Role.exam_officer: (Stage.awaiting_exam,),
    Role.interviewer: (Stage.awaiting_interview,),
    Role.qualification_officer: (Stage.awaiting_qualification,),
    Role.security_officer: (Stage.awaiting_security,),
    Role.licensing_officer: (Stage.awaiting_launch, Stage.awaiting_licence),
}

#: Stages that wait on a person and so carry an SLA; keys of a cycle's `sla_days`.
SLA_KEYS: dict[Stage, str] = {
    Stage.awaiting_interview: "interview",
    Stage.awaiting_qualification: "qualification",
    Stage.awaiting_security: "security",
    Stage.awaiting_licence: "licence",
}

DEFAULT_SLA_DAYS: dict[str, int] = {
    "interview": 30,
    "qualification": 14,
    "security": 30,
    "licence": 14,
}


#: The longest SLA (ten years): a stage's due date must stay a date Python can hold.
MAX_SLA_DAYS = 3650


def checked_sla_days(days: dict[str, int]) -> dict[str, int]:
    """Check a cycle's SLA days per stage (for pydantic validators).

    Returns:
        `days`, if every key is a reviewing stage of `DEFAULT_SLA_DAYS` and every value is
        from one day to MAX_SLA_DAYS.

    Raises:
        ValueError: A key is not such a stage, or a value is out of range; says which.
    """
    unknown = set(days) - set(DEFAULT_SLA_DAYS)
    if unknown:
        raise ValueError(f"unknown SLA stages {sorted(unknown)}; known: "
                         f"{sorted(DEFAULT_SLA_DAYS)}")
    if any(not 1 <= value <= MAX_SLA_DAYS for value in days.values()):
        raise ValueError(f"SLA days must be from 1 to {MAX_SLA_DAYS}")
    return days
