"""Why a message is refused, as a value: the kind (which decides the HTTP status) and the rules.

Transitions (`daftar.domain.transitions`) return these; the workflow's validators raise them
as Temporal errors whose type is the kind, and the API and console answer them early.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from daftar.domain.violations import Violation


class RefusalKind(StrEnum):
    """The kinds of refusal, each with its HTTP status in the API."""

    #: 409: the application is not at the stage the message is for.
    wrong_stage = "wrong_stage"
    #: 409: this stage was already decided.
    duplicate = "duplicate"
    #: 409: this very message was applied before (a retry); nothing to do, no history.
    already_applied = "already_applied"
    #: 409: a condition of the step is not met yet (LIC-1).
    not_ready = "not_ready"
    #: 409: another reviewer holds the waiting decision (its claim has not expired).
    claimed = "claimed"
    #: 409: the change conflicts with what already happened (CYC-1: a closed window, seats
    #: already given, an instant already past, a view of the cycle gone stale).
    conflict = "conflict"
    #: 403: the sender's role may not send this.
    forbidden = "forbidden"
    #: 422: malformed or rule-breaking content.
    invalid = "invalid"


class Refusal(BaseModel, frozen=True):
    """A refused message: its kind, a message for people, and the rules it breaks."""

    kind: RefusalKind
    message: str
    violations: tuple[Violation, ...] = ()

    @property
    def rules(self) -> list[str]:
        """The rule ids the refusal names."""
        return [v.rule for v in self.violations]


def refusal(kind: RefusalKind, rule: str, message: str, field: str | None = None) -> Refusal:
    """A refusal under one rule id."""
    return Refusal(kind=kind, message=message,
                   violations=(Violation(rule=rule, field=field, message=message),))
