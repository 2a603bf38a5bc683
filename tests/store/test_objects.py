"""The object store: the same behaviours from the filesystem store (directly) and the S3 store
(against moto's S3 server, which tests.conftest's `moto_url` starts on a free port), then what
each does of its own."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest

from daftar.store.objects import (
    FILE_MODE,
    FileSystemStore,
    ObjectMissing,
    ObjectStore,
    ObjectStoreUnavailable,
    S3Store,
    object_key,
    open_store,
)
from tests.conftest import free_port

ACCESS, SECRET, REGION = "moto-access", "moto-secret", "us-east-1"
PHOTO = b"\xff\xd8\xff\xe0" + b"a photo's bytes" * 100
OTHER = b"%PDF-1.7 another file"


_buckets = iter(range(10_000))


def s3_store(url: str) -> S3Store:
    """A store on a bucket of its own, not made yet (its first write makes it)."""
    return S3Store(f"daftar-test-{next(_buckets)}", endpoint_url=url, access_key=ACCESS,
                   secret_key=SECRET, region=REGION)


def raw_client(url: str) -> Any:
    return boto3.client("s3", endpoint_url=url, aws_access_key_id=ACCESS,
                        aws_secret_access_key=SECRET, region_name=REGION)


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "file":
        return FileSystemStore(tmp_path / "objects")
    return s3_store(request.getfixturevalue("moto_url"))


def overwrite(store: ObjectStore, key: str, data: bytes) -> None:
    """Put other bytes under `key` behind the store's back (a disk fault, an operator)."""
    if isinstance(store, FileSystemStore):
        store.path(key).write_bytes(data)
        return
    assert isinstance(store, S3Store)
    client = raw_client(str(store.endpoint_url))
    client.put_object(Bucket=store.bucket, Key=store.key(key), Body=data)


def stored_keys(store: ObjectStore) -> list[str]:
    """Every object the store holds (files, or S3 keys), whatever their names."""
    if isinstance(store, FileSystemStore):
        return sorted(p.name for p in store.root.rglob("*") if p.is_file())
    assert isinstance(store, S3Store)
    listed = raw_client(str(store.endpoint_url)).list_objects_v2(Bucket=store.bucket)
    return sorted(o["Key"].rsplit("/", 1)[-1] for o in listed.get("Contents", []))


# -- the interface, over both stores --------------------------------------------------------


def test_put_returns_the_sha256_and_get_gives_the_bytes_back(store: ObjectStore) -> None:
    key = store.put(PHOTO, "image/jpeg")
    assert key == hashlib.sha256(PHOTO).hexdigest() == object_key(PHOTO)
    assert store.get(key) == PHOTO
    assert store.exists(key)
    assert store.verify(key)
    assert isinstance(store, ObjectStore)  # the protocol, checked at run time too


def test_the_same_bytes_twice_are_one_object(store: ObjectStore) -> None:
    first = store.put(PHOTO, "image/jpeg")
    assert store.put(PHOTO, "image/jpeg") == first
    other = store.put(OTHER, "application/pdf")
    assert other != first
    assert stored_keys(store) == sorted([first, other])
    assert store.get(other) == OTHER


def test_concurrent_puts_of_the_same_bytes_store_one_intact_object(store: ObjectStore) -> None:
    start = threading.Barrier(8)

    def put(_: int) -> str:
        start.wait()
        return store.put(PHOTO, "image/jpeg")

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(put, range(8)))
    assert keys == {object_key(PHOTO)}
    assert stored_keys(store) == [object_key(PHOTO)]
    assert store.verify(object_key(PHOTO))


def test_a_missing_object(store: ObjectStore) -> None:
    store.put(OTHER, "application/pdf")  # the bucket exists: only the object is missing
    absent = object_key(b"never stored")
    assert not store.exists(absent)
    with pytest.raises(ObjectMissing):
        store.get(absent)
    with pytest.raises(ObjectMissing):
        store.verify(absent)


def test_nothing_is_missing_from_a_store_never_written(store: ObjectStore) -> None:
    """No directory yet, no bucket yet: absent, not an error."""
    absent = object_key(b"never stored")
    assert not store.exists(absent)
    with pytest.raises(ObjectMissing):
        store.get(absent)


def test_verify_reports_an_altered_object(store: ObjectStore) -> None:
    key = store.put(PHOTO, "image/jpeg")
    overwrite(store, key, PHOTO[:-1] + b"!")
    assert store.exists(key)
    assert store.verify(key) is False
    # Putting the genuine bytes again stores nothing over what is there: still reported.
    store.put(PHOTO, "image/jpeg")
    assert store.verify(key) is False


@pytest.mark.parametrize("bad", ["", "ABCDEF" + "0" * 58, "../" + "0" * 61, "0" * 63, "g" * 64,
                                 "0" * 64 + "/x"])
def test_only_a_sha256_names_an_object(store: ObjectStore, bad: str) -> None:
    for call in (store.get, store.exists, store.verify):
        with pytest.raises(ValueError, match="object key"):
            call(bad)


# -- the filesystem store ----------------------------------------------------------------


def test_files_are_content_addressed_with_two_levels(tmp_path: Path) -> None:
    store = FileSystemStore(tmp_path / "objects")  # made on demand
    key = store.put(PHOTO, "image/jpeg")
    path = tmp_path / "objects" / key[:2] / key[2:4] / key
    assert store.path(key) == path and path.read_bytes() == PHOTO
    assert stat.S_IMODE(path.stat().st_mode) == FILE_MODE
    assert [p.name for p in path.parent.iterdir()] == [key], "no temporary file is left"
    assert store.describe() == f"file:{(tmp_path / 'objects').resolve()}"


def test_a_stored_file_is_never_written_again(tmp_path: Path) -> None:
    store = FileSystemStore(tmp_path)
    key = store.put(PHOTO, "image/jpeg")
    before = store.path(key).stat()
    store.put(PHOTO, "image/jpeg")
    after = store.path(key).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_write_that_fails_leaves_no_object_and_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileSystemStore(tmp_path)

    def crash(*_: Any) -> None:
        raise OSError("disk gone at the rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        store.put(PHOTO, "image/jpeg")
    key = object_key(PHOTO)
    assert not store.exists(key)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    monkeypatch.undo()
    assert store.put(PHOTO, "image/jpeg") == key and store.verify(key)


def test_readers_never_see_half_a_file(tmp_path: Path) -> None:
    """A file appears under its key whole: written beside it, then renamed."""
    store = FileSystemStore(tmp_path)
    big = os.urandom(4 << 20)
    key = object_key(big)
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                seen.append(len(store.get(key)))
            except ObjectMissing:
                pass

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        store.put(big, "application/octet-stream")
    finally:
        done.set()
        watcher.join()
    assert set(seen) <= {len(big)}


# -- the S3 store --------------------------------------------------------------------------


def test_s3_keys_type_and_bucket(moto_url: str) -> None:
    store = s3_store(moto_url)
    client = raw_client(moto_url)
    assert store.bucket not in {b["Name"] for b in client.list_buckets()["Buckets"]}
    key = store.put(PHOTO, "image/jpeg")  # the first write makes the bucket
    head = client.head_object(Bucket=store.bucket, Key=f"sha256/{key[:2]}/{key}")
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentLength"] == len(PHOTO)
    assert store.describe() == f"s3://{store.bucket} at {moto_url}"
    store.ensure_bucket()  # made already: nothing to do


def test_s3_put_skips_the_upload_of_an_object_that_is_there(moto_url: str) -> None:
    store = s3_store(moto_url)
    store.put(PHOTO, "image/jpeg")
    calls: list[str] = []
    store._client.meta.events.register(
        "before-call.s3", lambda model, **_: calls.append(model.name))
    store.put(PHOTO, "image/jpeg")
    assert calls == ["HeadObject"]


def test_s3_store_down_is_unavailable_not_missing() -> None:
    store = S3Store("daftar", endpoint_url=f"http://127.0.0.1:{free_port()}",
                    access_key=ACCESS, secret_key=SECRET)
    key = object_key(PHOTO)
    for call in (lambda: store.put(PHOTO, "image/jpeg"), lambda: store.get(key),
                 lambda: store.exists(key)):
        with pytest.raises(ObjectStoreUnavailable):
            call()


def test_a_store_that_answers_is_reachable(store: ObjectStore) -> None:
    assert store.reachable()


def test_an_s3_store_down_or_a_directory_that_is_a_file_is_not_reachable(
        tmp_path: Path) -> None:
    assert not S3Store("daftar", endpoint_url=f"http://127.0.0.1:{free_port()}",
                       access_key=ACCESS, secret_key=SECRET).reachable()
    (tmp_path / "objects").write_bytes(b"not a directory")
    assert not FileSystemStore(tmp_path / "objects").reachable()
    assert FileSystemStore(tmp_path / "new" / "objects").reachable()  # made on demand


def test_open_store_reads_its_location(tmp_path: Path, moto_url: str) -> None:
    assert isinstance(open_store("file", root=tmp_path), FileSystemStore)
    elsewhere = open_store(f"file:{tmp_path / 'elsewhere'}", root=tmp_path)
    assert isinstance(elsewhere, FileSystemStore) and elsewhere.root == tmp_path / "elsewhere"
    s3 = open_store("s3://daftar-files", root=tmp_path, endpoint_url=moto_url,
                    access_key=ACCESS, secret_key=SECRET)
    assert isinstance(s3, S3Store) and s3.bucket == "daftar-files"
    assert s3.put(OTHER, "application/pdf") == object_key(OTHER)
    with pytest.raises(ValueError, match="unknown object store"):
        open_store("ftp://files", root=tmp_path)
