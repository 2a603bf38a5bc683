"""The JSON log of one applicant's path, from the workflow, its activities and the API:
every line about the applicant names it (workflow id, run id, application id, stage, actor)
and no line holds their national id, names, mobile number or a security reason (DESIGN.md #10).

On the time-skipping server: the worker runs in this process, so its lines land in the buffer.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from daftar.app import create_app
from daftar.core.settings import Settings
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.services.auth import issue_token
from tests.logcapture import captured_logs
from tests.workflows.conftest import Harness
from tests.workflows.steps import decide, exam, register, state

SECRET = "logs-test-signing-secret-0123456789abcdefghijklmnopqrstuvwxyz"
PERSON: dict[str, Any] = {
    "first_name": "Parvaneh", "last_name": "Zarrinkoob", "father_name": "Kambiz",
    "mobile": "09127654321", "birth_date": "1368/02/03"}
SECURITY_REASON = "Seen with a forged stamp at the Qazvin registry"
UNKNOWN = "0123456789abcdef"


def bearer(sub: str, role: Role) -> dict[str, str]:
    token = issue_token(SECRET, sub=sub, roles=[role], ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


async def test_every_line_about_an_applicant_names_it_and_holds_no_personal_data(
        harness: Harness) -> None:
    settings = Settings(jwt_secret=SecretStr(SECRET), id_key=SecretStr("logs-test-id-key"),
                        task_queue=harness.task_queue)
    app = create_app(settings, client=harness.env.client, engine=harness.engine)
    with captured_logs() as buffer:
        h = await harness.start(**PERSON)
        national_id = (await state(h)).national_id
        app_id = (await state(h)).application_id
        path = f"/v1/applications/{app_id}"
        async with (app.router.lifespan_context(app),
                    httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                      base_url="http://daftar") as api):
            await register(h)
            await exam(h)
            r = await api.post(f"{path}/decisions", headers=bearer("interviewer-7",
                                                                    Role.interviewer),
                               json={"stage": "interview", "outcome": "pass", "score": 80})
            assert r.status_code == 200, r.text
            await decide(h, DecisionStage.qualification)
            r = await api.get(path, headers=bearer(app_id, Role.applicant))
            assert r.status_code == 200, r.text
            assert (await api.get(path)).status_code == 401
            assert (await api.get(f"/v1/applications/{UNKNOWN}",
                                  headers=bearer("admin-1", Role.admin))).status_code == 404
            r = await api.post(f"{path}/decisions", headers=bearer("security-3",
                                                                    Role.security_officer),
                               json={"stage": "security", "outcome": "fail",
                                     "reason": SECURITY_REASON})
            assert r.status_code == 200, r.text
            final = await h.result()
    assert final.stage == Stage.rejected
    text = buffer.getvalue()
    lines: list[dict[str, Any]] = [json.loads(line) for line in text.splitlines()]
    run_id = h.result_run_id

    # No personal data anywhere, in any line.
    for secret in (national_id, *PERSON.values(), SECURITY_REASON):
        assert secret not in text, secret

    # Every line that mentions the application carries its ids, whatever wrote it.
    # (Not the test's own HTTP client, which logs each URL it calls.)
    about = [line for line in lines
             if app_id in json.dumps(line) and line["logger"] != "httpx"]
    assert about
    for line in about:
        assert (line.get("application_id"), line.get("workflow_id")) == (app_id, h.id), line

    # The workflow's own lines: one per stage change, with the run, the stage and who moved it.
    moves = [line for line in about if line["logger"] == "temporalio.workflow"]
    assert [(m["stage"], m["actor"]) for m in moves] == [
        (Stage.awaiting_exam, app_id),  # the photo completed the registration
        (Stage.awaiting_interview, "exam_officer-1"),
        (Stage.awaiting_qualification, "interviewer-7"),
        (Stage.awaiting_security, "qualification_officer-1"),
        (Stage.rejected, "security-3"),
    ]
    for m in moves:
        assert m["run_id"] == run_id and m["workflow_type"] == "ApplicantWorkflow", m
        assert m["event"] == f"stage {m['stage']}" and m["update_name"], m

    # The read-model activity: each write, with the workflow run it works for.
    records = [line for line in about if line["logger"] == "daftar.records"]
    assert records and records[-1]["stage"] == Stage.rejected
    for line in records:
        assert line["run_id"] == run_id and line["actor"] == "system" and line["stage"], line
        assert line["activity_type"] == "record_application", line

    # The API: one line per request, the route template, the caller where it was verified,
    # and the stage (and, after an update, the run) that Temporal's reply named.
    requests = [line for line in about if line["logger"] == "daftar.api.access"]
    assert [(r["method"], r["route"], r["status"], r.get("actor"), r.get("stage"),
             r.get("run_id")) for r in requests] == [
        ("POST", "/v1/applications/{app_id}/decisions", 200, "interviewer-7",
         "awaiting_qualification", run_id),
        ("GET", "/v1/applications/{app_id}", 200, app_id, "awaiting_security", None),
        ("GET", "/v1/applications/{app_id}", 401, None, None, None),
        ("POST", "/v1/applications/{app_id}/decisions", 200, "security-3", "rejected",
         run_id),
    ]
    assert all(r["request_id"] for r in requests)
    assert len({r["request_id"] for r in requests}) == len(requests)
    unknown = [line for line in lines if line.get("application_id") == UNKNOWN]
    assert [(u["status"], u["actor"], u["roles"]) for u in unknown] == [(404, "admin-1",
                                                                          ["admin"])]

    # Lines about no applicant carry no applicant fields left over from another request.
    for line in lines:
        if line not in about and line not in unknown:
            assert "application_id" not in line, line


async def test_a_deadline_move_is_logged_as_the_system(harness: Harness) -> None:
    with captured_logs() as buffer:
        h = await harness.start(window_days=1)
        final = await h.result()  # time skips to the window's end: never paid (REG-2)
    assert final.stage == Stage.incomplete
    moves = [line for line in map(json.loads, buffer.getvalue().splitlines())
             if line["logger"] == "temporalio.workflow"]
    assert [(m["stage"], m["actor"], m["application_id"], m["workflow_id"]) for m in moves] == [
        (Stage.incomplete, "system", final.application_id, h.id)]
    assert "update_name" not in moves[0]
