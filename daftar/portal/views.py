"""What the applicant has to do next, read from their application (the home page's first card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from daftar.domain.documents import NEEDS
from daftar.domain.stages import TERMINAL_STAGES, Stage
from daftar.portal import labels
from daftar.services.portal import PortalHome

#: The stages that wait on the staff: nothing is asked of the applicant there.
_WAITING = (Stage.awaiting_interview, Stage.awaiting_qualification, Stage.awaiting_security,
            Stage.awaiting_launch, Stage.awaiting_licence)


@dataclass(frozen=True)
class Step:
    """One thing to do (or to wait for), with its deadline and where to do it."""

    key: str
    text: str
    #: A deadline: an instant, or a Jalali day as stored.
    due: datetime | None = None
    day: str | None = None
    href: str | None = None
    link: str | None = None
    #: Whether the applicant must act (shown first and marked).
    act: bool = False


def next_steps(home: PortalHome) -> list[Step]:
    """The applicant's next steps, those that need them first."""
    state = home.state
    stage = state.stage
    steps: list[Step] = []
    if stage == Stage.awaiting_payment:
        if state.payment is None:
            steps.append(Step("pay", "هزینهٔ ثبت‌نام را در سامانهٔ ثبت‌نام بپردازید؛ مهلت:",
                              day=home.registration_end, act=True))
        if state.photo is None:
            steps.append(Step("photo", "عکس خود را در سامانهٔ ثبت‌نام بارگذاری کنید؛ مهلت:",
                              day=home.registration_end, act=True))
    elif stage == Stage.awaiting_exam:
        seat = state.seat
        if seat is None:
            steps.append(Step("seat", "حوزه و صندلی آزمون شما هنوز تعیین نشده است؛ پس از "
                                      "تعیین، کارت ورود به جلسه آماده می‌شود. روز آزمون:",
                              day=home.exam_date))
        elif not home.card_open:
            steps.append(Step("card_later", "کارت ورود به جلسه از این روز آماده می‌شود:",
                              day=seat.card_date))
        else:
            steps.append(Step("card", "کارت ورود به جلسه را دریافت و چاپ کنید و روز آزمون "
                                      "همراه داشته باشید.", href="/portal/card",
                              link="دریافت کارت ورود به جلسه", act=True))
        if seat is not None:
            steps.append(Step("exam", f"آزمون کتبی ساعت {labels.fa_digits(seat.start_time)} "
                                      "برگزار می‌شود؛ روز آزمون:", day=seat.exam_date))
    elif stage == Stage.awaiting_applicant and state.request is not None:
        name = NEEDS[state.request.kind].name_fa
        steps.append(Step("request", f"مدرک «{name}» را که از شما خواسته شده بارگذاری کنید؛ "
                                     "مهلت:", due=state.request.due_at,
                          href=f"#doc-{state.request.kind.value}", link="بارگذاری مدرک",
                          act=True))
    elif stage in _WAITING:
        steps.append(Step("wait", f"پرونده {labels.label(labels.STAGES, stage)} است و کاری از "
                                  "شما لازم نیست. موعد رسیدگی:", due=state.due_at))
    elif stage == Stage.licensed:
        steps.append(Step("licensed", "پروانهٔ دفتر شما صادر شده است."))
    elif stage in TERMINAL_STAGES:
        steps.append(Step("closed", "پروندهٔ شما بسته شده است و کاری از شما لازم نیست."))
    if stage not in TERMINAL_STAGES and stage != Stage.licensed:
        missing = [d for d in home.documents.documents if d.uploaded is None]
        requested = state.request.kind if state.request else None
        if [d for d in missing if d.kind != requested]:
            steps.append(Step("documents", "مدارک بارگذاری‌نشدهٔ پرونده را بارگذاری کنید؛ "
                                           "بررسی صلاحیت به آن‌ها نیاز دارد.",
                              href="#documents", link="فهرست مدارک", act=True))
    return sorted(steps, key=lambda s: not s.act)


#: Entries of the history the applicant is not shown: who was assigned their case (COR-3).
_HIDDEN = frozenset({"assignment"})
#: Entries whose reason the applicant reads (where the view has not redacted it, SEC-1).
_REASONED = frozenset({"interview", "qualification", "security", "withdrawal",
                       "disqualification"})


@dataclass(frozen=True)
class Entry:
    """One step of the history as the applicant reads it."""

    key: str
    title: str
    outcome: str
    at: datetime
    detail: str | None = None
    #: The rules a failure names.
    rules: tuple[str, ...] = ()


def _document(reason: str | None) -> tuple[str, str | None]:
    """The Persian name of the document an entry's reason names (`kind: ...`), and the rest."""
    kind, _, rest = (reason or "").partition(":")
    need = next((n for k, n in NEEDS.items() if k.value == kind.strip()), None)
    return (need.name_fa if need else ""), (rest.strip() or None)


def history(home: PortalHome) -> list[Entry]:
    """The history's steps, oldest first, with what the applicant may read of each."""
    out: list[Entry] = []
    for d in home.view.decisions:
        if d.stage in _HIDDEN:
            continue
        title = labels.label(labels.STEPS, d.stage)
        outcome = labels.label(labels.OUTCOMES, d.outcome)
        detail = d.reason if d.stage in _REASONED else None
        if d.stage in ("document", "document_request"):
            name, rest = _document(d.reason)
            outcome = f"{outcome}: {name}" if name else outcome
            detail = rest if d.outcome == "requested" else None
        elif d.stage == "interview" and d.score is not None:
            outcome = f"{outcome} (نمره {labels.fa_digits(str(d.score))})"
        failed = d.outcome in ("fail", "failed", "disqualified", "revoked")
        out.append(Entry(key=d.stage, title=title, outcome=outcome, at=d.at, detail=detail,
                         rules=tuple(d.rules) if failed else ()))
    return out
