"""Files behind one interface: content-addressed objects, on disk or in S3-compatible storage.

An object's key is the lowercase hex SHA-256 of its bytes, so the same bytes stored twice are
one object, a reader can check what it got (`verify`), and an object, once there, is never
overwritten. Nothing here deletes an object: one object may be named by many rows (the same
photo uploaded for two applications), so no row's removal may take it away.

`FileSystemStore` keeps them under a directory (the embedded stack's `<data dir>/objects`);
`S3Store` in a bucket of an S3-compatible service (MinIO in the production stack). Every call
blocks: async callers run them through `asyncio.to_thread`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

_KEY = re.compile(r"[0-9a-f]{64}")
#: Files' permissions: the owner writes (once), its group reads, nobody else.
FILE_MODE = 0o640
DIR_MODE = 0o750
_CHUNK = 1 << 20


class ObjectMissing(LookupError):
    """No object under this key."""


class ObjectStoreUnavailable(RuntimeError):
    """The object store did not answer (a service down, a network failure): try again later."""


def object_key(data: bytes) -> str:
    """The key of `data`: its SHA-256, lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def checked_key(sha256: str) -> str:
    """`sha256` when it is a key (64 lowercase hex digits); ValueError otherwise.

    Keys name files and S3 objects, so nothing else (`../`, a prefix) may pass for one.
    """
    if not isinstance(sha256, str) or not _KEY.fullmatch(sha256):
        raise ValueError(f"not an object key (a lowercase hex SHA-256): {sha256!r}")
    return sha256


@runtime_checkable
class ObjectStore(Protocol):
    """Where daftar keeps files, by the SHA-256 of their bytes."""

    def put(self, data: bytes, content_type: str) -> str:
        """Store `data` (once: the same bytes again store nothing new); its key."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`; `ObjectMissing` when there are none."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether an object is stored under `sha256`."""
        ...

    def verify(self, sha256: str) -> bool:
        """Whether the stored bytes still hash to their key; `ObjectMissing` when absent."""
        ...

    def describe(self) -> str:
        """Where the objects are, for logs and health: `file:/path`, `s3://bucket at URL`."""
        ...

    def reachable(self) -> bool:
        """Whether the store answers now and could take a file (for readiness)."""
        ...


class FileSystemStore:
    """Objects as files `root/ab/cd/abcd…` (two levels of fan-out by the key's first bytes).

    A file is written to a temporary file in its own directory, flushed to disk, then renamed
    into place, so a reader never sees half an object and a crash leaves at most a stray
    temporary file (`.tmp-*`, never a key). Directories are made on demand.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """The file of `sha256`."""
        key = checked_key(sha256)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes, content_type: str) -> str:
        """Write `data` once; a file already under its key is kept as it is."""
        key = object_key(data)
        target = self.path(key)
        if target.exists():
            return key
        self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        target.parent.parent.mkdir(mode=DIR_MODE, exist_ok=True)
        target.parent.mkdir(mode=DIR_MODE, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fchmod(out.fileno(), FILE_MODE)
                os.fsync(out.fileno())
            if target.exists():  # another writer of the same bytes got there first
                os.unlink(tmp)
                return key
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(target.parent)
        return key

    def get(self, sha256: str) -> bytes:
        """The file's bytes."""
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise ObjectMissing(sha256) from None

    def exists(self, sha256: str) -> bool:
        """Whether the file is there."""
        return self.path(sha256).is_file()

    def verify(self, sha256: str) -> bool:
        """Hash the file again, reading it in chunks."""
        digest = hashlib.sha256()
        try:
            with self.path(sha256).open("rb") as f:
                while chunk := f.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            raise ObjectMissing(sha256) from None
        return digest.hexdigest() == sha256

    def describe(self) -> str:
        """`file:` and the absolute directory."""
        return f"file:{self.root.resolve()}"

    def reachable(self) -> bool:
        """Whether the directory is there (or can be made) and writable."""
        try:
            self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        except OSError:
            return False
        return self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (where the platform lets a directory be synced)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


#: Error codes S3 and S3-compatible services answer for an absent object or bucket.
_ABSENT = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


class S3Store:
    """Objects in an S3 bucket, keyed `sha256/ab/abcd…`, through boto3.

    Path-style addressing (what MinIO and other self-hosted services expect), SigV4, a
    short connect timeout and boto3's standard retries. The bucket is made at the first
    `put` if it does not exist (or by `ensure_bucket`, e.g. at start-up). Each upload carries
    its SHA-256 as S3's `ChecksumSHA256`, so the service refuses bytes damaged on the way.
    """

    PREFIX = "sha256/"

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None,
                 region: str = "us-east-1", client: S3Client | None = None) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self._client: S3Client = client or boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          connect_timeout=5, read_timeout=30,
                          retries={"max_attempts": 3, "mode": "standard"}))
        self._bucket_ready = False
        self._lock = threading.Lock()

    def key(self, sha256: str) -> str:
        """The S3 key of `sha256`."""
        key = checked_key(sha256)
        return f"{self.PREFIX}{key[:2]}/{key}"

    def ensure_bucket(self) -> None:
        """Create the bucket unless it exists (once per store)."""
        if self._bucket_ready:
            return
        with self._lock, _answering(self):
            if self._bucket_ready:
                return
            try:
                self._client.head_bucket(Bucket=self.bucket)
            except ClientError as err:
                if _code(err) not in _ABSENT:
                    raise
                options: dict[str, Any] = {}
                if self.region != "us-east-1":
                    options["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
                try:
                    self._client.create_bucket(Bucket=self.bucket, **options)
                except ClientError as created:  # made meanwhile by another process: ours
                    if _code(created) != "BucketAlreadyOwnedByYou":
                        raise
            self._bucket_ready = True

    def put(self, data: bytes, content_type: str) -> str:
        """Upload `data` unless an object is under its key already."""
        key = object_key(data)
        if self.exists(key):
            return key
        self.ensure_bucket()
        checksum = base64.b64encode(hashlib.sha256(data).digest()).decode()
        with _answering(self):
            self._client.put_object(Bucket=self.bucket, Key=self.key(key), Body=data,
                                    ContentType=content_type, ChecksumSHA256=checksum)
        return key

    def get(self, sha256: str) -> bytes:
        """Download the object."""
        with _answering(self):
            try:
                answer = self._client.get_object(Bucket=self.bucket, Key=self.key(sha256))
            except ClientError as err:
                if _code(err) in _ABSENT:
                    raise ObjectMissing(sha256) from None
                raise
            return answer["Body"].read()

    def exists(self, sha256: str) -> bool:
        """HEAD the object."""
        with _answering(self):
            try:
                self._client.head_object(Bucket=self.bucket, Key=self.key(sha256))
            except ClientError as err:
                if _code(err) in _ABSENT:
                    return False
                raise
            return True

    def verify(self, sha256: str) -> bool:
        """Download the object and hash it again."""
        return object_key(self.get(sha256)) == sha256

    def describe(self) -> str:
        """`s3://bucket at <endpoint>` (AWS when no endpoint is set)."""
        return f"s3://{self.bucket} at {self.endpoint_url or 'AWS'}"

    def reachable(self) -> bool:
        """Whether the service answers: the bucket is there, or absent and to be made."""
        try:
            with _answering(self):
                self._client.head_bucket(Bucket=self.bucket)
        except ObjectStoreUnavailable:
            return False
        except ClientError as err:
            return _code(err) in _ABSENT
        return True


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _answering(store: S3Store) -> Iterator[None]:
    """Turn boto3's failures to reach the service into `ObjectStoreUnavailable`."""
    try:
        yield
    except (ConnectionError, HTTPClientError) as err:
        raise ObjectStoreUnavailable(f"{store.describe()}: {err}") from err
    except ClientError as err:
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status in (500, 502, 503, 504) or _code(err) in ("SlowDown", "ServiceUnavailable"):
            raise ObjectStoreUnavailable(f"{store.describe()}: {err}") from err
        raise


def open_store(location: str, *, root: Path, endpoint_url: str | None = None,
               access_key: str | None = None, secret_key: str | None = None,
               region: str = "us-east-1") -> ObjectStore:
    """The store `location` names: `file` (files under `root`), `file:<dir>`, `s3://bucket`.

    Plain arguments (the settings live in daftar.core, which this layer may not import):
    daftar.services.objects reads them from the settings.
    """
    if location == "file":
        return FileSystemStore(root)
    if location.startswith("file:"):
        return FileSystemStore(Path(location.removeprefix("file:").removeprefix("//")))
    if location.startswith("s3://"):
        return S3Store(location.removeprefix("s3://").rstrip("/"), endpoint_url=endpoint_url,
                       access_key=access_key, secret_key=secret_key, region=region)
    raise ValueError(f"unknown object store {location!r}: file, file:<dir> or s3://<bucket>")
