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

    from daftar.domain.refusals import Refusal, RefusalKind
    from daftar.domain.violations import Violation

M = TypeVar("M", bound=BaseModel)

# The kinds, by their short names inside the workflows (daftar.domain.refusals says each).
WRONG_STAGE = RefusalKind.wrong_stage
DUPLICATE = RefusalKind.duplicate
ALREADY_APPLIED = RefusalKind.already_applied
NOT_READY = RefusalKind.not_ready
CLAIMED = RefusalKind.claimed
FORBIDDEN = RefusalKind.forbidden
INVALID = RefusalKind.invalid


def refuse(code: RefusalKind, message: str, violations: list[Violation]) -> NoReturn:
    """Refuse a message, naming the rules; details carry the violations for the API."""
    raise ApplicationError(
        message,
        {"rules": [v.model_dump() for v in violations]},
        type=code.value,
        non_retryable=True,
    )


def raise_refusal(refusal: Refusal | None) -> None:
    """Raise `refusal` (a transition's answer) as the validator's error; None lets it pass."""
    if refusal is not None:
        refuse(refusal.kind, refusal.message, list(refusal.violations))


def refuse_rule(code: RefusalKind, rule: str, message: str, field: str | None = None) -> NoReturn:
    """Refuse under one rule id."""
    refuse(code, message, [Violation(rule=rule, field=field, message=message)])


def start_input(model: type[M], raw: Any) -> M | None:
    """A workflow's start input read as `model`, or None when it is not one.

    A start that daftar did not send may carry anything; the seal check ends it.
    """
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def unreadable(raw: Any) -> str:
    """Why a start input could not be read, for the error that stops its workflow task."""
    if isinstance(raw, dict) and "unreadable_payload" in raw:
        return str(raw["unreadable_payload"])
    return "it does not match the workflow's input"
