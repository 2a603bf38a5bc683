"""The workflows' names and handlers as typed references, for every caller outside them.

A caller sends `Applicant.decide` with a `DecisionIn` and gets an `ApplicationState` back, as
with the SDK's method references, without importing the workflow code: the services, the
gateway and the cohort's activities all call through these. A test holds each reference
against the workflow's own definition (name, message type, result type).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from daftar.contracts.applicant import (
    AbsenceIn,
    ApplicantInput,
    AssignIn,
    ClaimIn,
    CloseIn,
    DecisionIn,
    DisqualifyIn,
    DocumentIn,
    DocumentRequestIn,
    ExamResultIn,
    LicenceIn,
    OfficeIn,
    PaymentIn,
    PhotoIn,
    ReinstateIn,
    ReleaseIn,
    ReopenIn,
    SeatIn,
    TermsIn,
    UploadIn,
    WithdrawIn,
)
from daftar.contracts.cycle import (
    AmendIn,
    Amendment,
    CloseCycleIn,
    CycleAmendments,
    CycleProgress,
    CycleWorkflowIn,
    PublishIn,
    RoundIn,
    RoundSummary,
    SeatsIn,
)
from daftar.contracts.state import ApplicationState

MsgT = TypeVar("MsgT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class Update(Generic[MsgT, ResultT]):
    """A workflow update: its name, the message it takes and the result it returns."""

    name: str
    msg: type[MsgT]
    result: type[ResultT]


@dataclass(frozen=True)
class Query(Generic[ResultT]):
    """A workflow query: its name and the answer it returns."""

    name: str
    result: type[ResultT]


@dataclass(frozen=True)
class Workflow(Generic[MsgT]):
    """A workflow type: its name and its start input."""

    name: str
    input: type[MsgT]


class Applicant:
    """ApplicantWorkflow: one applicant's whole path."""

    workflow = Workflow("ApplicantWorkflow", ApplicantInput)
    state = Query("state", ApplicationState)
    confirm_payment = Update("confirm_payment", PaymentIn, ApplicationState)
    submit_photo = Update("submit_photo", PhotoIn, ApplicationState)
    record_exam_result = Update("record_exam_result", ExamResultIn, ApplicationState)
    record_absence = Update("record_absence", AbsenceIn, ApplicationState)
    decide = Update("decide", DecisionIn, ApplicationState)
    claim = Update("claim", ClaimIn, ApplicationState)
    release_claim = Update("release_claim", ReleaseIn, ApplicationState)
    assign_office = Update("assign_office", OfficeIn, ApplicationState)
    submit_document = Update("submit_document", DocumentIn, ApplicationState)
    upload_document = Update("upload_document", UploadIn, ApplicationState)
    request_document = Update("request_document", DocumentRequestIn, ApplicationState)
    issue_licence = Update("issue_licence", LicenceIn, ApplicationState)
    withdraw = Update("withdraw", WithdrawIn, ApplicationState)
    disqualify = Update("disqualify", DisqualifyIn, ApplicationState)
    amend_terms = Update("amend_terms", TermsIn, ApplicationState)
    assign_seat = Update("assign_seat", SeatIn, ApplicationState)
    reopen = Update("reopen", ReopenIn, ApplicationState)
    reinstate = Update("reinstate", ReinstateIn, ApplicationState)
    assign = Update("assign", AssignIn, ApplicationState)
    close = Update("close", CloseIn, ApplicationState)


class Cycle:
    """ExamCycleWorkflow: the steps that act on a whole cycle."""

    workflow = Workflow("ExamCycleWorkflow", CycleWorkflowIn)
    progress = Query("progress", CycleProgress)
    publish_results = Update("publish_results", PublishIn, CycleProgress)
    launch_round = Update("launch_round", RoundIn, RoundSummary)
    amend = Update("amend", AmendIn, Amendment)
    amendments = Query("amendments", CycleAmendments)
    assign_seats = Update("assign_seats", SeatsIn, CycleProgress)
    close = Update("close", CloseCycleIn, CycleProgress)
