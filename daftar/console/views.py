"""What the console's pages need of a viewer and of a form.

The decisions they take, their team, and typed input read from Persian forms.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from daftar.domain.digits import normalize_digits
from daftar.domain.stages import DECISION_FLOW, INBOX_STAGES, DecisionStage, Role
from daftar.services.auth import Principal


def decision_stages(principal: Principal) -> list[DecisionStage]:
    """The decisions the principal's roles take (INT-1, QUAL-1, SEC-1)."""
    return [stage for stage, (_, role, _, _) in DECISION_FLOW.items() if principal.has(role)]


def team_of(principal: Principal) -> Role | None:
    """The team whose saved filters the principal shares: their first reviewing role."""
    return next((r for r in principal.roles if r in INBOX_STAGES), None)


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
