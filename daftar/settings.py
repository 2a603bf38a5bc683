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
        if self.id_key is not None:
            return self.id_key.get_secret_value().encode()
        if "id_key" in self._secrets:
            return self._secrets["id_key"].encode()
        raise SettingsError(
            f"DAFTAR_ID_KEY is not set and {self.data_dir / SECRETS_FILE} does not exist: "
            "set it, or start the embedded stack (`daftar dev`) once to create it.")


def ensure_secrets(data_dir: Path) -> None:
    """Create the data directory's secrets once; later runs keep them (tokens stay valid)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRETS_FILE
    if not path.exists():
        path.write_text(json.dumps({"jwt_secret": secrets.token_urlsafe(48),
                                    "id_key": secrets.token_urlsafe(48)}))
        path.chmod(0o600)
