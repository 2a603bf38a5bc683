"""`GET /v1/notifications`: NOTE-1's outbox for admins and auditors, numbers masked."""

from __future__ import annotations

import httpx

from daftar.contracts.notices import NoticeEvent
from daftar.domain.notices import mask_mobile
from daftar.domain.stages import Role
from tests.api.helpers import Stack, auth
from tests.outbox import Refusing, application_id, deliver, notice

FIELDS = {"key", "application_id", "tracking_code", "event", "channel", "to", "template", "text",
          "status", "attempts", "last_error", "created_at", "sent_at", "sent_at_jalali"}


async def test_the_outbox_of_an_application(api: httpx.AsyncClient, stack: Stack) -> None:
    app = application_id()
    registered = notice(app, NoticeEvent.registered, cycle="1405")
    failed = notice(app, NoticeEvent.stage_failed, to=registered.mobile, stage="security",
                    reason="محرمانه")
    masked = mask_mobile(registered.mobile)
    assert masked == f"{registered.mobile[:4]}***{registered.mobile[-4:]}"
    await deliver(stack.engine, registered)
    await deliver(stack.engine, registered)  # once, whatever the retries
    await deliver(stack.engine, failed, provider=Refusing())
    await deliver(stack.engine, notice(application_id(), NoticeEvent.withdrawn))  # another's

    for role in (Role.admin, Role.auditor):
        r = await api.get("/v1/notifications", params={"application_id": app},
                          headers=auth(role))
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["total"], body["page"], body["size"]) == (2, 1, 50)
        items = {i["key"]: i for i in body["items"]}
        assert [i["key"] for i in body["items"]] == [failed.key, registered.key]  # newest first
        assert all(set(i) == FIELDS for i in body["items"])
        sent, refused = items[registered.key], items[failed.key]
        assert (sent["event"], sent["channel"], sent["to"], sent["template"]) == (
            "registered", "sms", masked, "registered.v1")
        assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 1, None)
        assert sent["sent_at"] and sent["sent_at_jalali"]
        assert "۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۷۷۷۷" in sent["text"]
        assert (refused["status"], refused["attempts"], refused["sent_at"]) == ("failed", 1, None)
        assert refused["last_error"] == "Kavenegar 418: اعتبار حساب کافی نمی باشد"
        assert "بررسی امنیتی" in refused["text"] and "محرمانه" not in refused["text"]
        assert registered.mobile not in r.text

    r = await api.get("/v1/notifications", params={"application_id": app, "status": "failed"},
                      headers=auth(Role.admin))
    assert [i["key"] for i in r.json()["items"]] == [failed.key]
    r = await api.get("/v1/notifications", params={"status": "failed", "size": 500},
                      headers=auth(Role.admin))
    assert failed.key in {i["key"] for i in r.json()["items"]}
    assert {i["status"] for i in r.json()["items"]} == {"failed"}


async def test_refusals(api: httpx.AsyncClient, stack: Stack) -> None:
    r = await api.get("/v1/notifications", params={"status": "lost"}, headers=auth(Role.admin))
    assert r.status_code == 422
    for role in (Role.interviewer, Role.security_officer, Role.payment_gateway):
        r = await api.get("/v1/notifications", headers=auth(role))
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = await api.get("/v1/notifications")
    assert r.status_code == 401
