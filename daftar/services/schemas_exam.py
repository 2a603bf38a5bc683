"""The exam session's models (docs/api.md `PUT /v1/cycles/{year}/exam-sessions`, EXAM-5)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from daftar.services.schemas import Instant, Strict, Text


class VenueIn(Strict):
    """A venue in a province centre: the province and city by Persian or English name."""

    province: Text = Field(min_length=1, max_length=100)
    city: Text = Field(min_length=1, max_length=100)
    name: Text = Field(min_length=1, max_length=200)
    address: Text = Field(min_length=1, max_length=500)
    seats: int = Field(gt=0, le=100_000)


class ExamSessionBody(Strict):
    """The exam's day, start time, the day cards open, and the venues (EXAM-5)."""

    exam_date: str = Field(description="Jalali YYYY/MM/DD")
    start_time: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                            description="HH:MM, Tehran time")
    card_date: str = Field(description="Jalali YYYY/MM/DD: cards open from this day")
    venues: list[VenueIn] = Field(min_length=1, max_length=2000)


class VenueView(BaseModel):
    """A venue with its seats and how many are given."""

    venue_id: str
    province_code: str
    province: str
    city: str
    name: str
    address: str
    seats: int
    assigned: int


class AttendanceRow(BaseModel):
    """One seat of a venue's attendance sheet."""

    seat: int
    tracking_code: str
    application_id: str


class ExamSessionView(BaseModel):
    """The cycle's exam session, its venues, the seats' delivery, and one venue's sheet."""

    cycle: int
    exam_date: str
    start_time: str
    card_date: str
    version: int
    set_by: str
    set_at: Instant
    #: Whether seats are fixed (from the card date on, EXAM-5).
    seats_fixed: bool
    candidates: int
    #: Candidates waiting for the exam with no seat, per province code: their province's
    #: venues were full when they came (add venues or seats).
    unseated: dict[str, int] = Field(default_factory=dict)
    #: Seats delivered to the candidates' workflows so far, and those that could not be.
    sent: int
    skipped: int
    venues: list[VenueView]
    attendance: list[AttendanceRow] | None = None
