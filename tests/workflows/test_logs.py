"""The JSON log of one applicant's path, from the workflow, its activities and the API:
every line about the applicant names it (workflow id, run id, application id, stage, actor)
and no line holds their national id, names, mobile number or a security reason (README: "Metrics
and logs").

On the time-skipping server: the worker runs in this process, so its lines land in the buffer.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from daftar.app import create_app
from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.services.auth import issue_token
from tests.logcapture import captured_logs
from tests.stacks import api_settings, running_worker
from tests.workflows.conftest import Harness
from tests.workflows.steps import decide, ended, exam, register, state

SECRET = "logs-test-signing-secret-0123456789abcdefghijklmnopqrstuvwxyz"
PERSON: dict[str, Any] = {
    "first_name": "Parvaneh", "last_name": "Zarrinkoob", "father_name": "Kambiz",
    "mobile": "09127654321", "birth_date": "1368/02/03"}
SECURITY_REASON = "Seen with a forged stamp at the Qazvin registry"
UNKNOWN = "0123456789abcdef"


def bearer(sub: str, role: Role) -> dict[str, str]:
    token = issue_token(SECRET, sub=sub, roles=[role], ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


@dataclass
class PathLog:
    """The JSON log of one applicant's path to a security rejection, and who it was about."""

    text: str
    app_id: str
    national_id: str
    workflow_id: str
    run_id: str
    final: Stage

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    @property
    def about(self) -> list[dict[str, Any]]:
        """Every line that mentions the application (not the test's own HTTP client's, which
        logs each URL it calls)."""
        return [line for line in self.lines
                if self.app_id in json.dumps(line) and line["logger"] != "httpx"]

    @property
    def unknown(self) -> list[dict[str, Any]]:
        """The lines about the unknown application the admin asked for."""
        return [line for line in self.lines if line.get("application_id") == UNKNOWN]


@pytest.fixture(scope="module")
async def path_log(env: WorkflowEnvironment, engine: Engine) -> PathLog:
    """One applicant walked to a security rejection, by the workflow's updates and the API."""
    queue = f"logs-{uuid.uuid4().hex[:8]}"
    async with running_worker(env.client, engine, task_queue=queue):
        harness = Harness(env=env, engine=engine, task_queue=queue)
        try:
            return await _walk(harness)
        finally:
            await harness.stop_all()


async def _walk(harness: Harness) -> PathLog:
    settings = api_settings(harness.task_queue, secret=SECRET, id_key="logs-test-id-key",
                            codec_keys=None)
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
            closed = await ended(h)
    return PathLog(text=buffer.getvalue(), app_id=app_id, national_id=national_id,
                   workflow_id=h.id, run_id=h.result_run_id or "", final=closed.stage)


def test_the_path_ends_rejected_at_security(path_log: PathLog) -> None:
    assert path_log.final == Stage.rejected


def test_no_line_holds_personal_data(path_log: PathLog) -> None:
    # No personal data anywhere, in any line.
    for secret in (path_log.national_id, *PERSON.values(), SECURITY_REASON):
        assert secret not in path_log.text, secret


def test_every_line_about_the_applicant_names_it(path_log: PathLog) -> None:
    # Every line that mentions the application carries its ids, whatever wrote it.
    about = path_log.about
    assert about
    for line in about:
        assert (line.get("application_id"), line.get("workflow_id")) == (
            path_log.app_id, path_log.workflow_id), line


def test_the_workflow_logs_each_stage_change_with_its_run_and_actor(path_log: PathLog) -> None:
    # The workflow's own lines: one per stage change, with the run, the stage and who moved it.
    app_id = path_log.app_id
    moves = [line for line in path_log.about if line["logger"] == "temporalio.workflow"]
    assert [(m["stage"], m["actor"]) for m in moves] == [
        (Stage.awaiting_exam, app_id),  # the photo completed the registration
        (Stage.awaiting_interview, "exam_officer-1"),
        (Stage.awaiting_qualification, "interviewer-7"),
        (Stage.awaiting_security, "qualification_officer-1"),
        (Stage.rejected, "security-3"),
    ]
    for m in moves:
        assert m["run_id"] == path_log.run_id and m["workflow_type"] == "ApplicantWorkflow", m
        assert m["event"] == f"stage {m['stage']}" and m["update_name"], m


def test_the_read_model_activity_logs_each_write_with_its_run(path_log: PathLog) -> None:
    # The read-model activity: each write, with the workflow run it works for.
    records = [line for line in path_log.about if line["logger"] == "daftar.records"]
    assert records and records[-1]["stage"] == Stage.rejected
    for line in records:
        assert line["run_id"] == path_log.run_id and line["actor"] == "system" \
            and line["stage"], line
        assert line["activity_type"] == "record_application", line


def test_the_api_logs_each_request_with_its_route_caller_and_stage(path_log: PathLog) -> None:
    # The API: one line per request, the route template, the caller where it was verified,
    # and the stage (and, after an update, the run) that Temporal's reply named.
    app_id, run_id = path_log.app_id, path_log.run_id
    requests = [line for line in path_log.about if line["logger"] == "daftar.api.access"]
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


def test_a_request_for_an_unknown_application_is_logged_with_its_caller(
        path_log: PathLog) -> None:
    assert [(u["status"], u["actor"], u["roles"]) for u in path_log.unknown] == [
        (404, "admin-1", ["admin"])]


def test_lines_about_no_applicant_carry_no_applicant_fields(path_log: PathLog) -> None:
    # Lines about no applicant carry no applicant fields left over from another request.
    about, unknown = path_log.about, path_log.unknown
    for line in path_log.lines:
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
