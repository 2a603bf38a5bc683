"""The applicant's photo (REG-4).

Checked, its bytes put in the object store and its row (hash, size, type) in the read model,
then its hash given to the workflow; staff read the bytes back from the store.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import structlog
from sqlmodel import Session

from daftar.contracts.applicant import PhotoIn
from daftar.contracts.workflows import Applicant
from daftar.core.errors import ServiceError, violations_error
from daftar.domain.photo import check_photo
from daftar.gateway.workflows import Applicants
from daftar.services.auth import Principal, actor
from daftar.services.objects import (
    ObjectMissing,
    ObjectStore,
    ObjectStoreUnavailable,
    service_error,
)
from daftar.store import photos
from daftar.store.db import SessionFactory
from daftar.store.models import PhotoRecord

log = structlog.get_logger("daftar.photos")

#: What REG-4 accepts, and so the type every photo is stored with.
PHOTO_TYPE = "image/jpeg"


async def submit_photo(applicants: Applicants, sessions: SessionFactory, objects: ObjectStore,
                       principal: Principal, app_id: str, data: bytes) -> None:
    """Check the JPG, store it, then send it to the workflow.

    A photo the workflow refuses (the wrong stage, a closed window) leaves no row; its bytes
    may stay in the object store, where other rows may name the same object.

    Raises:
        ServiceError: 422 for a photo that breaks REG-4, 404 for an unknown application (its
            row discarded), 503 while the object store is down, or the workflow's refusal.
    """
    photo = await asyncio.to_thread(check_photo, data)
    if photo.violations:
        raise violations_error("The photo does not meet REG-4.", photo.violations)
    assert photo.width is not None and photo.height is not None
    # No call to Temporal first: the sender is the application's own applicant (the route
    # checks it), whose token is issued only once its workflow has started. Should the
    # workflow be gone all the same, the update's 404 discards the row stored below.
    # Stored before the workflow records its hash, so a recorded photo always has its bytes:
    # the object first, then the row that names it.
    try:
        key = await asyncio.to_thread(objects.put, data, PHOTO_TYPE)
    except ObjectStoreUnavailable as err:
        raise service_error(err, "the photo") from err
    assert key == photo.sha256
    stored = await asyncio.to_thread(photos.store_photo, sessions, application_id=app_id,
                                     sha256=photo.sha256, size=len(data),
                                     content_type=PHOTO_TYPE, at=datetime.now(UTC))
    try:
        await applicants.update(app_id, Applicant.submit_photo, PhotoIn(
            actor=actor(principal), sha256=photo.sha256, width=photo.width,
            height=photo.height, size=photo.size))
    except ServiceError as err:
        if stored and err.status == 404:  # no such workflow: nothing recorded the photo
            await asyncio.to_thread(photos.delete_photo, sessions, application_id=app_id,
                                    sha256=photo.sha256)
        elif stored and err.status != 503:  # refused for sure; after a 503 it may be recorded
            await _discard(applicants, sessions, app_id, photo.sha256)
        raise


async def _discard(applicants: Applicants, sessions: SessionFactory, app_id: str,
                   sha256: str) -> None:
    """Delete the row this request stored for a refused photo.

    Left alone when the application's photo is these same bytes after all (the same upload, accepted
    concurrently). The object stays: content-addressed, it may be another row's photo too.
    """
    try:
        state = await applicants.state(app_id)
    except ServiceError:
        return  # cannot tell: the bytes stay
    if state.photo is not None and state.photo.sha256 == sha256:
        return
    await asyncio.to_thread(photos.delete_photo, sessions, application_id=app_id,
                            sha256=sha256)


def photo_bytes(session: Session, objects: ObjectStore, app_id: str,
                sha256: str | None = None) -> bytes:
    """The application's latest photo (or the one with `sha256`), for staff; blocking.

    Raises:
        ServiceError: 404 when there is none; 503 while the object store is down.
    """
    found = photos.latest_photo(session, app_id, sha256)
    if found is None:
        raise ServiceError(404, "not_found", f"No photo of application {app_id}.")
    return stored_bytes(objects, found)


def stored_bytes(objects: ObjectStore, photo: PhotoRecord) -> bytes:
    """The bytes of a recorded photo, from the object store.

    A photo stored before revision 0011 is read from its row until it is moved
    (`photos.move_photo_bytes`).

    Raises:
        ServiceError: 503 while the store is down; 500 when it lost the object.
    """
    if photo.content is not None:
        return photo.content
    try:
        return objects.get(photo.sha256)
    except (ObjectMissing, ObjectStoreUnavailable) as err:
        if isinstance(err, ObjectMissing):
            log.error("photo missing from the object store", application_id=photo.application_id,
                      sha256=photo.sha256, objects=objects.describe())
        raise service_error(err, f"photo {photo.sha256}") from err


def move_photos(sessions: SessionFactory, objects: ObjectStore) -> photos.Moved:
    """Move photos' bytes from the read model (before revision 0011) into the object store.

    Blocking, idempotent and resumable (`photos.move_photo_bytes`); logs what it did, and each
    photo left in the read model because its bytes do not match its hash.
    """
    done = photos.move_photo_bytes(sessions, objects)
    if done.moved:
        log.info("photo bytes moved to the object store", moved=done.moved,
                 objects=objects.describe())
    for app_id, sha256 in done.kept:
        log.error("photo bytes do not match their hash: left in the read model",
                  application_id=app_id, sha256=sha256)
    return done
