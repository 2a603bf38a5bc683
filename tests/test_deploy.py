"""The production stack's files stay true to the code: secrets it generates are accepted by
production settings, and the search attributes it registers are the workflows' own."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from daftar.settings import load_settings
from daftar.workflows import search

ROOT = Path(__file__).resolve().parent.parent


def test_generated_secrets_satisfy_production(monkeypatch: pytest.MonkeyPatch) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "production-secrets")],
                         capture_output=True, text=True, check=True).stdout
    values = dict(line.split("=", 1) for line in out.splitlines())
    assert set(values) == {"POSTGRES_PASSWORD", "DAFTAR_JWT_SECRET", "DAFTAR_ID_KEY",
                           "DAFTAR_ARCHIVE_KEY", "DAFTAR_CODEC_KEYS"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAFTAR_ENVIRONMENT", "production")
    settings = load_settings()
    settings.check(needs=("jwt_secret", "id_key", "archive_key", "codec_keys"))
    assert len(settings.codec_keyring) == 1


def test_compose_registers_the_workflows_search_attributes() -> None:
    script = (ROOT / "deploy" / "temporal" / "setup-namespace.sh").read_text()
    registered = dict(re.findall(r"(Daftar\w+)=(Keyword|Int)", script))
    kinds = {1: "Text", 2: "Keyword", 3: "Int"}
    assert registered == {key.name: kinds[int(key.indexed_value_type)]
                          for key in search.ALL_KEYS}
