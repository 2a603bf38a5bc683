"""Custom search attributes, so admins filter applications in the Temporal Web UI.

Stage, cycle, province and quota only: never a national id or a name (README: "Personal data in
Temporal").
"""

from __future__ import annotations

from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

from daftar.contracts.state import ApplicationState
from daftar.domain.registration import RegistrationForm, quota_label
from daftar.domain.stages import Stage

STAGE = SearchAttributeKey.for_keyword("DaftarStage")
CYCLE = SearchAttributeKey.for_int("DaftarCycle")
PROVINCE = SearchAttributeKey.for_keyword("DaftarProvince")
QUOTA = SearchAttributeKey.for_keyword("DaftarQuota")
ALL_KEYS: tuple[SearchAttributeKey[str] | SearchAttributeKey[int], ...] = (
    STAGE, CYCLE, PROVINCE, QUOTA)



def updates(
        state: ApplicationState,
) -> list[SearchAttributeUpdate[str] | SearchAttributeUpdate[int]]:
    """The attributes after a transition."""
    return [
        STAGE.value_set(state.stage.value),
        CYCLE.value_set(state.cycle),
        PROVINCE.value_set(state.form.province),
        QUOTA.value_set(quota_label(state.form.quota)),
    ]


def initial_attributes(cycle: int, form: RegistrationForm) -> TypedSearchAttributes:
    """The attributes a new application's workflow starts with."""
    return TypedSearchAttributes([
        SearchAttributePair(STAGE, Stage.awaiting_payment.value),
        SearchAttributePair(CYCLE, cycle),
        SearchAttributePair(PROVINCE, form.province),
        SearchAttributePair(QUOTA, quota_label(form.quota)),
    ])
