"""A cycle's typed configuration: stored once as JSON, read back as CycleConfig."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import pytest
from sqlmodel import Session

from daftar.core.errors import ServiceError
from daftar.core.settings import Settings
from daftar.services.cycles import KnownCycle, create_cycle, load_cycle, stored_config
from daftar.services.schemas_cycle import DEFAULT_CLAIM_HOURS, CycleConfig, CycleCreate
from daftar.services.scoring import scoring_config
from daftar.store.db import create_schema, make_engine, session_factory

BODY = {"year": 1405, "registration_start": "1405/01/10", "registration_end": "1405/02/10",
        "exam_date": "1405/03/01", "fee_rials": 5_000_000, "sla_days": {"interview": 7},
        "cities": [{"province": "Tehran", "city": "Tehran", "capacity": 10, "priority": 1,
                    "neighbours": [{"province": "Isfahan", "city": "Isfahan"}]},
                   {"province": "Isfahan", "city": "Isfahan", "capacity": 5, "priority": 2}]}


def _config(**overrides: object) -> CycleConfig:
    body = CycleCreate.model_validate({**BODY, **overrides})
    return CycleConfig.model_validate(stored_config(body, Settings()))


def test_stored_config_reads_back_typed() -> None:
    config = _config()
    assert config.year == 1405
    assert config.fee_rials == 5_000_000
    assert config.registration_start == "1405/01/10"
    assert config.exam_date == "1405/03/01"
    assert config.veteran_share == Decimal("0.30")
    assert config.group_weights == {"general": Decimal("0.4"), "specialised": Decimal("0.6")}
    assert config.taraz_scale == Decimal(2000)
    assert [s.code for s in config.subjects][:2] == ["civil_law", "civil_procedure"]
    assert config.places == [("Tehran", "Tehran"), ("Isfahan", "Isfahan")]
    assert config.cities[0].neighbours[0].city == "Isfahan"
    assert config.claim_hours == 2


def test_sla_days_take_the_operators_default_for_stages_left_out() -> None:
    config = _config()
    defaults = Settings().sla_days
    assert config.sla_days == {**defaults, "interview": 7}


def test_a_row_written_before_claim_hours_reads_the_default() -> None:
    stored = stored_config(CycleCreate.model_validate(BODY), Settings())
    del stored["claim_hours"]
    stored["added_later"] = "ignored"  # keys of a later version do not break an older reader
    config = CycleConfig.model_validate(stored)
    assert config.claim_hours == DEFAULT_CLAIM_HOURS


def test_scoring_config_from_the_cycle_and_a_confirmed_scale() -> None:
    cycle = KnownCycle(year=1405, config=_config(taraz_scale="1000"), stored={})
    assert scoring_config(cycle).scale == Decimal(1000)
    assert scoring_config(cycle, Decimal(3000)).scale == Decimal(3000)
    assert len(scoring_config(cycle).subjects) == 8


def test_window_is_the_stored_days_in_tehran() -> None:
    opens, closes = KnownCycle(year=1405, config=_config(), stored={}).window()
    assert opens < closes
    assert opens.tzinfo is not None and opens.astimezone(UTC) == opens


def test_create_then_load_and_refuse_a_second() -> None:
    engine = make_engine("sqlite://")
    create_schema(engine)
    sessions = session_factory(engine)
    body = CycleCreate.model_validate(BODY)
    with sessions() as session:
        view = create_cycle(session, Settings(), body)
    assert view.year == 1405 and view.counts == {}
    assert view.config["sla_days"]["interview"] == 7  # the view shows the row as stored
    with sessions() as session:
        cycle = load_cycle(session, 1405)
        assert cycle.config.fee_rials == 5_000_000
        assert cycle.stored == view.config
        with pytest.raises(ServiceError) as again:
            create_cycle(session, Settings(), body)
        assert again.value.status == 409
        with pytest.raises(ServiceError) as unknown:
            load_cycle(session, 1406)
        assert unknown.value.status == 404
    engine.dispose()


def test_an_inconsistent_cycle_names_its_rules() -> None:
    body = CycleCreate.model_validate({**BODY, "registration_end": "1404/12/01"})
    # No schema: the rules are checked before the database is touched.
    with Session(make_engine("sqlite://")) as session, pytest.raises(ServiceError) as refused:
        create_cycle(session, Settings(), body)
    assert refused.value.status == 422
    assert any(v.rule == "REG-1" for v in refused.value.rules)
