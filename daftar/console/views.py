"""What the console's pages show, computed from the shared functions' results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from daftar.api.auth import Principal
from daftar.domain.digits import normalize_digits
from daftar.domain.stages import DECISION_FLOW, INBOX_STAGES, DecisionStage, Role
from daftar.store.models import ApplicationRecord
from daftar.store.queries import is_overdue


def inbox_stages(principal: Principal) -> list[str]:
    """The stages waiting for the principal's roles (as `GET /v1/inbox` reads them)."""
    return sorted({s.value for r in principal.roles for s in INBOX_STAGES.get(r, ())})


def decision_stages(principal: Principal) -> list[DecisionStage]:
    """The decisions the principal's roles take (INT-1, QUAL-1, SEC-1)."""
    return [stage for stage, (_, role, _, _) in DECISION_FLOW.items() if principal.has(role)]


def team_of(principal: Principal) -> Role | None:
    """The team whose saved filters the principal shares: their first reviewing role."""
    return next((r for r in principal.roles if r in INBOX_STAGES), None)


@dataclass
class Row:
    """One application in a list, as the console shows it."""

    application_id: str
    tracking_code: str
    cycle: int
    stage: str
    province: str
    city: str
    quota: str
    waiting_since: datetime
    due_at: datetime | None
    overdue: bool
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    result: dict[str, object] | None = field(default=None)


def row_of(r: ApplicationRecord, now: datetime | None = None) -> Row:
    """A read-model row for a list; a claim past its expiry is shown as none."""
    now = now or datetime.now(UTC)
    claimed_by, expires = r.claimed_by, r.claim_expires_at
    if expires is not None and expires <= now:
        claimed_by, expires = None, None
    return Row(application_id=r.application_id, tracking_code=r.tracking_code, cycle=r.cycle,
               stage=r.stage, province=r.province, city=r.city, quota=r.quota,
               waiting_since=r.stage_entered_at, due_at=r.due_at,
               overdue=is_overdue(r, now),
               claimed_by=claimed_by, claim_expires_at=expires)


def parse_score(text: str | None) -> Decimal | None:
    """A score typed with Persian, Arabic-Indic or Latin digits; ValueError if not a number."""
    if text is None or not text.strip():
        return None
    cleaned = normalize_digits(text.strip()).replace("٫", ".").replace("/", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def clean_text(value: object, limit: int = 200) -> str | None:
    """A form field as trimmed text (None when empty or not text), at most `limit` chars."""
    if not isinstance(value, str):
        return None
    text = value.strip()[:limit]
    return text or None


@dataclass
class Histogram:
    """Totals binned for a chart, with the pass mark's position."""

    bins: list[tuple[Decimal, Decimal, int]]
    lowest: Decimal
    highest: Decimal
    pass_mark: Decimal | None
    count: int
    passed: int

    @property
    def tallest(self) -> int:
        return max((n for _, _, n in self.bins), default=0)

    def x(self, value: Decimal, width: float) -> float:
        """`value`'s horizontal position on a chart `width` wide."""
        span = self.highest - self.lowest
        return float((value - self.lowest) / span) * width if span else width / 2


def histogram(scores: list[tuple[Decimal, bool]], pass_mark: Decimal | None,
              bins: int = 20) -> Histogram:
    """Loaded totals (with whether each passed, as scored) in `bins` equal bins spanning
    them and the pass mark."""
    totals = [t for t, _ in scores]
    points = [*totals, *([pass_mark] if pass_mark is not None else [])]
    if not totals:
        return Histogram([], Decimal(0), Decimal(0), pass_mark, 0, 0)
    low, high = min(points), max(points)
    if low == high:
        low, high = low - 1, high + 1
    width = (high - low) / bins
    counts = [0] * bins
    for t in totals:
        counts[min(int((t - low) / width), bins - 1)] += 1
    edges = [(low + width * i, low + width * (i + 1), counts[i]) for i in range(bins)]
    return Histogram(edges, low, high, pass_mark, len(totals), sum(p for _, p in scores))
