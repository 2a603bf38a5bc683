"""Application ids and tracking codes (REG-3, REG-5): keyed, so no national id shows in them."""

from __future__ import annotations

import hashlib
import hmac


def application_id(key: bytes, year: int, national_id: str) -> str:
    """The one application of a national id in a cycle (REG-5), as 16 hex digits.

    A keyed hash: the same person in the same cycle always maps to the same id, which makes
    Temporal's workflow-id uniqueness the guard against a second application, and without the
    key the id reveals nothing.
    """
    digest = hmac.new(key, f"{year}:{national_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def tracking_code(app_id: str) -> str:
    """REG-3: the applicant's tracking code, 20 digits, one-to-one with the application id."""
    return str(int(app_id, 16)).zfill(20)


def application_id_of_tracking_code(code: str) -> str | None:
    """The application a tracking code stands for, or None when it is not one."""
    if not (code.isdigit() and len(code) == 20) or int(code) >= 16**16:
        return None
    return f"{int(code):016x}"
