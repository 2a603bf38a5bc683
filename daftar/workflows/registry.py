"""The workflows a daftar worker runs, and a replayer replays: one list for both."""

from __future__ import annotations

from daftar.workflows.applicant import ApplicantWorkflow
from daftar.workflows.cycle import ExamCycleWorkflow

WORKFLOWS = [ApplicantWorkflow, ExamCycleWorkflow]
