"""The `daftar` command: tokens the stack sharing its data directory accepts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from daftar.core.settings import Settings, ensure_secrets
from daftar.domain.stages import Role
from daftar.services.auth import decode_token

DAFTAR = str(Path(sys.executable).parent / "daftar")
# Settings come from the data directory here, never from the caller's environment.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")}


def test_token_is_signed_with_the_data_directory_secret(tmp_path: Path) -> None:
    ensure_secrets(tmp_path)
    out = subprocess.run(
        [DAFTAR, "token", "--sub", "reviewer-7", "--role", "interviewer", "--role", "auditor",
         "--data-dir", str(tmp_path)], capture_output=True, text=True, check=True, env=ENV)
    token = out.stdout.strip().splitlines()[-1]
    principal = decode_token(Settings(data_dir=tmp_path).signing_secret, token)
    assert principal.sub == "reviewer-7"
    assert principal.roles == [Role.interviewer, Role.auditor]


def test_secrets_survive_a_second_start(tmp_path: Path) -> None:
    ensure_secrets(tmp_path)
    first = Settings(data_dir=tmp_path).signing_secret
    ensure_secrets(tmp_path)
    assert Settings(data_dir=tmp_path).signing_secret == first


def test_missing_secret_names_the_setting(tmp_path: Path) -> None:
    out = subprocess.run([DAFTAR, "token", "--sub", "x", "--role", "admin", "--data-dir",
                          str(tmp_path / "empty")], capture_output=True, text=True, env=ENV)
    assert out.returncode == 2
    assert "DAFTAR_JWT_SECRET" in out.stderr


def test_unknown_role_is_refused() -> None:
    out = subprocess.run([DAFTAR, "token", "--sub", "x", "--role", "judge"],
                         capture_output=True, text=True)
    assert out.returncode != 0 and "invalid choice" in out.stderr


HISTORIES = Path(__file__).parent / "histories"


def test_replay_command_passes_recorded_histories_and_fails_a_tampered_one(
        tmp_path: Path) -> None:
    ok = subprocess.run([DAFTAR, "replay", str(HISTORIES)], capture_output=True, text=True,
                        env=ENV)
    count = len(list(HISTORIES.glob("*.json")))
    assert ok.returncode == 0, ok.stderr
    assert f"{count} of {count} histories replay deterministically" in ok.stdout
    history = json.loads((HISTORIES / "withdrawn.json").read_text())
    history["events"] = history["events"][:8] + history["events"][12:]
    (tmp_path / "application-tampered.json").write_text(json.dumps(history))
    bad = subprocess.run([DAFTAR, "replay", str(tmp_path)], capture_output=True, text=True,
                         env=ENV)
    assert bad.returncode == 1
    assert "NOT DETERMINISTIC application-tampered" in bad.stdout


def test_migrate_brings_an_empty_read_model_to_the_newest_revision(tmp_path: Path) -> None:
    from daftar.store.db import current_revision, head_revision, make_engine

    url = f"sqlite:///{tmp_path / 'read.db'}"
    env = {k: v for k, v in ENV.items() if k != "DATABASE_URL"} | {"DATABASE_URL": url}
    first = subprocess.run([DAFTAR, "migrate"], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"read model at revision {head_revision()} (was empty)"
    again = subprocess.run([DAFTAR, "migrate"], capture_output=True, text=True, env=env)
    assert again.stdout.strip() == f"read model at revision {head_revision()}"
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
