"""Exam results (EXAM-2, EXAM-4): read, scored over the whole cohort, stored with the pass mark.

Read as JSON rows or CSV; nothing is half-loaded. A row is a candidate who sat the exam: a
subject it leaves out was left blank and counts as 0 correct, 0 wrong. Pass/fail is decided on
the exact totals and pass mark, which are stored as text beside their rounded columns.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from daftar.core.errors import ServiceError, violations_error
from daftar.domain.scoring import (
    AnswerCounts,
    CandidateAnswers,
    ScoringConfig,
    SubjectSpec,
    answer_violations,
    score_cohort,
    with_blanks,
)
from daftar.domain.violations import Violation
from daftar.gateway.workflows import Cycles
from daftar.services.auth import Principal
from daftar.services.cycles import KnownCycle, load_cycle
from daftar.services.schemas_cohort import ExamLoadView, ExamResultsBody, ScoreItem, ScorePage
from daftar.store import cohort as store
from daftar.store import reads
from daftar.store.db import SessionFactory
from daftar.store.exam_sessions import count_absent
from daftar.store.models import ExamLoad

#: Row errors reported at most: enough to correct a file, bounded for the response.
MAX_ROW_ERRORS = 200


def parse_results(media_type: str, raw: bytes, taraz_scale: str | None) -> ExamResultsBody:
    """The body of a load: JSON rows, or CSV (`text/csv`) with the scale as a parameter.

    Raises:
        ServiceError: 422 (EXAM-4) naming every malformed row, up to MAX_ROW_ERRORS.
    """
    try:
        if media_type == "text/csv":
            return parse_csv(raw.decode("utf-8-sig"), taraz_scale)
        return ExamResultsBody.model_validate_json(raw)
    except ValidationError as err:
        rules = [Violation(rule="EXAM-4", field=".".join(str(p) for p in e["loc"]) or None,
                           message=e["msg"]) for e in err.errors()[:MAX_ROW_ERRORS]]
        raise ServiceError(422, "invalid_request", "The exam results are malformed.",
                           rules) from err
    except (UnicodeDecodeError, csv.Error, InvalidOperation) as err:
        raise ServiceError(422, "invalid_request", f"The CSV cannot be read: {err}.",
                           [Violation(rule="EXAM-4", message=str(err))]) from err


def parse_csv(text: str, scale: str | None) -> ExamResultsBody:
    """`tracking_code,<code>_correct,<code>_wrong,...`: a pair left empty is a blank subject.

    A blank subject counts as 0 correct, 0 wrong (EXAM-4), as a subject a JSON row leaves out.

    A row with more values than the header has columns is refused: which column an extra value
    belongs to cannot be known, and dropping it could drop a candidate's answers.
    """
    rows: list[dict[str, Any]] = []
    extra: list[Violation] = []
    reader = csv.DictReader(io.StringIO(text))
    for i, record in enumerate(reader):
        if None in record:  # DictReader keeps the values past the header's columns under None
            surplus = len(record[None])
            extra.append(Violation(rule="EXAM-4", field=f"rows[{i}]", message=(
                f"Row {i + 1} of the CSV (line {reader.line_num}) has {surplus} value(s) more "
                "than the header has columns; correct the row or the header.")))
            continue
        subjects: dict[str, dict[str, str]] = {}
        for column, value in record.items():
            if column is None or column in ("tracking_code", "absent") or value in (None, ""):
                continue
            code, _, part = column.rpartition("_")
            subjects.setdefault(code, {})[part] = value
        absent = (record.get("absent") or "").strip().lower() in ("1", "true", "yes")
        rows.append({"tracking_code": (record.get("tracking_code") or "").strip(),
                     "subjects": subjects, "absent": absent})
    if extra:
        raise violations_error(f"{len(extra)} row(s) of the CSV do not fit its header; "
                               "nothing was loaded.", extra[:MAX_ROW_ERRORS])
    return ExamResultsBody.model_validate(
        {"rows": rows, **({"taraz_scale": Decimal(scale)} if scale else {})})


def scoring_config(cycle: KnownCycle, scale: Decimal | None = None) -> ScoringConfig:
    """EXAM-4's configuration from the cycle's subjects, group weights and scale.

    `scale` (the load's confirmation of S) overrides the cycle's.
    """
    config = cycle.config
    return ScoringConfig(
        subjects=[SubjectSpec(code=s.code, questions=s.questions, coefficient=s.coefficient,
                              group=s.group) for s in config.subjects],
        group_weights=dict(config.group_weights), scale=scale or config.taraz_scale)


async def load_results(cycles: Cycles, sessions: SessionFactory, principal: Principal,
                       year: int, body: ExamResultsBody) -> ExamLoadView:
    """Score the cohort's answers and store them with the pass mark.

    Each row is a candidate who sat the exam: a subject it leaves out was left blank and
    counts as 0 correct, 0 wrong (EXAM-4). A new load before publication replaces the earlier
    one.

    Raises:
        ServiceError: 404 for an unknown cycle (before its workflow is started), 409 once the
            results are published, 422 naming every bad row.
    """
    # 404 before the cycle's workflow is started: an unknown year must not leave one running.
    await asyncio.to_thread(_known, sessions, year)
    if (await cycles.progress(year)).publication != "none":
        raise ServiceError(409, "published", "The results are already published; they are final.",
                           [Violation(rule="EXAM-2",
                                      message="Results are loaded before publication.")])

    def load() -> ExamLoadView:
        with sessions() as session:
            view = score_and_store(session, year, body, principal)
            session.commit()
            return view

    return await asyncio.to_thread(load)


def _known(sessions: SessionFactory, year: int) -> None:
    with sessions() as session:
        load_cycle(session, year)


def score_and_store(session: Session, year: int, body: ExamResultsBody,
                    principal: Principal) -> ExamLoadView:
    """Check every row, score the cohort (EXAM-4) and replace the cycle's load.

    Each row is a candidate who sat the exam: a subject it does not name was left blank and
    counts as 0 correct, 0 wrong (stored so); a row naming no subject at all is a row error.
    Pass/fail (EXAM-2) is decided on the exact totals and pass mark, and both are stored
    exactly (as text) beside the rounded Numeric columns, for publication to send and launch
    rounds to rank on (LAUNCH-1). All in the caller's transaction.
    """
    config = scoring_config(load_cycle(session, year), body.taraz_scale)
    waiting = store.waiting_for_exam(session, year)
    errors: list[Violation] = []
    seen: set[str] = set()
    candidates: list[CandidateAnswers] = []
    for i, row in enumerate(body.rows):
        where = f"rows[{i}]"
        app_id = waiting.get(row.tracking_code)
        if row.tracking_code in seen:
            errors.append(Violation(rule="EXAM-4", field=where,
                                    message=f"{row.tracking_code} appears twice."))
        elif app_id is None:
            errors.append(Violation(rule="EXAM-4", field=where, message=(
                f"{row.tracking_code} is not a candidate awaiting the exam in cycle {year}.")))
        seen.add(row.tracking_code)
        if row.absent:  # EXAM-6: did not sit; publication ends them as absent
            if row.subjects:
                errors.append(Violation(rule="EXAM-6", field=where, message=(
                    f"{row.tracking_code} is marked absent and has answers: one or the other.")))
            continue
        counts = {k: AnswerCounts(correct=v.correct, wrong=v.wrong)
                  for k, v in row.subjects.items()}
        errors.extend(v.model_copy(update={"field": f"{where}.{v.field or 'subjects'}",
                                           "message": f"{row.tracking_code}: {v.message}"})
                      for v in answer_violations(config, counts))
        if app_id is not None:
            blanks = with_blanks(config, counts) if counts else counts
            candidates.append(CandidateAnswers(key=app_id, subjects=blanks))
    if errors:
        raise violations_error(f"{len(errors)} problem(s) in the rows; nothing was loaded.",
                               errors[:MAX_ROW_ERRORS])
    result = score_cohort(config, candidates)
    codes = {app_id: code for code, app_id in waiting.items()}
    load = ExamLoad(cycle=year, scale=config.scale, pass_mark=result.pass_mark,
                    pass_mark_exact=str(result.pass_mark),
                    top_count=result.top_count, top_mean=result.top_mean,
                    candidates=len(candidates), passed=result.passed,
                    loaded_by=principal.sub, loaded_at=datetime.now(UTC))
    store.replace_exam_load(session, load, [
        {"cycle": year, "application_id": s.key, "tracking_code": codes[s.key],
         "counts": {k: v.model_dump() for k, v in c.subjects.items()},
         "standard": {k: str(v) for k, v in s.standard.items()}, "total": s.total,
         "total_exact": str(s.total), "passed": s.passed}
        for s, c in zip(result.scores, candidates, strict=True)])
    session.flush()
    return ExamLoadView.of(load, absent=count_absent(session, year))


def exam_results(session: Session, year: int) -> ExamLoadView:
    """The loaded results' summary and the publication's progress (404 before a load)."""
    load_cycle(session, year)
    load = reads.exam_load(session, year)
    if load is None:
        raise ServiceError(404, "not_found", f"No exam results are loaded for cycle {year}.")
    return ExamLoadView.of(load, absent=count_absent(session, year))


def exam_scores(session: Session, year: int, *, page: int, size: int) -> ScorePage:
    """Each candidate's standardized scores and total, highest total first."""
    load_cycle(session, year)
    total = store.count_scores(session, year)
    items = [ScoreItem(tracking_code=s.tracking_code, total=s.total, passed=s.passed,
                       standard={k: Decimal(v) for k, v in s.standard.items()},
                       outcome=s.outcome)
             for s in reads.score_page(session, year, page=page, size=size)]
    return ScorePage(items=items, total=total, page=page, size=size)
