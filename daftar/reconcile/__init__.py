"""Reconciliation: does the read model say what the workflows say? (DESIGN.md principle 1)

Temporal is the truth; the read model is written only by the workflows' idempotent activity,
so any difference is drift: a row missing, a row with no workflow, a row at another stage or
version, other fields or decisions that differ, or per-stage counters that disagree with the
rows. `reconcile` lists them for one cycle.

Each application's state comes from the workflow itself: the result of a completed workflow
(no worker needed), a `state` query otherwise (a worker must be running; a licensed
application's workflow stays open for FRAUD-1, so most need one). Rows are matched to
workflows by workflow id, not by visibility, so visibility's lag cannot invent an orphan;
visibility only finds the workflows that have no row. A write in flight looks like drift for
a moment, so what differs is read again after `settle` seconds and only what persists counts.
"""

from daftar.reconcile.check import read_state, reconcile
from daftar.reconcile.report import Drift, DriftKind, Reconciliation

__all__ = ["Drift", "DriftKind", "Reconciliation", "read_state", "reconcile"]
