"""Settings: a wrong or missing setting stops start-up with a message naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from daftar.core.settings import (
    CODEC_KEY_BYTES,
    SettingsError,
    ensure_secrets,
    load_settings,
    new_codec_key,
    parse_codec_keys,
)
from daftar.services.objects import object_store
from daftar.store.objects import FileSystemStore, S3Store

STRONG = "s" * 40


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("DAFTAR_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)


@pytest.mark.parametrize(("variable", "value"), [
    ("DAFTAR_TEMPORAL_ADDRESS", "temporal"),
    ("DAFTAR_TEMPORAL_ADDRESS", "temporal:99999"),
    ("DATABASE_URL", "mysql://db/daftar"),
    ("DATABASE_URL", "not a url"),
    ("DAFTAR_LOG_LEVEL", "chatty"),
    ("DAFTAR_LOG_FORMAT", "xml"),
    ("DAFTAR_SLA_DAYS", '{"lunch": 3}'),
    ("DAFTAR_SLA_DAYS", '{"interview": 0}'),
    ("DAFTAR_SLA_DAYS", '{"interview": 999999999}'),
    ("DAFTAR_CODEC_KEYS", "k1=c2hvcnQ="),
    ("DAFTAR_CODEC_KEYS", "no-equals-sign"),
    ("DAFTAR_ENVIRONMENT", "staging"),
    ("DAFTAR_API_PORT", "eighty"),
    ("DAFTAR_WORKER_METRICS_ADDRESS", "9464"),
    ("DAFTAR_OBJECT_STORE", "ftp://files"),
    ("DAFTAR_OBJECT_STORE", "s3://Not_A_Bucket"),
    ("DAFTAR_OBJECT_STORE", "file:"),
    ("DAFTAR_S3_ENDPOINT_URL", "minio:9000"),
])
def test_a_wrong_value_is_named(monkeypatch: pytest.MonkeyPatch, variable: str,
                                value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert variable in str(err.value)


def test_defaults_hold_and_sla_overrides_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAFTAR_SLA_DAYS", '{"interview": 21}')
    monkeypatch.setenv("DAFTAR_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.sla_days == {"interview": 21, "qualification": 14, "security": 30,
                                 "licence": 14}
    assert settings.log_level == "DEBUG"
    assert settings.db_url.startswith("sqlite:///")


def test_development_takes_secrets_from_the_data_dir(tmp_path: Path) -> None:
    ensure_secrets(tmp_path)
    settings = load_settings(data_dir=tmp_path)
    settings.check()
    assert len(settings.identity_key) > 32
    (kid, key), = settings.codec_keyring.items()
    assert kid == "k1" and len(key) == CODEC_KEY_BYTES


def test_ensure_secrets_keeps_existing_ones_and_adds_new_kinds(tmp_path: Path) -> None:
    (tmp_path / "secrets.json").write_text(json.dumps({"jwt_secret": "kept"}))
    ensure_secrets(tmp_path)
    stored = json.loads((tmp_path / "secrets.json").read_text())
    assert stored["jwt_secret"] == "kept"
    assert {"id_key", "archive_key", "codec_keys"} <= set(stored)


def test_a_missing_secret_names_its_variable(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    with pytest.raises(SettingsError, match="DAFTAR_JWT_SECRET"):
        settings.check()
    with pytest.raises(SettingsError, match="DAFTAR_CODEC_KEYS"):
        settings.codec_keyring  # noqa: B018


def test_production_ignores_the_secrets_file(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_secrets(tmp_path)
    monkeypatch.setenv("DAFTAR_ENVIRONMENT", "production")
    with pytest.raises(SettingsError, match="DAFTAR_JWT_SECRET is not set; production"):
        load_settings(data_dir=tmp_path).check()


def test_production_refuses_a_short_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAFTAR_ENVIRONMENT", "production")
    monkeypatch.setenv("DAFTAR_JWT_SECRET", "changeme")
    monkeypatch.setenv("DAFTAR_ID_KEY", STRONG)
    monkeypatch.setenv("DAFTAR_CODEC_KEYS", new_codec_key("2026-11"))
    with pytest.raises(SettingsError, match="DAFTAR_JWT_SECRET is too short"):
        load_settings().check()
    monkeypatch.setenv("DAFTAR_JWT_SECRET", STRONG)
    load_settings().check()


def test_tls_files_must_exist_and_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_secrets(tmp_path)
    cert = tmp_path / "client.pem"
    cert.write_text("cert")
    monkeypatch.setenv("DAFTAR_TEMPORAL_TLS_CERT", str(cert))
    with pytest.raises(SettingsError, match="DAFTAR_TEMPORAL_TLS_KEY"):
        load_settings(data_dir=tmp_path).check()
    monkeypatch.setenv("DAFTAR_TEMPORAL_TLS_KEY", str(tmp_path / "absent.key"))
    with pytest.raises(SettingsError, match="DAFTAR_TEMPORAL_TLS_KEY: no file"):
        load_settings(data_dir=tmp_path).check()


def test_codec_keys_keep_their_order_and_refuse_duplicates() -> None:
    ring = parse_codec_keys(f"{new_codec_key('new')},{new_codec_key('old')}")
    assert list(ring) == ["new", "old"]
    assert new_codec_key("a") != new_codec_key("a")
    with pytest.raises(ValueError, match="twice"):
        parse_codec_keys(f"{new_codec_key('a')},{new_codec_key('a')}")


def test_the_api_refuses_to_start_naming_the_setting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DAFTAR_") and k != "DATABASE_URL"}
    env |= {"DAFTAR_DATA_DIR": str(tmp_path), "DAFTAR_TEMPORAL_ADDRESS": "localhost"}
    daftar = [sys.executable, "-c", "from daftar.commands import main; main()"]
    proc = subprocess.run([*daftar, "api"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert "DAFTAR_TEMPORAL_ADDRESS" in proc.stderr
    env["DAFTAR_TEMPORAL_ADDRESS"] = "127.0.0.1:1"
    proc = subprocess.run([*daftar, "worker"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert "DAFTAR_CODEC_KEYS is not set" in proc.stderr


def test_the_object_store_is_files_in_the_data_dir_unless_set(tmp_path: Path) -> None:
    store = object_store(load_settings(data_dir=tmp_path))
    assert isinstance(store, FileSystemStore) and store.root == tmp_path / "objects"
    store = object_store(load_settings(data_dir=tmp_path, object_store=f"file:{tmp_path}/x"))
    assert isinstance(store, FileSystemStore) and store.root == tmp_path / "x"
    load_settings(data_dir=tmp_path).check(needs=("objects",))  # files need no credentials


def test_an_s3_store_takes_its_keys_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DAFTAR_ENVIRONMENT", "production")
    monkeypatch.setenv("DAFTAR_OBJECT_STORE", "s3://daftar-files")
    monkeypatch.setenv("DAFTAR_S3_ENDPOINT_URL", "http://minio:9000")
    monkeypatch.setenv("DAFTAR_S3_ACCESS_KEY", "daftar-access")
    with pytest.raises(SettingsError, match="DAFTAR_S3_SECRET_KEY"):
        load_settings().check(needs=("objects",))
    with pytest.raises(SettingsError, match="DAFTAR_S3_SECRET_KEY"):
        object_store(load_settings())
    monkeypatch.setenv("DAFTAR_S3_SECRET_KEY", "daftar-secret")
    settings = load_settings()
    settings.check(needs=("objects",))
    store = object_store(settings)
    assert isinstance(store, S3Store)
    assert store.describe() == "s3://daftar-files at http://minio:9000"
