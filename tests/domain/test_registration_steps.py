"""REG-2 beyond refusals: when a registration completes, what its window's end does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from daftar.contracts.state import ApplicationState, Payment, Photo
from daftar.domain.stages import Stage
from daftar.domain.transitions import registration_complete, window_closed_outcome
from tests.factories import form

AT = datetime(2026, 12, 1, tzinfo=UTC)
PAID = Payment(reference="ref-1", amount_rials=1_000_000, at=AT)
PHOTO = Photo(sha256="0" * 64, width=300, height=400, size=40_000, at=AT)


def state(stage: Stage = Stage.awaiting_payment, **fields: object) -> ApplicationState:
    return ApplicationState.model_validate({
        "application_id": "0123456789abcdef", "tracking_code": "1" * 20, "cycle": 1405,
        "stage": stage, "form": form(), "national_id": "0013542419", "registered_at": AT,
        "stage_entered_at": AT, **fields})


@pytest.mark.parametrize(("payment", "photo", "complete"), [
    (None, None, False), (PAID, None, False), (None, PHOTO, False), (PAID, PHOTO, True)])
def test_a_registration_completes_with_both_fee_and_photo(
        payment: Payment | None, photo: Photo | None, complete: bool) -> None:
    assert registration_complete(state(payment=payment, photo=photo)) is complete


def test_the_window_end_leaves_an_unfinished_registration_incomplete_under_reg_2() -> None:
    assert window_closed_outcome(state(payment=PAID)) == (Stage.incomplete, ["REG-2"])


@pytest.mark.parametrize("stage", [s for s in Stage if s is not Stage.awaiting_payment])
def test_the_window_end_changes_nothing_past_registration(stage: Stage) -> None:
    assert window_closed_outcome(state(stage)) is None
