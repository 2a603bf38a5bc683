"""The applicant's photo (REG-4).

Checked, its bytes stored, then its hash given to the workflow; staff read the bytes back.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import Session

from daftar.contracts.applicant import PhotoIn
from daftar.contracts.workflows import Applicant
from daftar.core.errors import ServiceError, violations_error
from daftar.domain.photo import check_photo
from daftar.gateway.workflows import Applicants
from daftar.services.auth import Principal, actor
from daftar.store import photos
from daftar.store.db import SessionFactory


async def submit_photo(applicants: Applicants, sessions: SessionFactory, principal: Principal,
                       app_id: str, data: bytes) -> None:
    """Check the JPG, store it, then send it to the workflow.

    A photo the workflow refuses (the wrong stage, a closed window) leaves nothing stored.

    Raises:
        ServiceError: 422 for a photo that breaks REG-4, 404 for an unknown application, or
            the workflow's refusal.
    """
    photo = await asyncio.to_thread(check_photo, data)
    if photo.violations:
        raise violations_error("The photo does not meet REG-4.", photo.violations)
    assert photo.width is not None and photo.height is not None
    await applicants.exists(app_id)  # 404 before storing bytes for an unknown application
    # Stored before the workflow records its hash, so a recorded photo always has its bytes.
    stored = await asyncio.to_thread(photos.store_photo, sessions, application_id=app_id,
                                     sha256=photo.sha256, content=data, at=datetime.now(UTC))
    try:
        await applicants.update(app_id, Applicant.submit_photo, PhotoIn(
            actor=actor(principal), sha256=photo.sha256, width=photo.width,
            height=photo.height, size=photo.size))
    except ServiceError as err:
        if stored and err.status != 503:  # refused for sure; after a 503 it may be recorded
            await _discard(applicants, sessions, app_id, photo.sha256)
        raise


async def _discard(applicants: Applicants, sessions: SessionFactory, app_id: str,
                   sha256: str) -> None:
    """Delete the bytes this request stored for a refused photo.

    Left alone when the application's photo is these same bytes after all (the same upload, accepted
    concurrently).
    """
    try:
        state = await applicants.state(app_id)
    except ServiceError:
        return  # cannot tell: the bytes stay
    if state.photo is not None and state.photo.sha256 == sha256:
        return
    await asyncio.to_thread(photos.delete_photo, sessions, application_id=app_id,
                            sha256=sha256)


def photo_bytes(session: Session, app_id: str, sha256: str | None = None) -> bytes:
    """The application's latest photo (or the one with `sha256`), for staff.

    Raises:
        ServiceError: 404 when there is none.
    """
    found = photos.latest_photo(session, app_id, sha256)
    if found is None:
        raise ServiceError(404, "not_found", f"No photo of application {app_id}.")
    return found.content
