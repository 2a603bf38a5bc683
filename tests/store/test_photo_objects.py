"""Photos move to the object store: a read model at revision 0010 with photos' bytes in its
table is migrated, the bytes moved (verified, then NULL in the table), and the photos are
served as before; the move is idempotent, resumable, and loses nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from daftar.app import create_app
from daftar.console.session import COOKIE
from daftar.core.errors import ServiceError
from daftar.domain.stages import Role
from daftar.services.auth import issue_token
from daftar.services.photos import stored_bytes
from daftar.store.db import alembic_config, current_revision, head_revision, make_engine, migrate
from daftar.store.db import session_factory as sessions_of
from daftar.store.models import PhotoRecord
from daftar.store.objects import (
    FileSystemStore,
    ObjectStore,
    ObjectStoreUnavailable,
    S3Store,
    object_key,
)
from daftar.store.photos import move_photo_bytes
from tests.api.helpers import SECRET
from tests.conftest import free_port
from tests.stacks import api_settings
from tests.store.test_migrations import WRITES, postgres_database

DAFTAR = str(Path(sys.executable).parent / "daftar")
AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
#: Photos as revision 0010 kept them: (application id, bytes). Two applicants sent the same
#: bytes (one object, two rows); one sent two photos.
PHOTOS = [("a" * 32, b"\xff\xd8 first photo of a"), ("a" * 32, b"\xff\xd8 second photo of a"),
          ("b" * 32, b"\xff\xd8 a photo two applicants sent"),
          ("c" * 32, b"\xff\xd8 a photo two applicants sent"),
          *((f"{i:032d}", f"\xff\xd8 photo {i}".encode()) for i in range(7))]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0010(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A read model at revision 0010 holding PHOTOS' bytes in `photos.content`."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'read.db'}")
        try:
            yield fill_0010(engine)
        finally:
            engine.dispose()
        return
    with postgres_database() as url:
        engine = make_engine(url)
        try:
            yield fill_0010(engine)
        finally:
            engine.dispose()


def fill_0010(engine: Engine, photos: list[tuple[str, bytes]] = PHOTOS) -> Engine:
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0010")
        for i, (app_id, content) in enumerate(photos):
            conn.execute(text(
                "INSERT INTO photos (application_id, sha256, content, uploaded_at) "
                "VALUES (:a, :s, :c, :t)"), {"a": app_id, "s": hashlib.sha256(content).hexdigest(),
                                             "c": content, "t": AT + timedelta(minutes=i)})
    assert current_revision(engine) == "0010"
    return engine


def rows(engine: Engine) -> dict[tuple[str, str], PhotoRecord]:
    with Session(engine) as session:
        return {(r.application_id, r.sha256): r for r in session.exec(select(PhotoRecord))}


def objects_in(store: FileSystemStore) -> set[str]:
    return {p.name for p in store.root.rglob("*") if p.is_file()}


def test_migrating_keeps_the_bytes_then_the_move_puts_them_in_the_store(
        engine_at_0010: Engine, tmp_path: Path) -> None:
    engine = engine_at_0010
    migrate(engine)
    assert current_revision(engine) == head_revision()
    # The schema's revision loses nothing: the bytes wait in the table, sized and typed.
    before = rows(engine)
    assert len(before) == len(PHOTOS)
    for (_, sha256), row in before.items():
        assert row.content is not None and hashlib.sha256(row.content).hexdigest() == sha256
        assert row.size == len(row.content) and row.content_type == "image/jpeg"

    store = FileSystemStore(tmp_path / "objects")
    done = move_photo_bytes(sessions_of(engine), store, batch=3)
    assert (done.moved, done.kept) == (len(PHOTOS), [])
    after = rows(engine)
    assert all(r.content is None for r in after.values())
    assert objects_in(store) == {object_key(c) for _, c in PHOTOS}  # the shared one once
    for _, content in PHOTOS:
        assert store.get(object_key(content)) == content
    for key, row in after.items():
        assert (row.size, row.content_type, row.uploaded_at) == (
            before[key].size, "image/jpeg", before[key].uploaded_at)


def test_the_move_is_idempotent_and_resumes_after_a_failure(
        engine_at_0010: Engine, tmp_path: Path) -> None:
    engine = engine_at_0010
    migrate(engine)
    store = FileSystemStore(tmp_path / "objects")

    class FailsAfter:
        """The store, going down after `n` puts."""

        def __init__(self, n: int) -> None:
            self.left = n

        def put(self, data: bytes, content_type: str) -> str:
            if self.left == 0:
                raise ObjectStoreUnavailable("down")
            self.left -= 1
            return store.put(data, content_type)

        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

    with pytest.raises(ObjectStoreUnavailable):
        move_photo_bytes(sessions_of(engine), FailsAfter(5), batch=2)  # type: ignore[arg-type]
    half = rows(engine)
    moved = [k for k, r in half.items() if r.content is None]
    assert len(moved) == 4, "two whole batches committed, the third rolled back"
    for app_id, sha256 in half:  # every photo is somewhere, intact
        row = half[(app_id, sha256)]
        data = row.content if row.content is not None else store.get(sha256)
        assert hashlib.sha256(data).hexdigest() == sha256

    done = move_photo_bytes(sessions_of(engine), store, batch=2)
    assert done.moved == len(PHOTOS) - 4
    assert all(r.content is None for r in rows(engine).values())

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        again = move_photo_bytes(sessions_of(engine), store)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert (again.moved, again.kept) == (0, [])
    assert statements and [s for s in statements if WRITES.match(s)] == []


def test_bytes_that_do_not_match_their_hash_stay_in_the_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'read.db'}")
    try:
        fill_0010(engine, PHOTOS[:2])
        with engine.begin() as conn:
            conn.execute(text("UPDATE photos SET content = :c WHERE sha256 = :s"),
                         {"c": b"damaged", "s": object_key(PHOTOS[0][1])})
        migrate(engine)
        store = FileSystemStore(tmp_path / "objects")
        done = move_photo_bytes(sessions_of(engine), store)
        assert done.moved == 1
        assert done.kept == [(PHOTOS[0][0], object_key(PHOTOS[0][1]))]
        kept = rows(engine)[(PHOTOS[0][0], object_key(PHOTOS[0][1]))]
        assert kept.content == b"damaged", "nothing is lost"
        assert objects_in(store) == {object_key(PHOTOS[1][1])}
    finally:
        engine.dispose()


def test_daftar_migrate_moves_the_photos_into_s3(tmp_path: Path, moto_url: str) -> None:
    """The production path: `daftar migrate` (compose's `migrate` service) against S3."""
    url = f"sqlite:///{tmp_path / 'read.db'}"
    engine = make_engine(url)
    try:
        fill_0010(engine)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")} | {
            "DATABASE_URL": url, "DAFTAR_DATA_DIR": str(tmp_path),
            "DAFTAR_OBJECT_STORE": "s3://daftar-migrate", "DAFTAR_S3_ENDPOINT_URL": moto_url,
            "DAFTAR_S3_ACCESS_KEY": "minio", "DAFTAR_S3_SECRET_KEY": "minio-secret"}
        first = subprocess.run([DAFTAR, "migrate"], capture_output=True, text=True, env=env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.splitlines() == [
            f"read model at revision {head_revision()} (was 0010)",
            f"moved {len(PHOTOS)} photos' bytes to s3://daftar-migrate at {moto_url}"]
        again = subprocess.run([DAFTAR, "migrate"], capture_output=True, text=True, env=env)
        assert again.stdout.splitlines() == [f"read model at revision {head_revision()}"]
        assert all(r.content is None for r in rows(engine).values())
        s3 = S3Store("daftar-migrate", endpoint_url=moto_url, access_key="minio",
                     secret_key="minio-secret")
        for _, content in PHOTOS:
            assert s3.get(object_key(content)) == content
            assert s3.verify(object_key(content))
        assert not (tmp_path / "objects").exists()
    finally:
        engine.dispose()


def test_daftar_migrate_without_the_s3_keys_names_them(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAFTAR_")} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'read.db'}", "DAFTAR_DATA_DIR": str(tmp_path),
        "DAFTAR_ENVIRONMENT": "production", "DAFTAR_OBJECT_STORE": "s3://daftar"}
    out = subprocess.run([DAFTAR, "migrate"], capture_output=True, text=True, env=env)
    assert out.returncode == 2
    assert "DAFTAR_S3_ACCESS_KEY" in out.stderr


async def test_the_app_moves_old_photos_at_start_and_serves_them(tmp_path: Path) -> None:
    """The embedded stack runs no `daftar migrate`: the API's start moves the bytes, and the
    console serves the photo from the store (and one still in the table before that)."""
    engine = fill_0010(make_engine(f"sqlite:///{tmp_path / 'read.db'}"))
    try:
        migrate(engine)
        store = FileSystemStore(tmp_path / "objects")
        app_id, content = PHOTOS[1]
        token = issue_token(SECRET, sub="clerk", roles=[Role.admin], ttl=timedelta(hours=1))

        async def photo(objects: ObjectStore) -> httpx.Response:
            app = create_app(api_settings("unused", data_dir=tmp_path), engine=engine,
                             objects=objects)
            async with (app.router.lifespan_context(app),
                        httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                          base_url="http://daftar",
                                          cookies={COOKIE: token}) as client):
                return await client.get(f"/console/applications/{app_id}/photo",
                                        params={"sha": object_key(content)})

        class Down:
            """A store that never answers: the app starts, and serves what the table holds."""

            def __getattr__(self, name: str) -> Any:
                if name == "describe":
                    return lambda: "down"
                raise ObjectStoreUnavailable(name)

        r = await photo(Down())  # type: ignore[arg-type]
        assert r.status_code == 200 and r.content == content
        assert rows(engine)[(app_id, object_key(content))].content == content

        r = await photo(store)
        assert r.status_code == 200, r.text
        assert r.content == content and r.headers["content-type"] == "image/jpeg"
        assert all(row.content is None for row in rows(engine).values())
        assert store.get(object_key(content)) == content

        store.path(object_key(content)).unlink()  # the store lost it: said, not hidden
        r = await photo(store)
        assert r.status_code == 500 and 'data-code="object_missing"' in r.text
        assert "در انبار فایل‌ها پیدا نشد" in r.text
    finally:
        engine.dispose()


def test_a_photo_read_while_the_store_is_down_is_a_503(tmp_path: Path) -> None:
    down = S3Store("daftar", endpoint_url=f"http://127.0.0.1:{free_port()}",
                   access_key="a", secret_key="b")
    row = PhotoRecord(application_id="a" * 32, sha256=object_key(b"x"), size=1,
                      uploaded_at=AT)
    with pytest.raises(ServiceError) as err:
        stored_bytes(down, row)
    assert (err.value.status, err.value.code) == (503, "unavailable")
    assert err.value.retry_after
    with pytest.raises(ServiceError) as err:
        stored_bytes(FileSystemStore(tmp_path), row)
    assert (err.value.status, err.value.code) == (500, "object_missing")
    row.content = b"x"  # not moved yet: read from the row, the store not asked
    assert stored_bytes(down, row) == b"x"
