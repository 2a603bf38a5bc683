"""Who may read what of an application (DESIGN principle 9, SEC-1): one place for the rules.

The workflow keeps everything; the read model, the API and the console show each reader only
what their roles allow.
"""

from __future__ import annotations

from collections.abc import Iterable

from daftar.domain.stages import DecisionStage, Role

#: Roles that see the full national id; others see it masked.
NATIONAL_ID_ROLES = (Role.admin, Role.qualification_officer, Role.security_officer, Role.auditor)
#: Roles that see the full mobile number; others see it masked. The applicant is reached by
#: the system's own SMS, so reviewers, who judge the file and not the person, never call
#: them; the admin (the Center) is who contacts an applicant outside those messages: a
#: number that cannot be reached, a correction, a FRAUD-1 proceeding. Auditors check the
#: record, not the person: the archived history they export holds the number if it is ever
#: in question.
MOBILE_ROLES = (Role.admin,)
#: SEC-1: only these read a security decision's reason.
SECURITY_REASON_ROLES = (Role.security_officer, Role.auditor)
#: SEC-1: the stage whose reasons are confidential (the history entry's stage name).
CONFIDENTIAL_STAGE = DecisionStage.security.value


def _holds(roles: Iterable[Role], allowed: tuple[Role, ...]) -> bool:
    return any(role in allowed for role in roles)


def reason_is_confidential(stage: str) -> bool:
    """SEC-1: whether the reasons of a history entry at `stage` are confidential."""
    return stage == CONFIDENTIAL_STAGE


def reads_reason(stage: str, roles: Iterable[Role]) -> bool:
    """SEC-1: whether a reader holding `roles` may read a reason given at `stage`."""
    return not reason_is_confidential(stage) or _holds(roles, SECURITY_REASON_ROLES)


def reads_national_id(roles: Iterable[Role], *, own: bool = False) -> bool:
    """Whether a reader sees the full national id (the applicant sees their own)."""
    return own or _holds(roles, NATIONAL_ID_ROLES)


def reads_mobile(roles: Iterable[Role], *, own: bool = False) -> bool:
    """Whether a reader sees the full mobile number (the applicant sees their own)."""
    return own or _holds(roles, MOBILE_ROLES)


def mask(number: str) -> str:
    """A national id or a mobile number with all but its first and last three digits hidden."""
    return f"{number[:3]}****{number[-3:]}"
