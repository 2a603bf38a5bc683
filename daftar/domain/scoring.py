"""Written-exam scoring (EXAM-1, EXAM-4) and the floating pass mark (EXAM-2).

Pure: no I/O, no clock. Every computation is `Decimal` in a local context of 34 digits;
nothing is rounded (EXAM-4: round only to display).
"""

from __future__ import annotations

import heapq
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from daftar.domain.violations import Violation

#: Working precision of every scoring computation (EXAM-4).
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN,
                   traps=[InvalidOperation, DivisionByZero, Overflow])
_T_CENTRE = Decimal(5000)
_PASS_SHARE = Decimal("0.7")


class SubjectSpec(BaseModel, frozen=True):
    """One exam subject (EXAM-1): its number of questions, coefficient and group (EXAM-4)."""

    code: str
    questions: int = Field(gt=0)
    coefficient: Decimal = Field(default=Decimal(1), gt=0)
    group: Literal["general", "specialised"] = "specialised"


def _default_weights() -> dict[str, Decimal]:
    return {"general": Decimal("0.4"), "specialised": Decimal("0.6")}


class ScoringConfig(BaseModel):
    """A cycle's scoring settings (EXAM-4): subjects, group weights and the T scale S."""

    subjects: list[SubjectSpec]
    group_weights: dict[str, Decimal] = Field(default_factory=_default_weights)
    scale: Decimal = Field(default=Decimal(2000), gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> ScoringConfig:
        """EXAM-1: subject codes unique. EXAM-4: weights ≥ 0, each used group's weight > 0."""
        codes = [s.code for s in self.subjects]
        if len(set(codes)) != len(codes):
            raise ValueError("EXAM-1: subject codes must be unique.")
        if any(w < 0 for w in self.group_weights.values()):
            raise ValueError("EXAM-4: group weights must not be negative.")
        for s in self.subjects:
            if self.group_weights.get(s.group, Decimal(0)) <= 0:
                raise ValueError(f"EXAM-4: subject {s.code} is in group {s.group}, "
                                 "which needs a positive weight.")
        return self


class AnswerCounts(BaseModel, frozen=True):
    """One candidate's correct and wrong answers in one subject (blanks are the rest)."""

    correct: int
    wrong: int


#: EXAM-4: a subject left blank by a candidate who sat the exam.
BLANK = AnswerCounts(correct=0, wrong=0)


class CandidateAnswers(BaseModel):
    """One result row (EXAM-4): ``key`` is the application id.

    A row is a candidate who sat the exam; a subject it does not name was left blank and
    counts as 0 correct, 0 wrong (`with_blanks`).
    """

    key: str
    subjects: dict[str, AnswerCounts]


class CandidateScore(BaseModel):
    """One candidate's percents, T per subject, group scores and total (EXAM-4, EXAM-2)."""

    key: str
    percents: dict[str, Decimal]
    standard: dict[str, Decimal]
    groups: dict[str, Decimal]
    total: Decimal
    passed: bool


class CohortScores(BaseModel):
    """A cycle's scores in input order, its pass mark and the pass rate it gives (EXAM-2)."""

    scores: list[CandidateScore]
    pass_mark: Decimal
    top_count: int
    top_mean: Decimal
    passed: int
    pass_rate: Decimal


def answer_violations(
    config: ScoringConfig, subjects: dict[str, AnswerCounts], *, field: str = "subjects"
) -> list[Violation]:
    """Every problem of one candidate's row, all at once (EXAM-4).

    The row names at least one subject; each is a subject of the cycle; counts are not
    negative and correct + wrong do not exceed the subject's questions.
    """
    return _row_violations({s.code: s for s in config.subjects}, subjects, field)


def _row_violations(
    specs: dict[str, SubjectSpec], subjects: dict[str, AnswerCounts], field: str
) -> list[Violation]:
    out: list[Violation] = []
    if not subjects:
        out.append(Violation(rule="EXAM-4", field=field, message=(
            "The result row has no subject at all; for a candidate who sat the exam and left "
            "every subject blank, give one subject with 0 correct and 0 wrong.")))
    for code, counts in subjects.items():
        where = f"{field}.{code}"
        spec = specs.get(code)
        if spec is None:
            known = ", ".join(specs) or "none"
            out.append(Violation(rule="EXAM-4", field=where,
                                 message=f"Unknown subject {code!r}; the cycle's subjects "
                                         f"are: {known}."))
        c, w = counts.correct, counts.wrong
        if c < 0 or w < 0:
            out.append(Violation(rule="EXAM-4", field=where,
                                 message=f"Subject {code}: counts must not be negative "
                                         f"(correct {c}, wrong {w})."))
        if spec is not None and c + w > spec.questions:
            out.append(Violation(rule="EXAM-4", field=where,
                                 message=f"Subject {code}: {c} correct + {w} wrong = {c + w} "
                                         f"exceeds its {spec.questions} questions."))
    return out


def with_blanks(
    config: ScoringConfig, subjects: dict[str, AnswerCounts]
) -> dict[str, AnswerCounts]:
    """EXAM-4: a row's counts for every subject of the cycle, in the cycle's order.

    A subject the row does not name was left blank by a candidate who sat the exam: 0 correct,
    0 wrong (percent 0), and the candidate counts as present for it. Subjects the cycle does
    not have are kept, for `answer_violations` to name.
    """
    filled = {s.code: subjects.get(s.code, BLANK) for s in config.subjects}
    return filled | {code: counts for code, counts in subjects.items() if code not in filled}


def percent(correct: int, wrong: int, questions: int) -> Decimal:
    """EXAM-4: (3C − W) / (3N) × 100, negative marking, from −33.33… to 100, not rounded."""
    if questions <= 0 or correct < 0 or wrong < 0 or correct + wrong > questions:
        raise ValueError(f"EXAM-4: invalid counts {correct} correct, {wrong} wrong "
                         f"of {questions} questions.")
    with localcontext(_CONTEXT):
        return _percent(3 * correct - wrong, questions)


def _percent(raw: int, questions: int) -> Decimal:
    return Decimal(100 * raw) / Decimal(3 * questions)


def top_count(candidates: int) -> int:
    """EXAM-4: the top 1% is ceil(1% of candidates present), at least one (0 for none)."""
    if candidates < 0:
        raise ValueError("The number of candidates cannot be negative.")
    return -(-candidates // 100)


def pass_mark_of_totals(totals: list[Decimal]) -> tuple[Decimal, int, Decimal]:
    """EXAM-2: (pass mark, top count, top mean) of the totals of the candidates present.

    The top mean is over exactly ``top_count`` highest totals (ties at the boundary do not
    change it); the pass mark is 70% of it. No candidates: (0, 0, 0).
    """
    count = top_count(len(totals))
    if count == 0:
        return Decimal(0), 0, Decimal(0)
    with localcontext(_CONTEXT):
        top_mean = sum(heapq.nlargest(count, totals), Decimal(0)) / count
        return _PASS_SHARE * top_mean, count, top_mean


def passes(total: Decimal, pass_mark: Decimal) -> bool:
    """EXAM-2: a total at or above the pass mark passes (ties pass)."""
    return total >= pass_mark


def score_cohort(config: ScoringConfig, candidates: list[CandidateAnswers]) -> CohortScores:
    """Score a cycle's result rows (EXAM-4) and apply the floating pass mark (EXAM-2).

    Every row is a candidate who sat the exam: a subject it does not name was left blank and
    counts as 0 correct, 0 wrong (`with_blanks`), so each candidate is present for every
    subject. Per subject, z = (percent − mean) / sd over the candidates present for it
    (population sd; sd 0 gives z 0) and T = 5000 + S·z. Since percent = 100·(3C − W)/(3N)
    with N fixed per subject, z equals (n·r − Σr) / √(n·Σr² − (Σr)²) with r = 3C − W: exact
    integer sums in one pass, one square root per subject. A group's score is the
    coefficient-weighted mean of its subjects' T; the total is the weighted mean of the
    cycle's groups, weights renormalised over them. Raises ValueError on an invalid row
    (see `answer_violations`) or a repeated key.
    """
    specs = {s.code: s for s in config.subjects}
    seen: set[str] = set()
    stats = {code: [0, 0, 0] for code in specs}  # n, Σr, Σr²
    candidates = [CandidateAnswers.model_construct(key=c.key,
                                                   subjects=with_blanks(config, c.subjects))
                  if c.subjects else c for c in candidates]
    for cand in candidates:
        problems = _row_violations(specs, cand.subjects, "subjects")
        if problems:
            raise ValueError(f"Candidate {cand.key}: " + " ".join(p.message for p in problems))
        if cand.key in seen:
            raise ValueError(f"Candidate {cand.key} appears twice.")
        seen.add(cand.key)
        for code, counts in cand.subjects.items():
            r = 3 * counts.correct - counts.wrong
            st = stats[code]
            st[0] += 1
            st[1] += r
            st[2] += r * r
    weights = config.group_weights
    with localcontext(_CONTEXT):
        # per subject: (n, Σr, √(n·Σr² − (Σr)²) or None when sd is 0)
        spread = {}
        for code, (n, s1, s2) in stats.items():
            d = n * s2 - s1 * s1
            spread[code] = (n, s1, Decimal(d).sqrt() if d > 0 else None)
        # r takes at most 4N + 1 values per subject: compute each (percent, T, coef·T) once
        memo: dict[tuple[str, int], tuple[Decimal, Decimal, Decimal]] = {}
        rows: list[tuple[str, dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]] = []
        totals: list[Decimal] = []
        for cand in candidates:
            percents: dict[str, Decimal] = {}
            standard: dict[str, Decimal] = {}
            sums: dict[str, list[Decimal]] = {}  # group: [Σ coef·T, Σ coef]
            for code, counts in cand.subjects.items():
                spec = specs[code]
                r = 3 * counts.correct - counts.wrong
                cell = memo.get((code, r))
                if cell is None:
                    n, s1, root = spread[code]
                    t = _T_CENTRE if root is None else (
                        _T_CENTRE + config.scale * Decimal(n * r - s1) / root)
                    cell = memo[code, r] = (_percent(r, spec.questions), t, spec.coefficient * t)
                percents[code], standard[code] = cell[0], cell[1]
                acc = sums.setdefault(spec.group, [Decimal(0), Decimal(0)])
                acc[0] += cell[2]
                acc[1] += spec.coefficient
            groups = {g: acc[0] / acc[1] for g, acc in sums.items()}
            weight_sum = sum((weights.get(g, Decimal(0)) for g in groups), Decimal(0))
            if weight_sum <= 0:
                raise ValueError(f"Candidate {cand.key}: no group with a positive weight.")
            total = next(iter(groups.values())) if len(groups) == 1 else sum(
                (weights.get(g, Decimal(0)) * v for g, v in groups.items()), Decimal(0)
            ) / weight_sum
            rows.append((cand.key, percents, standard, groups))
            totals.append(total)
        mark, count, top_mean = pass_mark_of_totals(totals)
        scores = [CandidateScore.model_construct(
            key=key, percents=p, standard=t, groups=g, total=total, passed=passes(total, mark))
            for (key, p, t, g), total in zip(rows, totals, strict=True)]
        passed = sum(1 for s in scores if s.passed)
        rate = Decimal(passed) / len(scores) if scores else Decimal(0)
    return CohortScores.model_construct(scores=scores, pass_mark=mark, top_count=count,
                                        top_mean=top_mean, passed=passed, pass_rate=rate)
