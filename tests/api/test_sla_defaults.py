"""The operator's SLA defaults (`DAFTAR_SLA_DAYS`) fill the stages a new cycle leaves out."""

from __future__ import annotations

import httpx

from daftar.app import create_app
from daftar.domain.stages import Role
from tests.api.helpers import FEE, Stack, auth
from tests.stacks import api_settings, serving

YEAR = 1411


async def test_a_cycle_takes_the_operators_defaults_for_stages_it_leaves_out(
        stack: Stack) -> None:
    settings = api_settings(stack.task_queue, sla_days={"security": 45, "licence": 7})
    app = create_app(settings, client=stack.env.client, engine=stack.engine)
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as api:
        r = await api.post("/v1/cycles", headers=auth(Role.admin), json={
            "year": YEAR, "registration_start": "1411/01/15",
            "registration_end": "1411/01/25", "fee_rials": FEE,
            "sla_days": {"licence": 10},
            "cities": [{"province": "Tehran", "city": "Tehran", "capacity": 5,
                        "priority": 1}]})
        assert r.status_code == 201, r.text
        assert r.json()["config"]["sla_days"] == {
            "interview": 30, "qualification": 14, "security": 45, "licence": 10}
        bad = await api.post("/v1/cycles", headers=auth(Role.admin), json={
            "year": YEAR + 1, "registration_start": "1412/01/15",
            "registration_end": "1412/01/25", "fee_rials": FEE,
            "sla_days": {"lunch": 3},
            "cities": [{"province": "Tehran", "city": "Tehran", "capacity": 5,
                        "priority": 1}]})
        assert bad.status_code == 422
        assert "unknown SLA stages ['lunch']" in bad.json()["error"]["rules"][0]["message"]


