"""`daftar history verify` on archives built by hand: any altered, missing or added file."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from daftar.commands.history import register as add_history_parser
from daftar.commands.history import run_history
from daftar.core.settings import Settings
from daftar.services.archive import (
    MANIFEST,
    history_json,
    sha256_hex,
    sign_manifest,
    verify,
    write_manifest,
)

KEY = b"test-archive-key"
FILES = {
    "application-a1.json": '{\n  "events": [\n    {\n      "eventId": "1"\n    }\n  ]\n}',
    "application-b2.json": '{\n  "events": [\n    {\n      "eventId": "1"\n    }, {}\n  ]\n}',
}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    directory = tmp_path / "archive"
    directory.mkdir()
    for name, text in FILES.items():
        (directory / name).write_bytes(text.encode())
    write_manifest(directory, sign_manifest(
        1401, {n: sha256_hex(t.encode()) for n, t in FILES.items()}, KEY))
    return directory


def test_an_untouched_archive_passes(archive: Path) -> None:
    report = verify(archive, KEY)
    assert report.ok and report.checked == 2 and report.problem is None
    assert (report.altered, report.missing, report.added, report.bad_signature) == (
        [], [], [], False)


def test_one_changed_byte_is_an_altered_file(archive: Path) -> None:
    path = archive / "application-b2.json"
    data = bytearray(path.read_bytes())
    data[5] ^= 1
    path.write_bytes(bytes(data))
    report = verify(archive, KEY)
    assert not report.ok and report.altered == ["application-b2.json"]
    assert (report.missing, report.added, report.bad_signature) == ([], [], False)


def test_a_deleted_file_is_missing(archive: Path) -> None:
    (archive / "application-a1.json").unlink()
    report = verify(archive, KEY)
    assert not report.ok and report.missing == ["application-a1.json"]
    assert (report.altered, report.added, report.checked) == ([], [], 1)


def test_a_new_file_is_added(archive: Path) -> None:
    (archive / "application-c3.json").write_text("{}")
    report = verify(archive, KEY)
    assert not report.ok and report.added == ["application-c3.json"]
    assert (report.altered, report.missing, report.bad_signature) == ([], [], False)


def test_an_edited_hash_list_breaks_the_signature(archive: Path) -> None:
    # Someone changes a file and puts its new hash in the manifest: the files match, the HMAC not.
    (archive / "application-a1.json").write_text("{}")
    raw = json.loads((archive / MANIFEST).read_text())
    raw["files"]["application-a1.json"] = sha256_hex(b"{}")
    (archive / MANIFEST).write_text(json.dumps(raw))
    report = verify(archive, KEY)
    assert not report.ok and report.bad_signature
    assert (report.altered, report.missing, report.added) == ([], [], [])


def test_another_key_is_a_bad_signature(archive: Path) -> None:
    report = verify(archive, b"another-key")
    assert not report.ok and report.bad_signature and report.checked == 2
    assert (report.altered, report.missing, report.added) == ([], [], [])


def test_no_manifest_is_a_problem(archive: Path) -> None:
    (archive / MANIFEST).unlink()
    report = verify(archive, KEY)
    assert not report.ok and report.problem is not None and MANIFEST in report.problem


def test_an_unreadable_manifest_is_a_problem(archive: Path) -> None:
    (archive / MANIFEST).write_text("{not json")
    report = verify(archive, KEY)
    assert not report.ok and report.problem is not None and "unreadable" in report.problem


def test_a_manifest_naming_files_outside_is_a_problem(archive: Path) -> None:
    raw = json.loads((archive / MANIFEST).read_text())
    raw["files"]["../secrets.json"] = "00" * 32
    (archive / MANIFEST).write_text(json.dumps(raw))
    report = verify(archive, KEY)
    assert not report.ok and report.bad_signature and report.problem is not None


def run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="daftar")
    add_history_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    assert args.command == "history"
    out = io.StringIO()
    code = run_history(args, lambda d: Settings(**({"data_dir": d} if d else {})),
                       lambda _: KEY, out=out)
    return code, out.getvalue()


def test_the_command_says_ok_or_names_each_problem(archive: Path) -> None:
    code, text = run("history", "verify", str(archive))
    assert code == 0 and text.startswith("OK: 2 files")
    (archive / "application-a1.json").unlink()
    (archive / "application-b2.json").write_text("{}")
    (archive / "extra.json").write_text("{}")
    code, text = run("history", "verify", str(archive), "--data-dir", str(archive.parent))
    assert code == 1
    assert text.splitlines() == [
        "ALTERED: application-b2.json", "MISSING: application-a1.json", "ADDED: extra.json",
        f"FAILED: {archive} does not match its manifest (1 files checked)"]


def test_the_command_reports_a_missing_manifest(tmp_path: Path) -> None:
    code, text = run("history", "verify", str(tmp_path))
    assert code == 1 and text.startswith("PROBLEM: no manifest.json")


def test_history_json_sorts_maps_and_reads_back() -> None:
    payload = {"metadata": {"type": "S2V5d29yZA==", "encoding": "anNvbi9wbGFpbg=="},
               "data": "IngiCg=="}
    raw = {"events": [{"eventId": "1", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
                       "workflowExecutionStartedEventAttributes": {
                           "workflowType": {"name": "ApplicantWorkflow"},
                           "searchAttributes": {"indexedFields": {
                               k: payload for k in ("DaftarStage", "DaftarCycle", "DaftarQuota")
                           }}}}]}
    history = WorkflowHistory.from_json("application-a1", raw)
    text = history_json(history)
    attrs = json.loads(text)["events"][0]["workflowExecutionStartedEventAttributes"]
    fields = attrs["searchAttributes"]["indexedFields"]
    assert list(fields) == ["DaftarCycle", "DaftarQuota", "DaftarStage"]
    assert list(fields["DaftarCycle"]["metadata"]) == ["encoding", "type"]
    assert list(attrs) == ["workflowType", "searchAttributes"]  # fields keep the proto order
    assert WorkflowHistory.from_json("application-a1", text).events == history.events
