"""The errors daftar's services raise, already in the terms of the API's error shape.

`{"error": {"code", "message", "rules": [{"rule", "field", "message"}]}}`: domain violations
and malformed input are 422, a role that may not act 403, wrong stage or duplicate 409,
unknown 404, and 503 with a retry hint naming the part that is down: Temporal or the database
unreachable (`unavailable`), or no daftar worker serving the task queue (`worker_unavailable`).
A 503 for a request that changes an application says whether it was applied: one that may yet
be applied carries the `Idempotency-Key` to send it again with, so it is applied at most once.
The JSON API and the console both show these; neither matches on their text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import structlog
from pydantic import BaseModel
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from daftar.domain.refusals import RefusalKind
from daftar.domain.violations import Violation

log = structlog.get_logger("daftar.errors")

RETRY_AFTER_SECONDS = 5
#: The request header that names a change, so that sending it again applies it at most once;
#: a 503 that leaves a change unsettled carries it back.
IDEMPOTENCY_KEY = "Idempotency-Key"

#: The status of each refusal type an update validator raises.
REFUSAL_STATUS: dict[str, int] = {
    RefusalKind.wrong_stage: 409,
    RefusalKind.duplicate: 409,
    RefusalKind.already_applied: 409,
    RefusalKind.not_ready: 409,
    RefusalKind.claimed: 409,
    RefusalKind.conflict: 409,
    RefusalKind.forbidden: 403,
    RefusalKind.invalid: 422,
}

class ErrorDetail(BaseModel):
    """The body of one refusal: its code, a message for people, and the rules it names."""

    code: str
    message: str
    rules: list[Violation]


class ServiceError(Exception):
    """An error a client caused or must be told about, already in docs/api.md's terms."""

    def __init__(self, status: int, code: str, message: str,
                 rules: Sequence[Violation] = (), *, retry_after: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.rules = list(rules)
        self.retry_after = retry_after
        self.headers = dict(headers or {})


def violations_error(message: str, violations: Sequence[Violation]) -> ServiceError:
    """422 listing every broken rule."""
    return ServiceError(422, "rule_violation", message, violations)


def unavailable(what: str, *, key: str | None = None) -> ServiceError:
    """503: `what` (Temporal, the database) does not answer.

    With `key`, a change was on its way to Temporal when it stopped answering: it may still be
    applied, once.
    """
    if key is None:
        return ServiceError(503, "unavailable", f"{what} is unreachable; try again shortly.",
                        retry_after=RETRY_AFTER_SECONDS)
    return ServiceError(503, "unavailable", (
        f"{what} is unreachable, and this change may have reached it before it stopped "
        f"answering: it may still be applied, once. Read the application before sending it "
        f"again, and send it again only with the header {IDEMPOTENCY_KEY}: {key}, so that it "
        f"is applied at most once."), retry_after=RETRY_AFTER_SECONDS,
        headers={IDEMPOTENCY_KEY: key})


# --- no worker: Temporal answers, but no daftar worker runs the workflows ----------------

_NO_WORKER = "No daftar worker is running"


def no_worker_to_read() -> ServiceError:
    """503: a read that only a worker can answer (a workflow's query) while none runs."""
    return ServiceError(503, "worker_unavailable", (
        f"{_NO_WORKER} (Temporal is up), so the workflow cannot be read now and nothing was "
        f"changed; try again shortly."), retry_after=RETRY_AFTER_SECONDS)


def worker_did_not_answer(seconds: int) -> ServiceError:
    """503: Temporal lists a worker, but none answered a read within `seconds`."""
    return ServiceError(503, "worker_unavailable", (
        f"No daftar worker answered within {seconds} s (Temporal is up; a worker may have "
        f"stopped), so the workflow cannot be read now and nothing was changed; try again "
        f"shortly."),
        retry_after=RETRY_AFTER_SECONDS)


def no_worker_not_sent(key: str | None) -> ServiceError:
    """503: no worker runs, so the change was not sent to Temporal: not applied.

    `key` is the caller's own Idempotency-Key, if it sent one: an earlier request with that key
    may still be pending.
    """
    if key is None:
        return ServiceError(503, "worker_unavailable", (
            f"{_NO_WORKER} (Temporal is up): this change was not sent, so it is not applied. "
            f"Send it again shortly."), retry_after=RETRY_AFTER_SECONDS)
    return ServiceError(503, "worker_unavailable", (
        f"{_NO_WORKER} (Temporal is up): this request was not sent and changed nothing. Send "
        f"it again shortly, with the same {IDEMPOTENCY_KEY}: an earlier request with this key "
        f"that was not confirmed may still be applied, once, and the key keeps it to one."),
        retry_after=RETRY_AFTER_SECONDS, headers={IDEMPOTENCY_KEY: key})


def not_accepted(key: str) -> ServiceError:
    """503: the change reached Temporal, but no worker takes it (one stopped on the way).

    It waits there and may still be applied, once, when a worker returns.
    """
    return ServiceError(503, "worker_unavailable", (
        f"No daftar worker is taking this change (Temporal is up; a worker may have stopped): "
        f"it is not confirmed, and it may still be applied, once, when a worker takes it. "
        f"Read the application before sending it again, and send it again only with the "
        f"header {IDEMPOTENCY_KEY}: {key}, so that it is applied at most once."),
        retry_after=RETRY_AFTER_SECONDS, headers={IDEMPOTENCY_KEY: key})


def not_finished(key: str, seconds: int) -> ServiceError:
    """503: a worker accepted the change (it is in the history) but its result is late.

    The result did not come within `seconds`: it completes when a worker goes on with it.
    """
    return ServiceError(503, "worker_unavailable", (
        f"This change was accepted and is recorded, but its result did not come within "
        f"{seconds} s (a worker may have stopped): it completes when a daftar worker goes on "
        f"with it. Do not send it as a new change; sending it again with the header "
        f"{IDEMPOTENCY_KEY}: {key} answers with its result once there is one."),
        retry_after=RETRY_AFTER_SECONDS, headers={IDEMPOTENCY_KEY: key})


def from_update_failure(err: WorkflowUpdateFailedError) -> ServiceError:
    """A refusal from a workflow validator, with its rules."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in REFUSAL_STATUS:
        details = cause.details[0] if cause.details else {}
        rules = [Violation.model_validate(r) for r in details.get("rules", [])]
        return ServiceError(REFUSAL_STATUS[cause.type], cause.type, cause.message, rules)
    log.error("update failed unexpectedly", error=str(cause or err))
    return ServiceError(409, "refused", str(cause or err))


def from_rpc(err: RPCError) -> ServiceError:
    """Temporal's RPC failures: down, slow or busy → 503.

    Other statuses are programming errors: `err` is raised again.
    """
    if err.status == RPCStatusCode.RESOURCE_EXHAUSTED:  # answering, but over a limit
        return ServiceError(503, "unavailable", "Temporal is busy (it holds as many requests as "
                        "it takes at once, for this application or overall); try again "
                        "shortly.", retry_after=RETRY_AFTER_SECONDS)
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED,
                      RPCStatusCode.CANCELLED):
        return unavailable("Temporal")
    raise err


