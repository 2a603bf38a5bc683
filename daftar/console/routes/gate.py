"""The gate of the Temporal Web UI in the production stack.

The stack's reverse proxy (deploy/proxy/Caddyfile) asks this endpoint about every request to
the UI, passing on the browser's cookies, and lets the request through only on a 204. The UI
shows every applicant's workflow history, so it is for the two roles the API lets read any
workflow's history (docs/api.md, `GET /v1/applications/{id}/history`): admins, who watch every
applicant's stage, and auditors, who read, export and replay each history. Reviewers decide
their own stage's cases in the console; the UI would show them every other stage too. Even
admitted, nobody moves a workflow there: the UI is read-only, and only auditors and security
officers get payloads decoded (the API's codec endpoint).
"""

from __future__ import annotations

import asyncio
import re

import structlog
from fastapi import Request
from fastapi.responses import Response

from daftar.console.deps import need, router
from daftar.console.session import SignInRequired, viewer
from daftar.contracts.ids import applicant_workflow_id
from daftar.domain.stages import Role
from daftar.services.access_log import record_read

routes = router()

#: The staff roles that may open the Temporal Web UI.
TEMPORAL_UI_ROLES = (Role.admin, Role.auditor)
#: The proxy asks about every request: nothing in between may keep an answer.
_NO_STORE = {"Cache-Control": "no-store"}


@routes.get("/gate/temporal-ui")
async def temporal_ui(request: Request) -> Response:
    """204 for a valid console session of an admitted role.

    401 without a valid session (the proxy sends the browser to sign-in); 403, as the console's
    page, for another role.
    """
    try:
        who = viewer(request)
    except SignInRequired as refused:
        return Response(status_code=401, headers={**_NO_STORE, "X-Daftar-Refusal": refused.code})
    need(who, *TEMPORAL_UI_ROLES)
    app_id = _history_read(request.headers.get("x-forwarded-uri", ""))
    if app_id is not None:
        # The UI is about to show an applicant's history: the access log records it first,
        # like every other staff read of personal data.
        request_id = str(structlog.contextvars.get_contextvars().get("request_id", ""))
        await asyncio.to_thread(record_read, request.app.state.sessions,
                                actor=who.principal.sub,
                                roles=[r.value for r in who.principal.roles],
                                application_id=app_id, what="temporal-ui:history",
                                request_id=request_id)
    return Response(status_code=204, headers=_NO_STORE)


#: The UI's call for one workflow's event history, under the proxy's prefix.
_HISTORY = re.compile(r"/api/v1/namespaces/[^/]+/workflows/"
                      + re.escape(applicant_workflow_id("")) + r"([0-9a-f]{1,32})/history\b")


def _history_read(uri: str) -> str | None:
    """The application whose history the UI request `uri` (from the proxy) fetches."""
    found = _HISTORY.search(uri.split("?", 1)[0])
    return found.group(1) if found else None
