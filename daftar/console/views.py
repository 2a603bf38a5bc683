"""What the console's pages need of a viewer and of a form.

The decisions they take, their team, and typed input read from Persian forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from daftar.contracts.state import ApplicationState, Reinstatement
from daftar.domain.digits import normalize_digits
from daftar.domain.stages import DECISION_AT, DECISION_FLOW, INBOX_STAGES, DecisionStage, Role
from daftar.domain.transitions.corrections import REINSTATABLE, latest_decision, reopen
from daftar.pages.render import fa
from daftar.services.auth import Principal, actor


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


@dataclass(frozen=True)
class Corrections:
    """What the admin may correct on one application (COR-1, COR-2, COR-3)."""

    #: The latest reviewer decision's stage and outcome, if there is one.
    latest: tuple[DecisionStage, str] | None
    #: Whether that decision may be reopened now (COR-1: the next stage has not acted).
    reopens: bool
    #: Whether that decision's own stage waits again (it was reopened or reinstated).
    waits_again: bool
    #: Whether the application stands rejected, disqualified or revoked (COR-2).
    reinstates: bool
    #: The reinstatement one admin proposed, waiting for a second (COR-2).
    pending: Reinstatement | None
    #: Whether a reviewer's decision waits, to be assigned (COR-3).
    assigns: bool


def corrections_of(state: ApplicationState, principal: Principal) -> Corrections | None:
    """The corrections panel of `state` for an admin; None for anyone else.

    Judged by the same transitions the workflow's validators hold, so a form is offered only
    where it can be accepted (the workflow still has the last word).
    """
    if not principal.has(Role.admin):
        return None
    latest = latest_decision(state)
    reopens = latest is not None and reopen(state, actor(principal), latest[0]) is None
    waits_again = latest is not None and state.stage == DECISION_FLOW[latest[0]][0]
    reinstates = state.stage in REINSTATABLE and state.rejected_stage is not None
    return Corrections(latest=latest, reopens=reopens, waits_again=waits_again,
                       reinstates=reinstates,
                       pending=state.reinstatement if reinstates else None,
                       assigns=state.stage in DECISION_AT)


def score_text(value: object) -> str:
    """A score (a number or its text) in the console's one format; "—" when there is none.

    Persian digits, the Persian thousands separator, at most two decimals.
    """
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return fa(str(value))
    return fa(number)
