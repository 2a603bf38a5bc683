"""Business refusals raised by update validators: the API maps each `type` to an HTTP status.

Validators raise `ApplicationError` (never a plain exception: inside a handler that would fail
the workflow task and hang the caller). A refused update never enters the history.
"""

from __future__ import annotations

from typing import Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ValidationError

    from daftar.domain.refusals import Refusal

M = TypeVar("M", bound=BaseModel)


def raise_refusal(refusal: Refusal | None) -> None:
    """Raise `refusal` (a transition's answer) as the validator's error; None lets it pass.

    The error's type is the refusal's kind; its details carry the violations for the API.
    """
    if refusal is not None:
        raise ApplicationError(
            refusal.message,
            {"rules": [v.model_dump() for v in refusal.violations]},
            type=refusal.kind.value,
            non_retryable=True,
        )


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
