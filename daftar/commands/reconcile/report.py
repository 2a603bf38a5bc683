"""The reconciliation report: each difference between the workflows and the read model."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from pydantic import BaseModel


class DriftKind(StrEnum):
    """What differs; `--repair` fixes every kind but orphan rows and unreadable workflows."""

    missing_row = "missing_row"  # a workflow whose application has no row
    orphan_row = "orphan_row"  # a row whose workflow does not exist
    stage = "stage"
    version = "version"
    fields = "fields"  # other recorded fields differ
    decisions = "decisions"  # decision rows differ in number or content
    counts = "counts"  # stage_counts disagrees with the rows (cycle statistics)
    unreadable = "unreadable"  # the workflow's state could not be read


class Drift(BaseModel):
    """One difference between the read model and the workflows.

    `subject` is an application id, or `province/stage` for counts (whose `workflow` then says what
    the rows count, the truth the counters must follow).
    """

    kind: DriftKind
    subject: str
    workflow: str
    read_model: str

    def line(self) -> str:
        """This difference on one line of the text report."""
        if self.kind is DriftKind.counts:
            return f"counts {self.subject}: {self.workflow}; {self.read_model}"
        return f"{self.kind.value} {self.subject}: workflow {self.workflow}; " \
               f"read model {self.read_model}"


class Reconciliation(BaseModel):
    """The report of one cycle: what was compared and every difference that persisted."""

    cycle: int
    workflows: int
    rows: int
    drift: list[Drift]
    #: Applications `--repair` re-recorded before this report was made.
    repaired: list[str] = []

    @property
    def clean(self) -> bool:
        """Whether nothing differs."""
        return not self.drift

    def lines(self) -> list[str]:
        """The text report: the counts read, what was repaired, then each difference."""
        head = [f"cycle {self.cycle}: {self.workflows} applicant workflows, {self.rows} rows"]
        if self.repaired:
            head.append(f"repaired {len(self.repaired)}: {', '.join(self.repaired)}")
        if self.clean and not self.workflows and not self.rows:
            return [*head, f"no drift, and nothing to compare: no application of cycle "
                           f"{self.cycle} on either side (is the year right?)"]
        if self.clean:
            return [*head, "no drift: the read model matches the workflows"]
        kinds = Counter(d.kind.value for d in self.drift)
        return [*head, *(d.line() for d in self.drift),
                f"DRIFT: {len(self.drift)} difference{'' if len(self.drift) == 1 else 's'} "
                f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})"]
