"""Business refusals raised by update validators: the API maps each `type` to an HTTP status.

Validators raise `ApplicationError` (never a plain exception: inside a handler that would fail
the workflow task and hang the caller). A refused update never enters the history.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ValidationError

    from daftar.domain.violations import Violation

M = TypeVar("M", bound=BaseModel)

WRONG_STAGE = "wrong_stage"  # 409: the application is not at the stage the message is for
DUPLICATE = "duplicate"  # 409: this stage was already decided
# 409: this very message was applied before (a retried fan-out); nothing to do, no history.
ALREADY_APPLIED = "already_applied"
NOT_READY = "not_ready"  # 409: a condition of the step is not met yet (LIC-1)
CLAIMED = "claimed"  # 409: another reviewer holds the waiting decision (its claim has not expired)
FORBIDDEN = "forbidden"  # 403: the sender's role may not send this
INVALID = "invalid"  # 422: malformed or rule-breaking content


def refuse(code: str, message: str, violations: list[Violation]) -> NoReturn:
    """Refuse a message, naming the rules; details carry the violations for the API."""
    raise ApplicationError(
        message,
        {"rules": [v.model_dump() for v in violations]},
        type=code,
        non_retryable=True,
    )


def refuse_rule(code: str, rule: str, message: str, field: str | None = None) -> NoReturn:
    """Refuse under one rule id."""
    refuse(code, message, [Violation(rule=rule, field=field, message=message)])


def start_input(model: type[M], raw: Any) -> M | None:
    """A workflow's start input read as `model`, or None when it is not one (a start that
    daftar did not send may carry anything; the seal check ends it)."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def unreadable(raw: Any) -> str:
    """Why a start input could not be read, for the error that stops its workflow task."""
    if isinstance(raw, dict) and "unreadable_payload" in raw:
        return str(raw["unreadable_payload"])
    return "it does not match the workflow's input"
