"""The one translator the API and the console share, by exception type."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from daftar.core.errors import ServiceError
from daftar.domain.stages import DecisionStage, Role
from daftar.domain.transitions import decision_role_refusal
from daftar.services import decisions
from daftar.services.auth import Principal
from daftar.services.errors import invalid_request, refused, translate
from daftar.services.schemas import DecisionBody


def test_a_service_error_is_itself() -> None:
    err = ServiceError(409, "wrong_stage", "no")
    assert translate(err) is err


def test_temporal_and_the_database_unreachable_are_503() -> None:
    temporal = translate(RuntimeError("Failed client connect: connection refused"))
    database = translate(OperationalError("SELECT 1", {}, Exception("down")))
    assert temporal is not None and (temporal.status, temporal.code) == (503, "unavailable")
    assert database is not None and (database.status, database.code) == (503, "unavailable")
    assert temporal.retry_after and database.retry_after


def test_a_failure_of_ours_is_left_to_the_caller() -> None:
    assert translate(RuntimeError("something else")) is None
    assert translate(KeyError("x")) is None


def test_schema_errors_name_their_fields_rules() -> None:
    err = invalid_request([
        {"loc": ("body", "national_id"), "msg": "bad", "type": "value_error"},
        {"loc": ("query", "page"), "msg": "too big", "type": "less_than_equal"},
        {"loc": ("body", 12), "msg": "broken", "type": "json_invalid"}])
    assert err.status == 422 and err.code == "invalid_request"
    assert [(v.rule, v.field) for v in err.rules] == [
        ("REG-5", "national_id"), ("REQUEST", "page"), ("REQUEST", None)]


def test_a_domain_refusal_keeps_the_workflows_status_and_rule() -> None:
    refusal = decision_role_refusal([Role.interviewer], DecisionStage.security)
    assert refusal is not None
    err = refused(refusal)
    assert (err.status, err.code) == (403, "forbidden")
    assert [v.rule for v in err.rules] == ["SEC-1"]


class _NoWorkflow:
    """A gateway that must not be reached."""

    async def update(self, *args: Any) -> Any:
        raise AssertionError("sent to the workflow")


def test_the_wrong_role_is_refused_before_the_workflow() -> None:
    who = Principal(sub="ali", roles=[Role.interviewer])
    body = DecisionBody(stage=DecisionStage.qualification, outcome="pass")
    with pytest.raises(ServiceError) as err:
        asyncio.run(decisions.decide(_NoWorkflow(), who, "abc", body))  # type: ignore[arg-type]
    assert err.value.status == 403
    assert [v.rule for v in err.value.rules] == ["QUAL-1"]
