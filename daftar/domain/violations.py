"""A broken rule, named by its rule id (docs/rules.md), as returned to applicants and reviewers."""

from pydantic import BaseModel


class Violation(BaseModel, frozen=True):
    """One broken rule (any rule id of docs/rules.md, e.g. ``AGE-1``, ``REG-4``).

    ``field`` is the dotted path of the offending form field (``degree.graduation_date``)
    or ``None`` when the rule concerns the whole submission. ``message`` is plain English
    and says what the applicant must do.
    """

    rule: str
    field: str | None = None
    message: str
