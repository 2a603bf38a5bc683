"""The payment gateway's call (REG-2): a reference pays one application of a cycle.

The gateway learns only `{application_id, stage}`. The reference is bound to the application
(daftar.store.payments) before the workflow hears of the payment, so of two concurrent uses of
one reference on two applications only one can go on. A payment the workflow then refuses (a
wrong amount, a closed window) gives the reference back unless it did pay this application, so
it is not lost to a mistaken call; a payment whose fate is unknown (Temporal unreachable) keeps
it, since it may have been applied. A retry of the same reference and amount on the same
application answers as the first did.

Refusals tell the gateway what it can act on, and nothing else: not the earlier reference,
not why an application closed (a withdrawal, or a security refusal under SEC-1).
"""

from __future__ import annotations

import asyncio
import uuid

from daftar.contracts.applicant import PaymentIn
from daftar.contracts.state import ApplicationState
from daftar.contracts.workflows import Applicant
from daftar.core.errors import ServiceError
from daftar.domain.refusals import RefusalKind
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Applicants
from daftar.services.auth import Principal, actor
from daftar.services.schemas import PaymentAnswer, PaymentBody
from daftar.store import payments
from daftar.store.db import SessionFactory

RULE = "REG-2"


async def confirm(applicants: Applicants, sessions: SessionFactory, principal: Principal,
                  app_id: str, body: PaymentBody) -> PaymentAnswer:
    """Bind the reference, then send the payment; see the module's docstring."""
    state = await applicants.state(app_id)  # 404, and the cycle the reference belongs to
    attempt = uuid.uuid4().hex
    try:
        await asyncio.to_thread(payments.bind, sessions, cycle=state.cycle,
                                reference=body.reference, application_id=app_id,
                                attempt=attempt)
    except payments.ReferenceTaken:
        raise _refusal(RefusalKind.duplicate, "This payment reference is used for another "
                       "application of the cycle; a reference pays one application.",
                       "reference") from None
    try:
        state = await applicants.update(app_id, Applicant.confirm_payment, PaymentIn(
            actor=actor(principal), reference=body.reference, amount_rials=body.amount_rials))
    except ServiceError as err:
        if err.status == 503:
            raise  # applied or not, the binding stays: a retry finds it
        state = await _refused(applicants, sessions, err, state.cycle, app_id, body, attempt)
    return PaymentAnswer.of(app_id, state.stage)


async def _refused(applicants: Applicants, sessions: SessionFactory, err: ServiceError, cycle: int,
                   app_id: str, body: PaymentBody, attempt: str) -> ApplicationState:
    """The state to answer a retry with, or the refusal as the gateway may read it.

    The reference is given back unless it is the one that paid this application.
    """
    try:
        now = await applicants.state(app_id)
    except ServiceError:
        raise _for_gateway(err, paid=None) from err  # cannot tell: the binding stays
    paid = now.payment
    if paid is not None and paid.reference == body.reference:
        if paid.amount_rials == body.amount_rials:
            return now  # the gateway retried (also once the application has closed)
    else:
        await asyncio.to_thread(payments.release, sessions, cycle=cycle,
                                reference=body.reference, attempt=attempt)
    raise _for_gateway(err, paid=paid is not None) from err


def _refusal(code: str, message: str, field: str | None = None, *, rule: str = RULE,
             status: int = 409) -> ServiceError:
    return ServiceError(status, code, message, [Violation(rule=rule, field=field, message=message)])


def _for_gateway(err: ServiceError, *, paid: bool | None) -> ServiceError:
    """A refusal of the workflow (or of the gateway to Temporal) in the gateway's terms."""
    if err.status in (403, 404) or err.code == RefusalKind.invalid:
        return err  # the caller's own role, id or amount: nothing of the applicant
    if paid:
        return _refusal(RefusalKind.duplicate, "The fee of this application is already paid.",
                        "reference")
    if any(v.rule == "REG-1" for v in err.rules):
        return _refusal(RefusalKind.wrong_stage, "The registration window has closed; the fee "
                        "can no longer be paid.", rule="REG-1")
    return _refusal(RefusalKind.wrong_stage, "The application is not awaiting payment.")
