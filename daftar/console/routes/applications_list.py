"""The admin's list of a cycle's applications, by stage, province and city.

The dashboard's stage × province cells open it; each row leads to the application's page. A page
at a time, from `daftar.services.cycle_applications`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from daftar.console.deps import ViewerDep, in_session, need, router
from daftar.console.render import page
from daftar.domain.places import city_label
from daftar.domain.stages import Role, Stage
from daftar.services.cycle_applications import Listing, cycle_applications

routes = router()

PAGE_SIZE = 50
STAGES = [s.value for s in Stage]
Text = Annotated[str | None, Query(max_length=100)]


@routes.get("/applications")
async def applications(request: Request, who: ViewerDep,
                       cycle: Annotated[int | None, Query(ge=1, le=9999)] = None,
                       stage: Annotated[str | None, Query(max_length=32)] = None,
                       province: Text = None, city: Text = None,
                       page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
                       ) -> Response:
    """The cycle's applications at `stage` in `province` and `city` (each optional)."""
    need(who, Role.admin, Role.auditor)
    stage = stage if stage in STAGES else None
    found: Listing = await asyncio.to_thread(
        in_session, request, lambda s: cycle_applications(s, cycle, stage, province, city,
                                                          page=page_no, size=PAGE_SIZE))
    params: dict[str, Any] = {"cycle": found.cycle, "stage": stage, "province": province,
                              "city": city}
    return page(request, "applications_list.html", viewer=who, title="فهرست پرونده‌ها",
                found=found, params=params, stages=STAGES, page_no=page_no,
                pages=max(1, -(-found.total // PAGE_SIZE)), city_name=city_label)
