"""The payment gateway's call (docs/api.md "Integrity and access"): a reference pays one application
of a cycle (REG-2), and every answer carries only `{application_id, stage}`."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlmodel import Session

from daftar.domain.stages import Role
from daftar.store.payments import PaymentReference
from tests.api.helpers import (
    FEE,
    YEAR,
    Applicant,
    Stack,
    advance,
    auth,
    decide,
    get_app,
    pay,
    put_photo,
    register,
    rules_of,
)

#: What a gateway answer must never carry of the applicants these tests register.
PERSONAL = ("Parvaneh", "Kazemi", "Hooshang", "09127654321", "1370/01/01")


def reference() -> str:
    return f"GW-{uuid.uuid4().hex[:12]}"


async def photographed(api: httpx.AsyncClient) -> Applicant:
    app = await register(api, first_name="Parvaneh", last_name="Kazemi",
                         father_name="Hooshang", mobile="09127654321")
    assert (await put_photo(api, app)).status_code == 204
    return app


async def payment_of(api: httpx.AsyncClient, app: Applicant) -> str | None:
    """The reference the application's workflow recorded as its payment, if any."""
    paid = (await get_app(api, app, auth(Role.admin)))["payment"]
    return None if paid is None else str(paid["reference"])


def refused(r: httpx.Response, status: int = 409) -> list[str]:
    assert r.status_code == status, r.text
    return rules_of(r)


async def test_a_reference_pays_one_application(api: httpx.AsyncClient, cycle: int) -> None:
    first, second = await photographed(api), await photographed(api)
    ref = reference()
    r = await pay(api, first, reference=ref)
    assert r.status_code == 200, r.text
    assert r.json() == {"application_id": first.id, "stage": "awaiting_exam"}

    assert refused(await pay(api, second, reference=ref)) == ["REG-2"]
    assert await payment_of(api, second) is None
    assert (await get_app(api, second, auth(Role.admin)))["stage"] == "awaiting_payment"

    # The gateway's retry on the application the reference paid still answers as before.
    again = await pay(api, first, reference=ref)
    assert again.status_code == 200, again.text
    assert again.json() == r.json()
    assert await payment_of(api, first) == ref


async def test_concurrent_uses_of_one_reference_pay_one_application(
        api: httpx.AsyncClient, cycle: int) -> None:
    apps = list(await asyncio.gather(*(photographed(api) for _ in range(4))))
    ref = reference()
    answers = await asyncio.gather(*(pay(api, app, reference=ref) for app in apps))
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409], [
        r.text for r in answers]
    paid = [await payment_of(api, app) for app in apps]
    assert paid == [ref if r.status_code == 200 else None for r in answers]


async def test_a_refused_payment_does_not_lose_the_reference(
        api: httpx.AsyncClient, cycle: int) -> None:
    first, second = await photographed(api), await photographed(api)
    ref = reference()
    # A wrong amount is refused; the same application's correct retry goes through.
    assert refused(await pay(api, first, reference=ref, amount=FEE - 1), 422) == ["REG-2"]
    r = await pay(api, first, reference=ref)
    assert r.status_code == 200, r.text

    # Refused on one application, a reference is given back: it may pay another, and then
    # it is that one's, so the first one's correct retry is refused (one application paid).
    other = reference()
    third = await photographed(api)
    assert refused(await pay(api, third, reference=other, amount=FEE + 1), 422) == ["REG-2"]
    assert (await pay(api, second, reference=other)).status_code == 200
    assert refused(await pay(api, third, reference=other)) == ["REG-2"]
    assert (await payment_of(api, second), await payment_of(api, third)) == (other, None)


async def test_a_reference_refused_as_a_second_payment_stays_free(
        api: httpx.AsyncClient, cycle: int) -> None:
    first, second = await photographed(api), await photographed(api)
    assert (await pay(api, first, reference=reference())).status_code == 200
    spare = reference()
    r = await pay(api, first, reference=spare)  # the fee is paid already
    assert refused(r) == ["REG-2"] and r.json()["error"]["code"] == "duplicate"
    assert (await pay(api, second, reference=spare)).status_code == 200
    assert await payment_of(api, second) == spare


async def test_the_binding_is_stored_once_per_cycle_and_reference(
        api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    app = await photographed(api)
    ref = reference()
    assert (await pay(api, app, reference=ref)).status_code == 200
    assert (await pay(api, app, reference=ref)).status_code == 200
    with Session(stack.engine) as session:
        row = session.get(PaymentReference, (YEAR, ref))
    assert row is not None and row.application_id == app.id


async def test_the_gateway_learns_nothing_of_the_applicant(
        api: httpx.AsyncClient, cycle: int) -> None:
    app = await photographed(api)
    ref = f"PAY-{app.id}"  # the reference `advance` pays with
    await advance(api, app, "awaiting_security")
    r = await decide(api, app, Role.security_officer,
                     {"stage": "security", "outcome": "fail", "reason": "confidential finding"})
    assert r.status_code == 200 and r.json()["stage"] == "rejected", r.text

    answers = [await pay(api, app, reference=ref), await pay(api, app, reference=reference()),
               await pay(api, app, reference=ref, amount=FEE - 1)]
    retry, second, wrong_amount = answers
    assert retry.status_code == 200, retry.text
    assert retry.json() == {"application_id": app.id, "stage": "other"}
    assert refused(second) == ["REG-2"]
    assert refused(wrong_amount) == ["REG-2"]
    for r in answers:
        for secret in (*PERSONAL, app.national_id, app.tracking_code, "SEC-1", "security",
                       "confidential", "rejected"):
            assert secret not in r.text, (secret, r.text)
    for r in answers[1:]:
        assert ref not in r.text, r.text  # not the reference that paid


async def test_the_answer_is_documented_as_two_fields(api: httpx.AsyncClient) -> None:
    document = (await api.get("/openapi.json")).json()
    ok = document["paths"]["/v1/applications/{app_id}/payment"]["post"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = document["components"]["schemas"][ref]
    assert set(schema["properties"]) == {"application_id", "stage"}
