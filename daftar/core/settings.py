"""All configuration in one place (pydantic-settings); the same code runs on every stack.

Every setting is an environment variable `DAFTAR_<NAME>` (the database also `DATABASE_URL`).
The embedded stack keeps its secrets in the data directory's `secrets.json`; production
(`DAFTAR_ENVIRONMENT=production`) takes every secret from the environment and refuses to start
without it. A wrong or missing setting stops start-up with a message naming the variable.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from daftar.core.seal import SealKeys
from daftar.domain.stages import DEFAULT_SLA_DAYS, STAFF_ROLES, checked_sla_days

SECRETS_FILE = "secrets.json"
#: AES-256-GCM: every payload-codec key is 32 bytes.
CODEC_KEY_BYTES = 32
#: The shortest JWT signing secret production accepts (HS256 wants at least 256 bits).
MIN_SECRET_CHARS = 32
#: An S3 bucket's name (AWS's rules, which MinIO follows).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


class SettingsError(RuntimeError):
    """A missing or wrong setting; the message names it."""


def env_name(field: str) -> str:
    """The environment variable of a settings field."""
    return "DATABASE_URL" if field == "database_url" else f"DAFTAR_{field.upper()}"


class Settings(BaseSettings):
    """Environment variables `DAFTAR_*` (and `DATABASE_URL`)."""

    model_config = SettingsConfigDict(env_prefix="DAFTAR_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    # Temporal
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "daftar"
    temporal_tls: bool = False
    temporal_tls_ca: Path | None = None
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_server_name: str | None = None
    # The read model
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "DAFTAR_DATABASE_URL"))
    # Secrets
    jwt_secret: SecretStr | None = None
    id_key: SecretStr | None = None
    archive_key: SecretStr | None = None
    #: Payload-codec keys, `id=base64key[,id=base64key...]`; the first encrypts, all decrypt.
    codec_keys: SecretStr | None = None
    #: Ids of the keys a new message may be sealed with (`id[,id...]`); the ring's first key
    #: seals and must be listed; unlisted keys of the ring only decrypt old histories. Empty:
    #: the ring's first key alone (daftar.core.seal).
    codec_sealing_keys: str = ""
    token_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Staff sign-in through the organisation's OpenID provider (daftar.services.oidc)
    #: The provider's issuer URL (its discovery document is `<issuer>/.well-known/
    #: openid-configuration`); unset: OpenID Connect is off (no console sign-in button, and the
    #: API takes daftar's own tokens only).
    oidc_issuer: str | None = None
    #: daftar's client id at the provider; the ID token's audience.
    oidc_client_id: str | None = Field(default=None, validate_default=True)
    #: The client secret of a confidential client; unset: a public client (PKCE alone).
    oidc_client_secret: SecretStr | None = None
    #: How a confidential client authenticates at the token endpoint.
    oidc_client_auth: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic"
    oidc_scopes: str = "openid profile"
    #: The claim naming the staff member (daftar's actor id): `sub` unless the provider's
    #: usernames are unique and never change (then e.g. `preferred_username`).
    oidc_subject_claim: str = "sub"
    #: The claim holding the roles: a list of names, or one name; a dotted path reaches into
    #: objects (`realm_access.roles`).
    oidc_roles_claim: str = "roles"
    #: The provider's role name → daftar's staff role; names not listed count as themselves.
    oidc_role_map: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    #: The audience (`aud`) the provider's access tokens for daftar's API carry.
    oidc_api_audience: str = "daftar-api"
    #: The console's callback URL as the provider knows it (`https://host/console/sign-in/
    #: callback`), for an API behind a proxy; unset: derived from the request.
    oidc_redirect_url: str | None = None
    # Files (photos, documents): daftar.store.objects
    #: `file`: content-addressed files under `<data_dir>/objects`; `file:<dir>` elsewhere;
    #: `s3://<bucket>`: an S3-compatible service (`s3_endpoint_url`, MinIO in production).
    object_store: str = "file"
    #: The S3 service's URL (`http://minio:9000`); unset: AWS's own endpoint for the region.
    s3_endpoint_url: str | None = None
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str = "us-east-1"
    # SMS to applicants (NOTE-1): daftar.core.sms, daftar.activities.notices
    #: `local`: store each message in the database and show it in the console, send nothing;
    #: `kavenegar`: send through Kavenegar's REST API.
    sms_provider: Literal["local", "kavenegar"] = "local"
    kavenegar_api_key: SecretStr | None = None
    #: The Kavenegar sender line; unset: the account's default line.
    kavenegar_sender: str | None = None
    #: Kavenegar's API (another for tests or a proxy).
    kavenegar_url: str = "https://api.kavenegar.com"
    #: At most this many messages to one number per hour; the rest wait (retried later).
    #: 0: no limit (test stacks, where every applicant has the same number).
    sms_per_number_per_hour: int = Field(default=10, ge=0, le=10_000)
    # Rules with operator-chosen defaults
    sla_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_SLA_DAYS))
    # The API
    api_host: str = "0.0.0.0"
    api_port: int = Field(default=8000, ge=1, le=65535)
    #: Browser origins allowed to call the payload codec (the Temporal Web UI).
    codec_cors_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8233", "http://localhost:8233"])
    #: The Temporal Web UI the console links each application's workflow to.
    temporal_ui_url: str = "http://127.0.0.1:8233"
    # The worker
    #: Where the worker serves Temporal SDK metrics for Prometheus (`host:port`); "" turns off.
    worker_metrics_address: str = "0.0.0.0:9464"
    #: How long a stopping worker lets running activities finish.
    shutdown_grace_seconds: int = Field(default=30, ge=0, le=3600)
    # Logs
    log_format: Literal["console", "json"] = "console"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("temporal_address", "worker_metrics_address")
    @classmethod
    def _host_port(cls, value: str, info: Any) -> str:
        if info.field_name == "worker_metrics_address" and value == "":
            return value
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"expected host:port, got {value!r}")
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError("not a database URL (postgresql://… or sqlite:///…)") from None
        if driver.split("+")[0] not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"unsupported database {driver!r}: use PostgreSQL or SQLite")
        return value

    @field_validator("object_store")
    @classmethod
    def _object_store(cls, value: str) -> str:
        if value == "file" or (value.startswith("file:") and value.removeprefix("file:")):
            return value
        if value.startswith("s3://"):
            bucket = value.removeprefix("s3://").rstrip("/")
            if not _BUCKET.fullmatch(bucket):
                raise ValueError(f"not an S3 bucket name: {bucket!r} (3-63 lowercase letters, "
                                 "digits, dots and hyphens)")
            return value
        raise ValueError(f"expected file, file:<dir> or s3://<bucket>, got {value!r}")

    @field_validator("s3_endpoint_url")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if not value:
            return None
        scheme, sep, rest = value.partition("://")
        if scheme not in ("http", "https") or not sep or not rest.strip("/"):
            raise ValueError(f"expected http(s)://host[:port], got {value!r}")
        return value

    @field_validator("kavenegar_url")
    @classmethod
    def _kavenegar_url(cls, value: str) -> str:
        scheme, sep, rest = value.partition("://")
        if scheme not in ("http", "https") or not sep or not rest.strip("/"):
            raise ValueError(f"expected http(s)://host[:port], got {value!r}")
        return value.rstrip("/")

    @field_validator("oidc_issuer", "oidc_redirect_url")
    @classmethod
    def _oidc_url(cls, value: str | None, info: Any) -> str | None:
        if not value:
            return None
        scheme, sep, rest = value.partition("://")
        if scheme not in ("http", "https") or not sep or not rest.strip("/"):
            raise ValueError(f"expected http(s)://host[/path], got {value!r}")
        if (info.field_name == "oidc_issuer" and info.data.get("environment") == "production"
                and scheme != "https"):
            raise ValueError("production needs https://")
        return value.rstrip("/")

    @field_validator("oidc_client_secret")
    @classmethod
    def _oidc_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    @field_validator("oidc_client_id")
    @classmethod
    def _oidc_client(cls, value: str | None, info: Any) -> str | None:
        if info.data.get("oidc_issuer") and not (value or "").strip():
            raise ValueError(f"{env_name('oidc_issuer')} is set: the client id is needed too")
        return (value or "").strip() or None

    @field_validator("oidc_role_map", mode="before")
    @classmethod
    def _oidc_role_json(cls, value: Any) -> Any:
        # From the environment: a JSON object, or nothing (compose passes an unset one as "").
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else {}
            except json.JSONDecodeError:
                raise ValueError('expected a JSON object, e.g. {"their-role": "auditor"}') \
                    from None
        return value

    @field_validator("oidc_role_map")
    @classmethod
    def _oidc_roles(cls, value: dict[str, str]) -> dict[str, str]:
        staff = sorted(r.value for r in STAFF_ROLES)
        for theirs, ours in value.items():
            if ours not in staff:
                raise ValueError(f"{theirs!r} maps to {ours!r}, not a staff role (one of "
                                 f"{', '.join(staff)})")
        return value

    @field_validator("oidc_subject_claim", "oidc_roles_claim", "oidc_api_audience",
                     "oidc_scopes")
    @classmethod
    def _not_blank(cls, value: str, info: Any) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        if info.field_name == "oidc_scopes" and "openid" not in value.split():
            raise ValueError("the scopes must include openid")
        return value.strip()

    @property
    def oidc_enabled(self) -> bool:
        """Whether staff sign in through the organisation's OpenID provider."""
        return self.oidc_issuer is not None

    @property
    def token_paste_enabled(self) -> bool:
        """Whether the console takes a pasted token: the embedded stack only, never production.

        Production without OpenID Connect therefore has no console sign-in at all; the sign-in
        page says so and the API logs it.
        """
        return self.environment != "production"

    @field_validator("sla_days")
    @classmethod
    def _sla(cls, value: dict[str, int]) -> dict[str, int]:
        return {**DEFAULT_SLA_DAYS, **checked_sla_days(value)}

    @field_validator("codec_keys")
    @classmethod
    def _codec_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_codec_keys(value.get_secret_value())
        return value

    # -- derived values -------------------------------------------------------------------

    @property
    def db_url(self) -> str:
        """`DATABASE_URL`, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'daftar.db'}"

    @cached_property
    def _secrets(self) -> dict[str, Any]:
        path = self.data_dir / SECRETS_FILE
        if self.environment == "development" and path.exists():
            return dict(json.loads(path.read_text()))
        return {}

    @property
    def objects_dir(self) -> Path:
        """Where a `file` object store keeps its files."""
        if self.object_store.startswith("file:"):
            return Path(self.object_store.removeprefix("file:").removeprefix("//"))
        return self.data_dir / "objects"

    @property
    def s3_credentials(self) -> tuple[str, str]:
        """The S3 access key and secret key.

        From the environment; in development also the data directory's secrets file.
        """
        return (self._key(self.s3_access_key, "s3_access_key").decode(),
                self._key(self.s3_secret_key, "s3_secret_key").decode())

    @property
    def kavenegar_key(self) -> str:
        """Kavenegar's API key (`DAFTAR_KAVENEGAR_API_KEY`): `sms_provider=kavenegar` needs it."""
        if self.kavenegar_api_key is None or not self.kavenegar_api_key.get_secret_value():
            raise SettingsError(f"{env_name('kavenegar_api_key')} is not set; "
                                f"{env_name('sms_provider')}=kavenegar needs it.")
        return self.kavenegar_api_key.get_secret_value()

    @property
    def signing_secret(self) -> str:
        """The JWT signing secret: `DAFTAR_JWT_SECRET`, or the data directory's secrets file."""
        return self._key(self.jwt_secret, "jwt_secret").decode()

    @property
    def identity_key(self) -> bytes:
        """The key of the keyed hash that turns a national id into an application id."""
        return self._key(self.id_key, "id_key")

    @property
    def audit_key(self) -> bytes:
        """The key of the HMAC that seals an exported archive's manifest."""
        return self._key(self.archive_key, "archive_key")

    @property
    def codec_keyring(self) -> dict[str, bytes]:
        """The payload codec's keys by id, the encrypting key first."""
        if self.codec_keys is not None:
            return parse_codec_keys(self.codec_keys.get_secret_value())
        if "codec_keys" in self._secrets:
            return parse_codec_keys(str(self._secrets["codec_keys"]))
        raise self._missing("codec_keys")

    @property
    def seal_keys(self) -> SealKeys:
        """The keys that seal daftar's messages to its workflows, and those accepted."""
        ids = [k.strip() for k in self.codec_sealing_keys.split(",") if k.strip()]
        try:
            return SealKeys.from_keyring(self.codec_keyring, ids or None)
        except ValueError as err:
            raise SettingsError(f"{env_name('codec_sealing_keys')}: {err}") from None

    def _key(self, value: SecretStr | None, name: str) -> bytes:
        if value is not None:
            return value.get_secret_value().encode()
        if name in self._secrets:
            return str(self._secrets[name]).encode()
        raise self._missing(name)

    def _missing(self, name: str) -> SettingsError:
        if self.environment == "production":
            return SettingsError(f"{env_name(name)} is not set; production takes every "
                                 "secret from the environment.")
        return SettingsError(
            f"{env_name(name)} is not set and {self.data_dir / SECRETS_FILE} has no {name}: "
            "set it, or start the embedded stack (`daftar dev`) once to create it.")

    def check(self, *, needs: tuple[str, ...] = ("jwt_secret", "id_key", "codec_keys",
                                                 "objects")) -> None:
        """Fail now, naming the setting, if a secret this part needs is missing or weak.

        `objects`: the object store's credentials, when it is S3.
        """
        for name in needs:
            if name == "codec_keys":
                self.seal_keys  # noqa: B018 - raises, naming the variable
                continue
            if name == "objects":
                if self.object_store.startswith("s3://"):
                    self.s3_credentials  # noqa: B018 - raises, naming the variable
                continue
            value = self._key(getattr(self, name), name)
            if (self.environment == "production" and name == "jwt_secret"
                    and len(value) < MIN_SECRET_CHARS):
                raise SettingsError(f"{env_name(name)} is too short: production needs at "
                                    f"least {MIN_SECRET_CHARS} characters.")
        tls = (self.temporal_tls_ca, self.temporal_tls_cert, self.temporal_tls_key)
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):
            raise SettingsError("DAFTAR_TEMPORAL_TLS_CERT and DAFTAR_TEMPORAL_TLS_KEY go "
                                "together: set both for mutual TLS, or neither.")
        for field, path in zip(("temporal_tls_ca", "temporal_tls_cert", "temporal_tls_key"),
                               tls, strict=True):
            if path is not None and not path.is_file():
                raise SettingsError(f"{env_name(field)}: no file at {path}.")


def parse_codec_keys(text: str) -> dict[str, bytes]:
    """`id=base64key,id=base64key` → {id: key}, in order; each key 32 bytes (AES-256)."""
    ring: dict[str, bytes] = {}
    for part in (p.strip() for p in text.split(",")):
        kid, sep, encoded = part.partition("=")
        kid = kid.strip()
        if not sep or not kid or not encoded:
            raise ValueError("expected id=base64key[,id=base64key...]")
        try:
            key = base64.b64decode(encoded.strip() + "=" * (-len(encoded.strip()) % 4),
                                   altchars=b"-_", validate=False)
        except (binascii.Error, ValueError):
            raise ValueError(f"key {kid!r} is not base64") from None
        if len(key) != CODEC_KEY_BYTES:
            raise ValueError(f"key {kid!r} is {len(key)} bytes; AES-256 needs "
                             f"{CODEC_KEY_BYTES}")
        if kid in ring:
            raise ValueError(f"key id {kid!r} appears twice")
        ring[kid] = key
    return ring


def new_codec_key(kid: str) -> str:
    """A fresh `id=base64key` entry for `DAFTAR_CODEC_KEYS`."""
    return f"{kid}={base64.urlsafe_b64encode(secrets.token_bytes(CODEC_KEY_BYTES)).decode()}"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment; a wrong value becomes a `SettingsError` naming it."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            field = str(e["loc"][0]) if e["loc"] else "?"
            problems.append(f"{env_name(field)}: {e['msg']}")
        raise SettingsError("wrong setting — " + "; ".join(problems)) from None


SECRET_NAMES = ("jwt_secret", "id_key", "archive_key")


def ensure_secrets(data_dir: Path) -> None:
    """Create the data directory's secrets once.

    Later runs keep them (tokens stay valid) and only add the ones a newer version needs.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRETS_FILE
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [name for name in (*SECRET_NAMES, "codec_keys") if name not in known]
    if missing:
        for name in missing:
            known[name] = (new_codec_key("k1") if name == "codec_keys"
                           else secrets.token_urlsafe(48))
        path.write_text(json.dumps(known))
        path.chmod(0o600)
