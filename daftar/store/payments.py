"""Payment references: each pays one application of a cycle (REG-2).

A table of daftar's own beside the read model (README: "Code layout"), written by the API before it
tells a workflow about a payment: the primary key (cycle, reference) is the unique constraint
that lets only one of two concurrent uses of a reference bind it. A binding names the request
(`attempt`) that holds it, so a request whose payment was refused releases the reference only
if no other request for the same application has taken the binding over meanwhile.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col

from daftar.store.models import UtcDateTime

if TYPE_CHECKING:  # db.py imports this module to register the table
    from daftar.store.db import SessionFactory

#: Tries at binding when the row keeps changing between the insert and the read.
_BIND_TRIES = 3


class PaymentReference(SQLModel, table=True):
    """A payment reference of a cycle, bound to the application it pays."""

    __tablename__ = "payment_references"
    cycle: int = Field(primary_key=True)
    reference: str = Field(primary_key=True, max_length=100)
    application_id: str = Field(max_length=32)
    #: The request that holds the binding now (a retry of the same application takes it over).
    attempt: str = Field(max_length=32)
    bound_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class ReferenceTaken(Exception):
    """The reference is bound to another application of the cycle."""


def bind(sessions: SessionFactory, *, cycle: int, reference: str, application_id: str,
         attempt: str) -> None:
    """Bind `reference` to `application_id` for `attempt`.

    A binding of it to the same application is taken over.

    Raises:
        ReferenceTaken: The reference is bound to another application.
    """
    for _ in range(_BIND_TRIES):
        with sessions() as session:
            session.add(PaymentReference(cycle=cycle, reference=reference,
                                         application_id=application_id, attempt=attempt,
                                         bound_at=datetime.now(UTC)))
            try:
                session.commit()
                return
            except IntegrityError:
                session.rollback()
            bound = session.get(PaymentReference, (cycle, reference))
            if bound is None:
                continue  # released in between: bind it again
            if bound.application_id != application_id:
                raise ReferenceTaken(reference)
            taken = session.exec(
                update(PaymentReference).where(
                    col(PaymentReference.cycle) == cycle,
                    col(PaymentReference.reference) == reference,
                    col(PaymentReference.application_id) == application_id,
                ).values(attempt=attempt)).rowcount
            session.commit()
            if taken:
                return
    raise ReferenceTaken(reference)


def release(sessions: SessionFactory, *, cycle: int, reference: str, attempt: str) -> bool:
    """Unbind a reference whose payment was refused, unless another attempt holds it now."""
    with sessions() as session:
        released = session.exec(
            delete(PaymentReference).where(
                col(PaymentReference.cycle) == cycle,
                col(PaymentReference.reference) == reference,
                col(PaymentReference.attempt) == attempt)).rowcount
        session.commit()
    return bool(released)

