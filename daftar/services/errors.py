"""One translator from whatever a service call raised to the `ServiceError` a user sees.

The JSON API (`daftar.api.errors`) turns its answer into docs/api.md's error body; the console
(`daftar.console.routing`) into its Persian error page. Both map the same failure to the same
status and code, and neither matches on an exception's text: the one place that has to is
`temporal_unreachable`, because the SDK gives a failed connection no type of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import structlog
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from daftar.core.errors import (
    REFUSAL_STATUS,
    ServiceError,
    from_rpc,
    from_update_failure,
    unavailable,
)
from daftar.domain.refusals import Refusal
from daftar.domain.violations import Violation

log = structlog.get_logger("daftar.errors")

#: The rule a malformed field of a request belongs to, so even a schema error names its rule.
FIELD_RULES = {
    "national_id": "REG-5", "birth_date": "AGE-1", "citizenship": "GEN-1", "degree": "GEN-2",
    "military_service": "GEN-3", "military_service_end_date": "AGE-2",
    "computer_certificate": "GEN-5", "experience_years": "EXP-1", "occupation": "ART11-1",
    "quota": "REG-6", "province": "REG-7", "city": "REG-7", "amount_rials": "REG-2",
    "reference": "REG-2", "registration_start": "REG-1", "registration_end": "REG-1",
    "fee_rials": "REG-2", "veteran_share": "VET-2", "cities": "LAUNCH-1",
    "subjects": "EXAM-1", "group_weights": "EXAM-4", "taraz_scale": "EXAM-4",
    "first_name": "REG-2", "last_name": "REG-2", "father_name": "REG-2", "gender": "REG-2",
    "mobile": "REG-2", "total_score": "EXAM-2", "pass_mark": "EXAM-2",
}
#: Where a request's field came from: not part of the field's name.
_SOURCES = ("body", "query", "path")


def internal() -> ServiceError:
    """500: a failure of ours, logged where it happened; the user learns nothing more."""
    return ServiceError(500, "internal", "An internal error occurred.")


def refused(refusal: Refusal) -> ServiceError:
    """A domain transition's refusal, answered before it reaches the workflow.

    With the status and code the workflow's validator would have given it.
    """
    return ServiceError(REFUSAL_STATUS[refusal.kind], refusal.kind.value, refusal.message,
                        list(refusal.violations))


def invalid_request(errors: Iterable[Mapping[str, Any]]) -> ServiceError:
    """422 for a request that does not fit its schema (pydantic's or FastAPI's error list).

    Each field under the rule it belongs to (`FIELD_RULES`), else `REQUEST`.
    """
    rules = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in _SOURCES]
        if e.get("type") == "json_invalid":
            loc = []  # its location is a character offset in the body, not a field
        field = ".".join(loc) or None
        rule = next((FIELD_RULES[p] for p in loc if p in FIELD_RULES), "REQUEST")
        rules.append(Violation(rule=rule, field=field, message=str(e.get("msg"))))
    return ServiceError(422, "invalid_request", "The request is malformed.", rules)


def temporal_unreachable(err: BaseException) -> bool:
    """Whether `err` is the SDK's failure to connect to Temporal.

    The SDK's Rust bridge raises a plain `RuntimeError("Failed client connect: ...")` (a
    lazy client connects on first use), with no subclass to catch, so its text is all
    there is to tell it by.
    """
    return isinstance(err, RuntimeError) and "connect" in str(err).lower()


def translate(err: BaseException) -> ServiceError | None:
    """The `ServiceError` a user is shown for `err`.

    None for a failure of ours (a 500, which the caller logs with its traceback).
    """
    if isinstance(err, ServiceError):
        return err
    if isinstance(err, WorkflowUpdateFailedError):
        return from_update_failure(err)
    if isinstance(err, RPCError):
        try:
            return from_rpc(err)
        except RPCError:
            return None  # a status that is a programming error, not an outage
    if isinstance(err, OperationalError | PoolTimeout):
        log.warning("database unavailable", error=str(err).splitlines()[0])
        return unavailable("The database")
    if temporal_unreachable(err):
        return unavailable("Temporal")
    return None
