"""DOC-1 and DOC-2 over HTTP: uploads to the object store, the list, the stored file, and a
reviewer's request for a document."""

from __future__ import annotations

import hashlib

import httpx

from daftar.domain.decisions import qualification_checklist
from daftar.domain.stages import Role
from tests.api.helpers import (
    Applicant,
    Stack,
    advance,
    auth,
    decide,
    get_app,
    open_cycle,
    register,
    rules_of,
)

PDF = b"%PDF-1.4\n% a degree certificate\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
QUAL = auth(Role.qualification_officer, sub="qual-5")


async def put(api: httpx.AsyncClient, app: Applicant, kind: str, data: bytes,
              headers: dict[str, str] | None = None,
              content_type: str = "application/pdf") -> httpx.Response:
    return await api.put(f"/v1/applications/{app.id}/documents/{kind}", content=data,
                         headers={**(headers or app.headers), "content-type": content_type})


async def test_the_applicant_uploads_the_documents_the_case_needs(
        api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1491
    await open_cycle(api, year, engine=stack.engine)
    app = await register(api, year)  # a man: the military service card too (GEN-3)
    other = await register(api, year)

    r = await api.get(f"/v1/applications/{app.id}/documents", headers=app.headers)
    assert r.status_code == 200, r.text
    listed = r.json()["documents"]
    assert [d["kind"] for d in listed] == ["degree", "national_card", "military_service",
                                           "no_criminal_record", "computer_certificate"]
    assert all(d["uploaded"] is None and d["verified"] is None for d in listed)

    # Refused from the bytes, not the name or the header; a document the case does not need.
    r = await put(api, app, "degree", b"GIF89a not a pdf")
    assert (r.status_code, rules_of(r)) == (422, ["DOC-1"])
    r = await put(api, app, "veteran_certificate", PDF)
    assert (r.status_code, rules_of(r)) == (422, ["DOC-1"])
    r = await put(api, app, "passport", PDF)
    assert (r.status_code, rules_of(r)) == (422, ["DOC-1"])
    r = await put(api, app, "degree", PDF, headers=other.headers)
    assert r.status_code == 403
    r = await put(api, app, "degree", PDF, headers=QUAL)
    assert r.status_code == 403

    r = await put(api, app, "degree", PDF, content_type="image/jpeg")  # the header is ignored
    assert r.status_code == 204, r.text
    r = await put(api, app, "national_card", JPEG)
    assert r.status_code == 204, r.text
    docs = {d["kind"]: d for d in (await api.get(
        f"/v1/applications/{app.id}/documents", headers=QUAL)).json()["documents"]}
    assert docs["degree"]["uploaded"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert docs["degree"]["uploaded"]["content_type"] == "application/pdf"
    assert docs["national_card"]["uploaded"]["content_type"] == "image/jpeg"
    assert docs["degree"]["rules"] == ["GEN-2", "EXP-1"]

    # The stored file: for the reviewers, not the applicant; each read in the access log.
    url = f"/v1/applications/{app.id}/documents/degree/content"
    assert (await api.get(url, headers=app.headers)).status_code == 403
    r = await api.get(url, headers=QUAL)
    assert (r.status_code, r.content, r.headers["content-type"]) == (
        200, PDF, "application/pdf")
    assert (await api.get(f"/v1/applications/{app.id}/documents/military_service/content",
                          headers=QUAL)).status_code == 404
    log = (await api.get("/v1/access-log", params={"application_id": app.id},
                         headers=auth(Role.auditor))).json()
    items = log["items"] if isinstance(log, dict) else log
    assert any(e["what"] == "document" and e["actor"] == "qual-5" for e in items)

    # The history records each upload's kind, hash, size and type.
    events = (await api.get(f"/v1/applications/{app.id}/history",
                            headers=auth(Role.auditor))).json()
    events = events["events"] if isinstance(events, dict) else events
    uploads = [e for e in events if e["kind"] == "document_uploaded"]
    assert [(e["details"]["kind"], e["details"]["sha256"], e["details"]["size"])
            for e in uploads] == [("degree", hashlib.sha256(PDF).hexdigest(), len(PDF)),
                                  ("national_card", hashlib.sha256(JPEG).hexdigest(),
                                   len(JPEG))]

    # A file altered in the store is reported, never served as the document.
    stack.objects.path(hashlib.sha256(PDF).hexdigest()).write_bytes(PDF + b"tampered")
    r = await api.get(url, headers=QUAL)
    assert (r.status_code, rules_of(r)) == (409, ["DOC-1"])


async def test_a_reviewer_asks_for_a_document_and_the_upload_returns_the_case(
        api: httpx.AsyncClient, stack: Stack) -> None:
    year = 1492
    await open_cycle(api, year, engine=stack.engine)
    app = await register(api, year)
    await advance(api, app, "awaiting_qualification")
    before = (await get_app(api, app, app.headers))["due_at"]
    path = f"/v1/applications/{app.id}/document-requests"
    body = {"kind": "degree", "reason": "The scan of the degree cannot be read.", "days": 5}
    r = await api.post(path, json=body, headers=auth(Role.interviewer))
    assert r.status_code == 403
    r = await api.post(path, json={**body, "kind": "veteran_certificate"}, headers=QUAL)
    assert (r.status_code, rules_of(r)) == (422, ["DOC-2"])
    r = await api.post(path, json=body, headers=QUAL)
    assert r.status_code == 200, r.text
    asked = r.json()
    assert asked["stage"] == "awaiting_applicant"
    assert (asked["request"]["kind"], asked["request"]["actor"], asked["request"]["stage"]) == (
        "degree", "qual-5", "awaiting_qualification")
    r = await decide(api, app, Role.qualification_officer, {
        "stage": "qualification", "outcome": "pass", "checks": {}})
    assert r.status_code in (409, 422)  # nothing to decide while the applicant is asked
    r = await api.post(path, json=body, headers=QUAL)
    assert r.status_code == 409  # asked already: the case is not at the stage

    r = await put(api, app, "national_card", JPEG)  # another kind: still waiting
    assert r.status_code == 204
    assert (await get_app(api, app, app.headers))["stage"] == "awaiting_applicant"
    r = await put(api, app, "degree", PDF)
    assert r.status_code == 204, r.text
    back = await get_app(api, app, QUAL)
    assert back["stage"] == "awaiting_qualification" and back["request"] is None
    assert back["claim"]["actor"] == "qual-5"  # claimed for the reviewer who asked
    assert back["due_at"]["at"] > before["at"]  # the SLA clock stood still meanwhile
    passed = {"stage": "qualification", "outcome": "pass",
              "checks": dict.fromkeys(qualification_checklist(male=True, veteran=False), True)}
    r = await decide(api, app, Role.qualification_officer, passed, sub="another-officer")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "claimed")
    r = await decide(api, app, Role.qualification_officer, passed, sub="qual-5")
    assert (r.status_code, r.json()["stage"]) == (200, "awaiting_security")
    docs = {d["kind"]: d for d in (await api.get(
        f"/v1/applications/{app.id}/documents", headers=QUAL)).json()["documents"]}
    assert docs["degree"]["verified"] is True  # GEN-2 and EXP-1 checked in the decision
