"""Models of the cohort steps (exam results, launch rounds, stats).

The API's and the console dashboard's.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from daftar.store.models import ExamLoad, LaunchRound, PlacementRecord


class _Strict(BaseModel):
    """A request model that refuses fields it does not know."""

    model_config = ConfigDict(extra="forbid")


class Counts(_Strict):
    """One subject's answer counts."""

    correct: int
    wrong: int


class ResultRow(_Strict):
    """One candidate's answer counts per subject, by tracking code; or `absent` (EXAM-6)."""

    tracking_code: str = Field(min_length=1, max_length=32)
    subjects: dict[str, Counts] = Field(default_factory=dict)
    #: The candidate did not sit the exam (EXAM-6): no subjects, no score.
    absent: bool = False


class ExamResultsBody(_Strict):
    """Answer counts per candidate and subject (EXAM-4); `taraz_scale` confirms S."""

    rows: list[ResultRow] = Field(min_length=1, max_length=200_000)
    taraz_scale: Decimal | None = Field(default=None, gt=0)


class ExamLoadView(BaseModel):
    """A cycle's loaded exam results (EXAM-2, EXAM-4) and the publication's progress."""

    cycle: int
    scale: Decimal
    pass_mark: Decimal
    top_count: int
    top_mean: Decimal
    candidates: int
    passed: int
    pass_rate: Decimal
    loaded_by: str
    loaded_at: datetime
    state: str
    sent: int
    skipped: int
    published_at: datetime | None
    #: EXAM-6: candidates with no result, whom publication ends (or ended) as absent; the
    #: exam officer confirms this number when publishing.
    absent: int = 0

    @classmethod
    def of(cls, load: ExamLoad, *, absent: int = 0) -> ExamLoadView:
        """The view of a stored load, with the candidates it has no result for (EXAM-6)."""
        rate = (Decimal(load.passed) / Decimal(load.candidates)).quantize(Decimal("0.0001")) \
            if load.candidates else Decimal(0)
        return cls(**load.model_dump(), pass_rate=rate, absent=absent)


class ScoreItem(BaseModel):
    """One candidate's standardized scores and total."""

    tracking_code: str
    total: Decimal
    passed: bool
    standard: dict[str, Decimal]
    outcome: str | None


class ScorePage(BaseModel):
    """One page of scores, and how many there are."""

    items: list[ScoreItem]
    total: int
    page: int
    size: int


class PlacementView(BaseModel):
    """One candidate's seat from a launch round."""

    application_id: str
    province: str
    city: str
    reserved: bool
    relocation: str
    outcome: str | None = None


class RoundView(BaseModel):
    """A launch round (LAUNCH-1), computed (`dry_run`) or run, with its progress."""

    number: int | None
    relocate: bool
    dry_run: bool = False
    placed: int
    waiting: int
    state: str | None = None
    sent: int | None = None
    skipped: int | None = None
    run_by: str | None = None
    run_at: datetime | None = None
    placements: list[PlacementView] | None = None

    @classmethod
    def of(cls, launch: LaunchRound,
           placements: list[PlacementRecord] | None = None) -> RoundView:
        """The view of a stored round, with its placements when given."""
        data: dict[str, Any] = launch.model_dump(exclude={"cycle"})
        return cls(**data, placements=None if placements is None else [
            PlacementView(**p.model_dump(exclude={"cycle", "round", "rank"}))
            for p in placements])


class StatsView(BaseModel):
    """A cycle's counts per stage × province, its exam load and its launch rounds."""

    cycle: int
    counts: dict[str, dict[str, int]]  # stage → province → applications
    total: int
    exam: ExamLoadView | None
    rounds: list[RoundView]
