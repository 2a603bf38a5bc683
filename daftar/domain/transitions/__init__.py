"""The stage rules of one application, and of its cycle, as pure transitions.

One function per message an applicant's workflow (or a cycle's) accepts. Each reads the
current state, the verified sender, the message and the instant it is checked at, and answers
the `Refusal` that keeps the message out of the history, or None when it may be applied. The
checks run in a fixed order, and the first that fails answers: the sender's role (403), then
a duplicate, a retry, a wrong stage or another reviewer's claim (409), then the content (422).
Transitions never change the state, read no clock (`now` is the caller's, `workflow.now()` in a
workflow) and raise nothing, so they are tested without Temporal and the API may call them to
answer early.

The states and messages are typed by the protocols below, which the contract models
(`daftar.contracts.state`, `daftar.contracts.applicant`) satisfy structurally: domain imports
nothing of daftar's outside itself.
"""

from __future__ import annotations

from daftar.domain.transitions.cohort import (
    amend,
    closable,
    close_cycle,
    launch_round,
    publish,
    seats,
    still_running,
)
from daftar.domain.transitions.licensing import (
    disqualify,
    document,
    licence,
    office,
    request_document,
    upload,
    withdraw,
)
from daftar.domain.transitions.registration import (
    absence,
    exam_result,
    payment,
    photo,
    registration_complete,
    window_closed_outcome,
)
from daftar.domain.transitions.reviews import (
    DECIDING_ROLES,
    claim,
    claim_role_refusal,
    decision,
    decision_role_refusal,
    release,
    release_role_refusal,
)
from daftar.domain.transitions.terms import seat, terms
from daftar.domain.transitions.views import (
    MAX_CLAIMS,
    OCCUPATION_ENDED,
    VETERAN_CERTIFICATE,
    ApplicationLike,
    ClaimHeld,
    CycleTermsLike,
    DecisionMessage,
    DecisionRecord,
    DisqualifyMessage,
    DocumentHeld,
    DocumentMessage,
    ExamResultHeld,
    ExamResultMessage,
    OfficeHeld,
    OfficeMessage,
    PaymentHeld,
    PaymentMessage,
)

__all__ = [
    "DECIDING_ROLES", "MAX_CLAIMS", "OCCUPATION_ENDED", "VETERAN_CERTIFICATE",
    "ApplicationLike", "ClaimHeld", "CycleTermsLike", "DecisionMessage", "DecisionRecord",
    "DisqualifyMessage", "DocumentHeld", "DocumentMessage", "ExamResultHeld",
    "ExamResultMessage", "OfficeHeld", "OfficeMessage", "PaymentHeld", "PaymentMessage",
    "absence", "amend", "claim", "claim_role_refusal", "closable", "close_cycle", "decision",
    "decision_role_refusal", "disqualify", "document", "exam_result", "launch_round",
    "licence", "office", "payment", "photo", "publish", "registration_complete", "release",
    "release_role_refusal", "request_document", "seat", "seats", "still_running", "terms", "upload",
    "window_closed_outcome", "withdraw",
]

