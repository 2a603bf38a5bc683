"""The photo upload (REG-4): the bytes go to the object store and a row names them; a refused
photo leaves no row (and the object, which another row may name), and a JPEG whose header
claims another size than its image data fills is refused."""

from __future__ import annotations

import hashlib
import struct

import httpx
from sqlmodel import Session, col, select

from daftar.domain.stages import Role
from daftar.store.models import PhotoRecord
from tests.api.helpers import (
    Applicant,
    Stack,
    advance,
    image,
    put_photo,
    register,
    rules_of,
    token,
)


def stored(stack: Stack, app_id: str) -> set[str]:
    """The hashes of the photos stored for an application."""
    with Session(stack.engine) as session:
        return set(session.exec(select(PhotoRecord.sha256).where(
            col(PhotoRecord.application_id) == app_id)))


def claiming(data: bytes, width: int, height: int) -> bytes:
    """`data` (a JPEG) with its frame header's size changed, its image data as it was."""
    pos = 2
    while data[pos + 1] not in (0xC0, 0xC1, 0xC2):
        pos += 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
    return data[:pos + 5] + struct.pack(">HH", height, width) + data[pos + 9:]


async def test_a_photo_refused_at_the_wrong_stage_stores_nothing(
        api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    app = await register(api)
    await advance(api, app, "awaiting_exam")  # photo (image()) and fee are in
    accepted = hashlib.sha256(image()).hexdigest()
    assert stored(stack, app.id) == {accepted}
    assert stack.objects.get(accepted) == image()
    with Session(stack.engine) as session:
        row = session.get(PhotoRecord, (app.id, accepted))
        assert row is not None and row.content is None, "the read model keeps no bytes"
        assert (row.size, row.content_type) == (len(image()), "image/jpeg")

    other = image(size=(260, 360))
    r = await put_photo(api, app, other)
    assert r.status_code == 409 and rules_of(r) == ["REG-4"], r.text
    assert stored(stack, app.id) == {accepted}

    # The accepted photo sent again is refused as well, and its bytes stay.
    r = await put_photo(api, app, image())
    assert r.status_code == 409, r.text
    assert stored(stack, app.id) == {accepted}


async def test_a_header_claiming_more_pixels_than_the_data_is_refused(
        api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    app = await register(api)
    forged = claiming(image(size=(250, 350)), 300, 400)
    r = await put_photo(api, app, forged)
    assert r.status_code == 422 and rules_of(r) == ["REG-4"], r.text
    assert "300×400" in r.text
    assert stored(stack, app.id) == set()
    assert (await put_photo(api, app, image(size=(300, 400)))).status_code == 204


async def test_a_refused_photo_leaves_the_object_another_application_names(
        api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    shared = image(size=(270, 370))
    key = hashlib.sha256(shared).hexdigest()
    first = await register(api)
    assert (await put_photo(api, first, shared)).status_code == 204
    second = await register(api)
    await advance(api, second, "awaiting_exam")  # its photo is in: another is refused
    r = await put_photo(api, second, shared)
    assert r.status_code == 409, r.text
    assert key not in stored(stack, second.id)
    assert stored(stack, first.id) == {key}
    assert stack.objects.get(key) == shared, "the first application's photo keeps its bytes"


async def test_a_photo_for_an_application_with_no_workflow_is_404_and_leaves_no_row(
        api: httpx.AsyncClient, stack: Stack, cycle: int) -> None:
    # A valid applicant token whose application never started (or is gone): the photo is
    # checked and stored, the workflow is not there, and the row is discarded.
    ghost = Applicant(id="0" * 16, token=token(Role.applicant, sub="0" * 16),
                      tracking_code="", national_id="")
    r = await put_photo(api, ghost, image())
    assert r.status_code == 404, r.text
    assert stored(stack, ghost.id) == set()
