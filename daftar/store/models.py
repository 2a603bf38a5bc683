"""Read-model tables (SQLModel). Temporal is the truth; these serve lists, inboxes and stats."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from daftar.domain.stages import SLA_KEYS

#: The stages whose applications can be overdue (those with an SLA), in order, and the
#: condition on them as SQL with the values written out: the overdue list's index holds only
#: their rows, and a query uses it only when it names them the same way
#: (`daftar.store.queries.list_overdue`).
OVERDUE_STAGES = tuple(sorted(s.value for s in SLA_KEYS))
OVERDUE_STAGES_SQL = "stage IN (" + ", ".join(f"'{s}'" for s in OVERDUE_STAGES) + ")"


class UtcDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and read back aware, on SQLite (which keeps no zone) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """An aware instant converted to UTC before it is stored."""
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """A stored instant read back aware, in UTC when the database kept no zone."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _utc() -> Any:
    return Column(UtcDateTime(), nullable=False)


def _utc_nullable() -> Any:
    return Column(UtcDateTime(), nullable=True)


class CycleRecord(SQLModel, table=True):
    """A licensing cycle: reference data written by the admin's API call."""

    __tablename__ = "cycles"
    year: int = Field(primary_key=True)
    config: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=_utc())


class CityRecord(SQLModel, table=True):
    """A city of a cycle with its office capacity and launch priority (LAUNCH-1)."""

    __tablename__ = "cities"
    __table_args__ = (UniqueConstraint("cycle", "province", "city"),)
    id: int | None = Field(default=None, primary_key=True)
    cycle: int = Field(index=True, foreign_key="cycles.year")
    province: str
    city: str
    capacity: int
    priority: int
    neighbours: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))


class ApplicationRecord(SQLModel, table=True):
    """Where one application stands, as last recorded by its workflow."""

    __tablename__ = "applications"
    # The admin list (newest change first), the inboxes (oldest in a stage first) and the
    # province filters read these in order, so a deep page costs no sort of the whole cycle.
    __table_args__ = (
        Index("ix_applications_cycle_updated", "cycle", "updated_at", "application_id"),
        Index("ix_applications_cycle_stage_entered", "cycle", "stage", "stage_entered_at",
              "application_id"),
        Index("ix_applications_cycle_stage_province", "cycle", "stage", "province"),
        # The inbox's deadline order (the soonest due first) within a cycle's stages.
        Index("ix_applications_cycle_stage_due", "cycle", "stage", "due_at", "application_id"),
        # The overdue list's order (the longest overdue first) over the rows of the stages
        # that can be overdue only, with the stage and escalation it filters by: a page's keys,
        # and the count, are read from this index alone.
        Index("ix_applications_overdue", "cycle", "due_at", "application_id", "stage",
              "escalated", postgresql_where=text(OVERDUE_STAGES_SQL),
              sqlite_where=text(OVERDUE_STAGES_SQL)),
    )
    application_id: str = Field(primary_key=True, max_length=32)
    tracking_code: str = Field(unique=True, max_length=32)
    cycle: int = Field(index=True)
    stage: str = Field(index=True, max_length=32)
    province: str = Field(index=True)
    city: str
    quota: str
    #: The applicant's first and last name as the form holds them (the inbox shows and
    #: searches it); "" in rows written before it was kept, until reconciliation repairs them.
    full_name: str = ""
    registered_at: datetime = Field(sa_column=_utc())
    updated_at: datetime = Field(sa_column=_utc())
    stage_entered_at: datetime = Field(sa_column=_utc())
    due_at: datetime | None = Field(default=None, sa_column=_utc_nullable())
    escalated: bool = False
    rejected_stage: str | None = None
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    licence_number: str | None = None
    office_province: str | None = None
    office_city: str | None = None
    exam_total: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 4)))
    interview_score: Decimal | None = Field(default=None, sa_column=Column(Numeric(7, 2)))
    claimed_by: str | None = None  # the reviewer holding the waiting decision
    claim_expires_at: datetime | None = Field(default=None, sa_column=_utc_nullable())
    #: The admin who assigned the waiting decision to `claimed_by` (COR-3), if one did.
    claim_assigned_by: str | None = None
    version: int = 0
    #: The history length of the workflow task that wrote this row: a write from an earlier
    #: task (or from an attempt Temporal discarded) never overwrites one from a later task.
    history_length: int = 0


class DecisionRow(SQLModel, table=True):
    """An accepted decision or event; security reasons are never copied here (SEC-1)."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("application_id", "seq"),
                      Index("ix_decisions_role_actor_at", "role", "actor", "at"))
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(index=True, max_length=32)
    seq: int
    stage: str
    outcome: str
    actor: str
    role: str
    at: datetime = Field(sa_column=_utc())
    score: Decimal | None = Field(default=None, sa_column=Column(Numeric(12, 4)))
    reason: str | None = None
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class EscalationRow(SQLModel, table=True):
    """A stage whose SLA passed without a decision."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("application_id", "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(index=True, max_length=32)
    tracking_code: str
    cycle: int = Field(index=True)
    stage: str
    due_at: datetime = Field(sa_column=_utc())
    escalated_at: datetime = Field(sa_column=_utc())


class PhotoRecord(SQLModel, table=True):
    """An uploaded photo (REG-4): its hash and metadata; an upload retried is one row.

    The bytes are in the object store under the hash (daftar.store.objects), one object for
    every row that names them.
    """

    __tablename__ = "photos"
    application_id: str = Field(primary_key=True, max_length=32)
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    content_type: str = Field(default="image/jpeg", max_length=100)
    uploaded_at: datetime = Field(sa_column=_utc())
    #: The bytes of a photo stored before revision 0011 (photos then lived in this table),
    #: until `daftar.store.photos.move_photo_bytes` has put them in the object store; None
    #: for every photo stored since.
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class StageCount(SQLModel, table=True):
    """Applications per cycle × province × stage, kept current by every upsert (stats)."""

    __tablename__ = "stage_counts"
    cycle: int = Field(primary_key=True)
    province: str = Field(primary_key=True)
    stage: str = Field(primary_key=True, max_length=32)
    n: int = 0


class ExamLoad(SQLModel, table=True):
    """The current exam-result load of a cycle and its publication's progress (EXAM-2)."""

    __tablename__ = "exam_loads"
    cycle: int = Field(primary_key=True)
    scale: Decimal = Field(sa_column=Column(Numeric(12, 4), nullable=False))
    #: Rounded to 6 decimals, for display; EXAM-2 judges against `pass_mark_exact`.
    pass_mark: Decimal = Field(sa_column=Column(Numeric(16, 6), nullable=False))
    #: The exact pass mark (`str` of the Decimal); None for loads stored before revision 0007.
    pass_mark_exact: str | None = Field(default=None, sa_column=Column(String(64)))
    top_count: int
    top_mean: Decimal = Field(sa_column=Column(Numeric(16, 6), nullable=False))
    candidates: int
    passed: int
    loaded_by: str
    loaded_at: datetime = Field(sa_column=_utc())
    state: str = "loaded"  # loaded → publishing → published
    sent: int = 0
    skipped: int = 0
    published_at: datetime | None = Field(default=None, sa_column=_utc_nullable())


class ExamScore(SQLModel, table=True):
    """One candidate's loaded result: answer counts, standardized scores and total (EXAM-4)."""

    __tablename__ = "exam_scores"
    cycle: int = Field(primary_key=True)
    application_id: str = Field(primary_key=True, max_length=32)
    tracking_code: str = Field(max_length=32)
    counts: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    standard: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    #: Rounded to 6 decimals, for display and sorting; EXAM-2 and LAUNCH-1 use `total_exact`.
    total: Decimal = Field(sa_column=Column(Numeric(16, 6), nullable=False))
    #: The exact total (`str` of the Decimal); None for loads stored before revision 0007.
    total_exact: str | None = Field(default=None, sa_column=Column(String(64)))
    passed: bool  # EXAM-2, decided at load time on the exact values
    outcome: str | None = None  # after publication: sent, or why it was not applied


class LaunchRound(SQLModel, table=True):
    """A launch round (LAUNCH-1) and the progress of sending its offices."""

    __tablename__ = "launch_rounds"
    cycle: int = Field(primary_key=True)
    number: int = Field(primary_key=True)
    relocate: bool
    run_by: str
    run_at: datetime = Field(sa_column=_utc())
    placed: int
    waiting: int
    state: str = "sending"  # sending → done
    sent: int = 0
    skipped: int = 0


class PlacementRecord(SQLModel, table=True):
    """A candidate's seat from a launch round (LAUNCH-1, VET-2)."""

    __tablename__ = "placements"
    cycle: int = Field(primary_key=True)
    application_id: str = Field(primary_key=True, max_length=32)
    round: int = Field(index=True)
    rank: int
    province: str
    city: str
    reserved: bool
    relocation: str
    outcome: str | None = None


class SavedFilter(SQLModel, table=True):
    """A named inbox filter that a team (everyone with one role) shares."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("team", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(max_length=32)
    name: str = Field(max_length=100)
    params: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    created_by: str
    created_at: datetime = Field(sa_column=_utc())


class ExamSessionRecord(SQLModel, table=True):
    """A cycle's exam session (EXAM-5): the day, the start time and when cards open."""

    __tablename__ = "exam_sessions"
    cycle: int = Field(primary_key=True)
    exam_date: str = Field(max_length=10)  # Jalali YYYY/MM/DD
    start_time: str = Field(max_length=5)  # HH:MM, Tehran
    card_date: str = Field(max_length=10)  # Jalali YYYY/MM/DD
    #: Bumped by every setting that assigns seats anew; each candidate's history holds the
    #: version of the seat it was given.
    version: int = 1
    set_by: str
    set_at: datetime = Field(sa_column=_utc())
    #: How far the seats' fan-out to the candidates' workflows has got.
    sent: int = 0
    skipped: int = 0


class VenueRecord(SQLModel, table=True):
    """A venue of a cycle's exam in a province centre, with its seats (EXAM-5)."""

    __tablename__ = "exam_venues"
    cycle: int = Field(primary_key=True)
    venue_id: str = Field(primary_key=True, max_length=16)
    province_code: str = Field(max_length=2)
    province: str  # Persian name
    city: str  # Persian name of the centre
    name: str
    address: str
    seats: int


class SeatRecord(SQLModel, table=True):
    """A candidate's seat at the exam (EXAM-5), and whether their workflow has it."""

    __tablename__ = "exam_seats"
    # Unique: a seat taken on entry (store.exam_sessions.take_seat) may race another.
    __table_args__ = (Index("ix_exam_seats_venue", "cycle", "venue_id", "seat", unique=True),)
    cycle: int = Field(primary_key=True)
    application_id: str = Field(primary_key=True, max_length=32)
    tracking_code: str = Field(max_length=32)
    venue_id: str = Field(max_length=16)
    seat: int
    version: int
    outcome: str | None = None


class NoticeRecord(SQLModel, table=True):
    """NOTE-1's outbox: one SMS to an applicant per history event, sent once.

    Keyed on the event (`key`, the workflow's), so a retried or replayed activity finds its
    row; the provider is given the key as its idempotency key. Not part of the read model:
    Temporal's histories cannot rebuild what was sent.
    """

    __tablename__ = "notices"
    # The admin's view lists one application's notices, or everything by status, newest first;
    # the per-number rate limit counts one number's sends of the last hour.
    __table_args__ = (
        Index("ix_notices_application_created", "application_id", "created_at"),
        Index("ix_notices_status_created", "status", "created_at"),
        Index("ix_notices_to_sent", "to", "sent_at"),
    )
    key: str = Field(primary_key=True, max_length=200)
    application_id: str = Field(max_length=32)
    tracking_code: str = Field(max_length=32)
    event: str = Field(max_length=32)
    channel: str = Field(default="sms", max_length=16)
    to: str = Field(max_length=20)
    #: The template and its version that wrote `text`, e.g. `registered.v1`.
    template: str = Field(max_length=64)
    text: str
    status: str = Field(default="pending", max_length=16)  # pending|sent|failed|deferred
    attempts: int = 0  # calls of the provider
    last_error: str | None = None
    provider_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=_utc())
    sent_at: datetime | None = Field(default=None, sa_column=_utc_nullable())


class LocalSmsRecord(SQLModel, table=True):
    """A message the local SMS provider would have sent (embedded stack and tests only).

    Every call is one row, with no de-duplication of its own: that is the outbox's work.
    """

    __tablename__ = "sms_local"
    __table_args__ = (Index("ix_sms_local_at", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=20)
    text: str
    idempotency_key: str = Field(max_length=200)
    at: datetime = Field(sa_column=_utc())


class PortalCodeRecord(SQLModel, table=True):
    """A one-time sign-in code of the applicant portal (PORTAL-1), kept only as its HMAC.

    The latest code of an application is the one that counts; `attempts` counts wrong tries
    of it and `used_at` marks it spent. `number` is an HMAC of the mobile it was sent to (never
    the number itself), for the per-number rate limit. Not part of the read model: rows older
    than a day are deleted as new codes are issued.
    """

    __tablename__ = "portal_codes"
    __table_args__ = (
        Index("ix_portal_codes_application_created", "application_id", "created_at"),
        Index("ix_portal_codes_number_created", "number", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(max_length=32)
    number: str = Field(max_length=64)
    code_hash: str = Field(max_length=64)
    attempts: int = 0
    created_at: datetime = Field(sa_column=_utc())
    expires_at: datetime = Field(sa_column=_utc())
    used_at: datetime | None = Field(default=None, sa_column=_utc_nullable())
