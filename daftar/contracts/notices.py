"""What a workflow sends the notice activity (NOTE-1): one SMS about one history event."""

from __future__ import annotations

from pydantic import BaseModel, Field

from daftar.domain.notices import NoticeEvent

__all__ = ["NoticeEvent", "NoticeIn"]


class NoticeIn(BaseModel):
    """One message to an applicant, keyed on the history event it tells them of.

    The same `key` is the same message: the outbox holds it once and the provider is given it
    as its idempotency key, so retries, crashes and replays send it once. The workflow makes
    it deterministic, e.g. `<application_id>:<event>:<state version>`.
    """

    key: str = Field(min_length=1, max_length=200)
    application_id: str = Field(max_length=32)
    tracking_code: str = Field(max_length=32)
    #: The applicant's mobile as the registration stores it (`09…`, ASCII digits).
    mobile: str = Field(max_length=20)
    event: NoticeEvent
    #: The event's facts (daftar.domain.notices.render lists them): `stage`, `outcome`,
    #: `score`, `deadline` (Jalali), `exam_date`, `start_time`, `missing`, `document` (its
    #: Persian name), `province`, `city`, `licence_number`, `cycle`. Never a reason.
    params: dict[str, str] = Field(default_factory=dict)
