"""NOTE-1: the SMS an applicant is sent at each event that concerns them, in plain Persian.

Each event has one template: a short, polite message that names the tracking code (never the
national id) and only the facts the applicant needs (a date, a score, a city, a licence
number). A failed stage says which stage, never why: a security decision's reason is
confidential (SEC-1), so the security stage's message says only that it was not passed, and
no template reads a reason at all. Digits are written in Persian. Pure: the text follows from
the event, the tracking code and the params alone (no clock, no I/O), so a retried send
renders the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from daftar.domain.digits import ascii_to_persian_digits, normalize_digits
from daftar.domain.places import province_label


class NoticeEvent(StrEnum):
    """An event the applicant is told of by SMS (NOTE-1)."""

    registered = "registered"  # the registration was received: the tracking code
    incomplete_soon = "incomplete_soon"  # payment or photo missing, the window closes soon
    incomplete = "incomplete"  # the window closed before payment and photo (REG-2)
    card_available = "card_available"  # the admission card can be downloaded (EXAM-5)
    exam_result = "exam_result"  # the written exam's result (EXAM-2)
    absent = "absent"  # no result at publication: did not sit the exam (EXAM-6)
    stage_passed = "stage_passed"  # interview, qualification or security passed
    stage_failed = "stage_failed"  # interview, qualification or security not passed
    document_requested = "document_requested"  # a document is asked for, with a deadline
    document_reminder = "document_reminder"  # the same, its deadline nearing
    document_lapsed = "document_lapsed"  # the deadline passed without it (DOC-2)
    office = "office"  # the office's city (LAUNCH-1)
    licence = "licence"  # the licence was issued (LIC-1)
    withdrawn = "withdrawn"  # the applicant withdrew (WD-1)
    disqualified = "disqualified"  # disqualified (FRAUD-1)
    revoked = "revoked"  # an issued licence revoked (FRAUD-1)
    reinstated = "reinstated"  # a rejection or disqualification undone (COR-2)


#: The one channel there is.
CHANNEL = "sms"
#: The params each event cannot do without; every other param is optional.
REQUIRED_PARAMS: dict[NoticeEvent, frozenset[str]] = {
    NoticeEvent.exam_result: frozenset({"outcome"}),
    NoticeEvent.stage_passed: frozenset({"stage"}),
    NoticeEvent.stage_failed: frozenset({"stage"}),
    NoticeEvent.office: frozenset({"city"}),
    NoticeEvent.document_lapsed: frozenset({"stage"}),
}
#: The reviewing stages, as the applicant reads them (keyed as daftar.domain.stages.SLA_KEYS
#: names a waiting stage: a lapsed DOC-2 request names the stage that asked).
STAGE_NAMES: dict[str, str] = {
    "interview": "مصاحبهٔ علمی",
    "qualification": "بررسی صلاحیت",
    "security": "بررسی امنیتی",
    "licence": "صدور پروانه",
}
#: How long before the registration window closes an incomplete registration is reminded.
PAYMENT_REMINDER = timedelta(days=1)
#: How long before a DOC-2 request's deadline the applicant is reminded of it.
DOCUMENT_REMINDER = timedelta(days=2)
#: What an incomplete registration may still lack (`missing`, comma-separated).
MISSING_NAMES: dict[str, str] = {"payment": "پرداخت هزینهٔ ثبت‌نام", "photo": "بارگذاری عکس"}

_GREETING = "متقاضی گرامی،"
_SIGNATURE = "دفاتر خدمات الکترونیک قضایی"


class NoticeParamsError(ValueError):
    """A notice whose event needs a param it was not given, or whose param has no meaning."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A notice's text and the template (with its version) that wrote it."""

    template: str
    text: str


def _fa(value: str) -> str:
    """A number, date or code written with Persian digits (and a Persian decimal mark)."""
    text = normalize_digits(value.strip())
    if text.replace(".", "", 1).isdigit():
        text = text.replace(".", "٫")
    return ascii_to_persian_digits(text)


def _stage(p: Mapping[str, str]) -> str:
    stage = p["stage"]
    if stage not in STAGE_NAMES:
        raise NoticeParamsError(f"unknown stage {stage!r}: one of {sorted(STAGE_NAMES)}")
    return STAGE_NAMES[stage]


def _code(code: str) -> str:
    return f"کد رهگیری: {_fa(code)}"


def _registered(code: str, p: Mapping[str, str]) -> str:
    cycle = f" دورهٔ {_fa(p['cycle'])}" if p.get("cycle") else ""
    text = (f"ثبت‌نام شما در آزمون دفاتر خدمات الکترونیک قضایی{cycle} دریافت شد. "
            f"کد رهگیری شما {_fa(code)} است؛ لطفاً آن را نگه دارید.")
    if p.get("deadline"):
        text += (f" برای تکمیل ثبت‌نام، هزینه را بپردازید و عکس خود را تا "
                 f"{_fa(p['deadline'])} بارگذاری کنید.")
    return text


def _missing(p: Mapping[str, str]) -> str:
    kinds = [k.strip() for k in p.get("missing", "").split(",") if k.strip()] or list(
        MISSING_NAMES)
    unknown = [k for k in kinds if k not in MISSING_NAMES]
    if unknown:
        raise NoticeParamsError(f"unknown missing step {unknown}: {sorted(MISSING_NAMES)}")
    return " و ".join(MISSING_NAMES[k] for k in MISSING_NAMES if k in kinds)


def _incomplete_soon(code: str, p: Mapping[str, str]) -> str:
    by = f" تا {_fa(p['deadline'])}" if p.get("deadline") else " پیش از پایان مهلت ثبت‌نام"
    return (f"ثبت‌نام شما هنوز کامل نشده است. لطفاً {_missing(p)} را{by} انجام دهید؛ "
            f"پس از آن، ثبت‌نام ناتمام بسته می‌شود. {_code(code)}")


def _incomplete(code: str, p: Mapping[str, str]) -> str:
    return ("مهلت ثبت‌نام به پایان رسید و ثبت‌نام شما کامل نشد؛ از این رو پروندهٔ شما "
            f"بسته شد. {_code(code)}")


def _card_available(code: str, p: Mapping[str, str]) -> str:
    text = "کارت ورود به جلسهٔ آزمون شما آماده است و می‌توانید آن را دریافت کنید."
    if p.get("exam_date"):
        at = f" ساعت {_fa(p['start_time'])}" if p.get("start_time") else ""
        text += f" آزمون در روز {_fa(p['exam_date'])}{at} برگزار می‌شود."
    return f"{text} {_code(code)}"


def _exam_result(code: str, p: Mapping[str, str]) -> str:
    score = p.get("score")
    if p["outcome"] == "pass":
        total = f" با نمرهٔ کل {_fa(score)}" if score else ""
        return (f"نتیجهٔ آزمون کتبی اعلام شد: شما{total} در آزمون پذیرفته شدید. "
                f"مرحلهٔ بعد، مصاحبهٔ علمی است. {_code(code)}")
    if p["outcome"] == "fail":
        total = f" (نمرهٔ کل {_fa(score)})" if score else ""
        return (f"نتیجهٔ آزمون کتبی اعلام شد: متأسفانه نمرهٔ شما{total} به حد نصاب "
                f"پذیرش نرسید. {_code(code)}")
    raise NoticeParamsError(f"unknown outcome {p['outcome']!r}: pass or fail")


def _absent(code: str, p: Mapping[str, str]) -> str:
    return ("نتایج آزمون کتبی اعلام شد و برای شما نتیجه‌ای ثبت نشده است؛ از این رو "
            f"غایب شناخته شدید و پروندهٔ شما بسته شد. {_code(code)}")


def _stage_passed(code: str, p: Mapping[str, str]) -> str:
    score = f" با نمرهٔ {_fa(p['score'])}" if p.get("score") else ""
    return f"مرحلهٔ {_stage(p)} را{score} با موفقیت گذراندید. {_code(code)}"


def _stage_failed(code: str, p: Mapping[str, str]) -> str:
    # Never a reason, whatever the params hold: SEC-1 for the security stage, and the
    # applicant reads any other stage's reasons in their own record.
    return (f"متأسفانه مرحلهٔ {_stage(p)} را با موفقیت پشت سر نگذاشتید و درخواست شما "
            f"پذیرفته نشد. {_code(code)}")


def _document(p: Mapping[str, str]) -> str:
    return p.get("document") or "مدارک خواسته‌شده"


def _document_requested(code: str, p: Mapping[str, str]) -> str:
    by = f" تا {_fa(p['deadline'])}" if p.get("deadline") else ""
    return f"لطفاً «{_document(p)}» را{by} در سامانه بارگذاری کنید. {_code(code)}"


def _document_reminder(code: str, p: Mapping[str, str]) -> str:
    by = f" تا {_fa(p['deadline'])}" if p.get("deadline") else ""
    return (f"یادآوری: «{_document(p)}» هنوز به دست ما نرسیده است. لطفاً آن را{by} "
            f"بارگذاری کنید. {_code(code)}")


def _document_lapsed(code: str, p: Mapping[str, str]) -> str:
    return (f"مهلت بارگذاری «{_document(p)}» به پایان رسید و این مدرک به دست ما نرسید؛ از این "
            f"رو درخواست شما در مرحلهٔ {_stage(p)} پذیرفته نشد. {_code(code)}")


def _office(code: str, p: Mapping[str, str]) -> str:
    province = f"، استان {province_label(p['province'])}" if p.get("province") else ""
    return (f"محل دفتر شما تعیین شد: شهر {p['city']}{province}. مرحلهٔ بعد صدور پروانه "
            f"است. {_code(code)}")


def _licence(code: str, p: Mapping[str, str]) -> str:
    number = f" به شمارهٔ {_fa(p['licence_number'])}" if p.get("licence_number") else ""
    return f"پروانهٔ دفتر شما{number} صادر شد. تبریک می‌گوییم. {_code(code)}"


def _withdrawn(code: str, p: Mapping[str, str]) -> str:
    return f"انصراف شما ثبت شد و پرونده‌تان بسته شد. {_code(code)}"


def _disqualified(code: str, p: Mapping[str, str]) -> str:
    return f"پروندهٔ شما از ادامهٔ فرایند صدور پروانه کنار گذاشته شد. {_code(code)}"


def _revoked(code: str, p: Mapping[str, str]) -> str:
    return f"پروانهٔ دفتر شما ابطال شد. {_code(code)}"


def _reinstated(code: str, p: Mapping[str, str]) -> str:
    return ("پس از بازبینی، پروندهٔ شما دوباره به جریان افتاد و از همان مرحله ادامه "
            f"می‌یابد. {_code(code)}")


Template = Callable[[str, Mapping[str, str]], str]

#: Every event's template and its version: a version is bumped whenever its words change,
#: so the outbox shows which wording each applicant was sent.
TEMPLATES: dict[NoticeEvent, tuple[int, Template]] = {
    NoticeEvent.registered: (1, _registered),
    NoticeEvent.incomplete_soon: (1, _incomplete_soon),
    NoticeEvent.incomplete: (1, _incomplete),
    NoticeEvent.card_available: (1, _card_available),
    NoticeEvent.exam_result: (1, _exam_result),
    NoticeEvent.absent: (1, _absent),
    NoticeEvent.stage_passed: (1, _stage_passed),
    NoticeEvent.stage_failed: (1, _stage_failed),
    NoticeEvent.document_requested: (1, _document_requested),
    NoticeEvent.document_reminder: (1, _document_reminder),
    NoticeEvent.document_lapsed: (1, _document_lapsed),
    NoticeEvent.office: (1, _office),
    NoticeEvent.licence: (1, _licence),
    NoticeEvent.withdrawn: (1, _withdrawn),
    NoticeEvent.disqualified: (1, _disqualified),
    NoticeEvent.revoked: (1, _revoked),
    NoticeEvent.reinstated: (1, _reinstated),
}


def render(event: NoticeEvent, tracking_code: str, params: Mapping[str, str]) -> Rendered:
    """NOTE-1: the SMS of `event` for the applicant with `tracking_code`.

    Args:
        event: what happened.
        tracking_code: the applicant's tracking code (REG-3), which every message names.
        params: the event's facts, all strings: `stage` (interview, qualification,
            security), `outcome` (pass, fail), `score`, `deadline`, `exam_date` and
            `start_time` (Jalali, Tehran), `missing` (payment, photo), `document` (its
            Persian name), `province` and `city` (the office), `licence_number`, `cycle`.
            Any other key is ignored: no template reads a reason or a national id.

    Returns:
        The template's id (`event.vN`) and the text, with Persian digits.

    Raises:
        NoticeParamsError: a required param is missing, or a param's value has no meaning.
    """
    missing = REQUIRED_PARAMS.get(event, frozenset()) - {k for k, v in params.items() if v}
    if missing:
        raise NoticeParamsError(f"{event.value} needs {', '.join(sorted(missing))}")
    version, template = TEMPLATES[event]
    body = template(tracking_code, params)
    return Rendered(template=f"{event.value}.v{version}",
                    text=f"{_GREETING} {body}\n{_SIGNATURE}")


def reminder_at(due_at: datetime, before: timedelta, told_at: datetime) -> datetime | None:
    """When to remind the applicant of the deadline `due_at`: `before` it.

    None when that moment is not after `told_at`, when the applicant was told of the deadline
    (a registration in the window's last day has its deadline in the `registered` message).
    """
    at = due_at - before
    return at if at > told_at else None


def mask_mobile(number: str) -> str:
    """A mobile number as staff lists show it: `0912***4567` (the first four, the last four)."""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:4]}***{number[-4:]}"
