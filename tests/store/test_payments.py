"""Payment references bound to the one application each pays (REG-2)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from daftar.store.db import SessionFactory
from daftar.store.payments import PaymentReference, ReferenceTaken, bind, release


def holder(sessions: SessionFactory, cycle: int, reference: str) -> PaymentReference | None:
    with sessions() as s:
        return s.get(PaymentReference, (cycle, reference))


def test_a_reference_binds_one_application_of_a_cycle(sessions: SessionFactory) -> None:
    bind(sessions, cycle=1405, reference="R", application_id="a", attempt="1")
    with pytest.raises(ReferenceTaken):
        bind(sessions, cycle=1405, reference="R", application_id="b", attempt="2")
    bind(sessions, cycle=1406, reference="R", application_id="b", attempt="3")  # another cycle
    bound = holder(sessions, 1405, "R")
    assert bound is not None and (bound.application_id, bound.attempt) == ("a", "1")


def test_a_retry_takes_the_binding_over(sessions: SessionFactory) -> None:
    bind(sessions, cycle=1405, reference="R", application_id="a", attempt="first")
    bind(sessions, cycle=1405, reference="R", application_id="a", attempt="retry")
    # The first attempt's refusal no longer releases it: the retry may have paid.
    assert not release(sessions, cycle=1405, reference="R", attempt="first")
    assert holder(sessions, 1405, "R") is not None
    assert release(sessions, cycle=1405, reference="R", attempt="retry")
    assert holder(sessions, 1405, "R") is None
    bind(sessions, cycle=1405, reference="R", application_id="b", attempt="later")


def test_concurrent_binds_of_one_reference_let_one_through(sessions: SessionFactory) -> None:
    def attempt(app: str) -> bool:
        try:
            bind(sessions, cycle=1405, reference="R", application_id=app, attempt=app)
        except ReferenceTaken:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, [f"app-{i}" for i in range(8)]))
    assert outcomes.count(True) == 1
    bound = holder(sessions, 1405, "R")
    assert bound is not None and outcomes[int(bound.application_id[4:])]
