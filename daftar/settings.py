"""All configuration in one place (pydantic-settings); the same code runs on every stack."""

from __future__ import annotations

import json
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRETS_FILE = "secrets.json"


class SettingsError(RuntimeError):
    """A missing or wrong setting; the message names it."""


class Settings(BaseSettings):
    """Environment variables `DAFTAR_*` (and `DATABASE_URL`)."""

    model_config = SettingsConfigDict(env_prefix="DAFTAR_", extra="ignore")

    data_dir: Path = Path("data")
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "daftar"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "DAFTAR_DATABASE_URL"))
    jwt_secret: SecretStr | None = None
    id_key: SecretStr | None = None
    archive_key: SecretStr | None = None
    token_ttl_hours: int = 12
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"

    @property
    def db_url(self) -> str:
        """`DATABASE_URL`, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'daftar.db'}"

    @cached_property
    def _secrets(self) -> dict[str, str]:
        path = self.data_dir / SECRETS_FILE
        if path.exists():
            return dict(json.loads(path.read_text()))
        return {}

    @property
    def signing_secret(self) -> str:
        """The JWT signing secret: `DAFTAR_JWT_SECRET`, or the data directory's secrets file."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if "jwt_secret" in self._secrets:
            return self._secrets["jwt_secret"]
        raise SettingsError(
            f"DAFTAR_JWT_SECRET is not set and {self.data_dir / SECRETS_FILE} does not exist: "
            "set it, or start the embedded stack (`daftar dev`) once to create it.")

    @property
    def identity_key(self) -> bytes:
        """The key of the keyed hash that turns a national id into an application id."""
        return self._key(self.id_key, "id_key", "DAFTAR_ID_KEY")

    @property
    def audit_key(self) -> bytes:
        """The key of the HMAC that seals an exported archive's manifest."""
        return self._key(self.archive_key, "archive_key", "DAFTAR_ARCHIVE_KEY")

    def _key(self, value: SecretStr | None, name: str, variable: str) -> bytes:
        if value is not None:
            return value.get_secret_value().encode()
        if name in self._secrets:
            return self._secrets[name].encode()
        raise SettingsError(
            f"{variable} is not set and {self.data_dir / SECRETS_FILE} has no {name}: "
            "set it, or start the embedded stack (`daftar dev`) once to create it.")


SECRET_NAMES = ("jwt_secret", "id_key", "archive_key")


def ensure_secrets(data_dir: Path) -> None:
    """Create the data directory's secrets once; later runs keep them (tokens stay valid)
    and only add the ones a newer version needs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRETS_FILE
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [name for name in SECRET_NAMES if name not in known]
    if missing:
        known.update({name: secrets.token_urlsafe(48) for name in missing})
        path.write_text(json.dumps(known))
        path.chmod(0o600)
