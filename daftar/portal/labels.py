"""Every Persian text of the portal in one place, written for the applicant."""

from __future__ import annotations

from daftar.domain.digits import ascii_to_persian_digits
from daftar.domain.stages import Stage
from daftar.pages.labels import COMMON_REFUSALS
from daftar.pages.labels import REFUSAL_FALLBACK as REFUSAL_FALLBACK
from daftar.pages.labels import label as label

#: Where the application stands, as the applicant reads it.
STAGES: dict[str, str] = {
    Stage.awaiting_payment: "در انتظار پرداخت هزینه و عکس",
    Stage.awaiting_exam: "در انتظار آزمون کتبی و نتیجهٔ آن",
    Stage.awaiting_interview: "در انتظار مصاحبهٔ علمی",
    Stage.awaiting_qualification: "در انتظار بررسی صلاحیت",
    Stage.awaiting_security: "در انتظار نظر حفاظت",
    Stage.awaiting_launch: "در انتظار تعیین محل دفتر",
    Stage.awaiting_licence: "در انتظار صدور پروانه",
    Stage.awaiting_applicant: "در انتظار مدرک از شما",
    Stage.licensed: "دارای پروانه",
    Stage.rejected: "رد شده",
    Stage.withdrawn: "انصراف داده‌اید",
    Stage.disqualified: "حذف شده (تخلف)",
    Stage.revoked: "پروانه ابطال شده",
    Stage.incomplete: "ثبت‌نام ناقص (بسته شده)",
    Stage.absent: "غایب در آزمون",
}

#: The steps a history entry names.
STEPS: dict[str, str] = {
    "registration": "ثبت‌نام",
    "payment": "پرداخت هزینه",
    "photo": "عکس",
    "seat": "حوزه و صندلی آزمون",
    "exam": "آزمون کتبی",
    "interview": "مصاحبهٔ علمی",
    "qualification": "بررسی صلاحیت",
    "security": "نظر حفاظت",
    "launch": "تعیین محل دفتر",
    "licence": "صدور پروانه",
    "withdrawal": "انصراف",
    "disqualification": "حذف",
    "amendment": "اصلاح شرایط دوره",
    "reopening": "بازگشایی تصمیم",
    "reinstatement": "اعادهٔ پرونده",
    "assignment": "واگذاری بررسی",
    "document": "مدرک",
    "document_request": "درخواست مدرک (بررسی‌کننده)",
}

OUTCOMES: dict[str, str] = {
    "pass": "قبول", "fail": "رد", "passed": "قبول", "failed": "رد", "done": "انجام شد",
    "withdrawn": "انصراف", "disqualified": "حذف", "revoked": "ابطال",
    "proposed": "پیشنهاد شد", "confirmed": "تأیید شد", "assigned": "واگذار شد",
    "uploaded": "بارگذاری شد", "requested": "خواسته شد", "answered": "پاسخ داده شد",
}

#: EXAM-1's default subjects; a cycle's own subjects show their own title.
SUBJECTS: dict[str, str] = {
    "civil_law": "حقوق مدنی",
    "civil_procedure": "آیین دادرسی مدنی (به‌جز داوری)",
    "criminal_procedure": "آیین دادرسی کیفری",
    "criminal_law": "حقوق جزای عمومی و اختصاصی",
    "commercial_law": "حقوق تجارت (اسناد تجاری)",
    "public_law_1": "حقوق عمومی ۱ (کار، اساسی، ثبت)",
    "public_law_2": "حقوق عمومی ۲ (دیوان عدالت اداری، آیین‌نامهٔ دفاتر، قانون)",
    "literature": "ادبیات و نگارش",
}

#: The headline of each refusal, by its code.
REFUSALS: dict[str, str] = {
    **COMMON_REFUSALS,
    "wrong_stage": "این کار در مرحلهٔ کنونی پرونده ممکن نیست.",
    "closed": "پروندهٔ شما بسته شده است.",
    "invalid": "آنچه فرستادید با قواعد سازگار نیست.",
    "invalid_request": "فرم کامل یا درست پر نشده است.",
    "not_found": "موردی با این مشخصات پیدا نشد.",
    "forbidden": "این صفحه برای متقاضیان است.",
    "not_ready": "هنوز زمان این کار نرسیده است.",
    "conflict": "این کار با آنچه پیش‌تر رخ داده سازگار نیست.",
    "duplicate": "این کار پیش‌تر انجام شده است.",
    "already_applied": "این کار پیش‌تر انجام شده است.",
    "unauthenticated": "برای دیدن پرونده وارد شوید.",
    "token_expired": "نشست شما به پایان رسیده است؛ دوباره وارد شوید.",
    "invalid_token": "نشست شما معتبر نیست؛ دوباره وارد شوید.",
    "code_refused": "کد درست نیست یا دیگر معتبر نیست.",
}

#: What a refusal asks of the applicant, by `rule:field` or `rule` (after the headline).
NOTES: dict[str, str] = {
    "REG-5:national_id": "کد ملی ده رقمی خود را درست بنویسید.",
    "REG-3:tracking_code": "کد رهگیری بیست رقمی است که هنگام ثبت‌نام گرفتید.",
    "PORTAL-1": "هر کد پنج دقیقه و تا پنج بار آزمودن معتبر است و یک بار به کار می‌رود؛ "
                "اگر لازم است، کد تازه بخواهید.",
    "DOC-1:kind": "این مدرک برای پروندهٔ شما لازم نیست.",
    "DOC-1:file": "فایل باید PDF یا JPEG و حداکثر ۵ مگابایت باشد.",
    "DOC-1": "مدارک تا پیش از صدور پروانه و تا وقتی پرونده باز است پذیرفته می‌شوند.",
    "WD-1:confirm": "برای انصراف، خانهٔ تأیید را علامت بزنید.",
    "WD-1": "انصراف تنها پیش از صدور پروانه و تا وقتی پرونده باز است ممکن است.",
    "EXAM-5": "کارت ورود به جلسه از تاریخ اعلام‌شده و تنها برای داوطلبی که صندلی دارد "
              "آماده است.",
}

#: Messages a page shows after an action, by the `m` of its address.
DONE: dict[str, str] = {
    "uploaded": "مدرک شما بارگذاری شد.",
    "withdrawn": "انصراف شما ثبت شد.",
    "signed_out": "از درگاه خارج شدید.",
    "signed_in": "خوش آمدید.",
}


def note(rule: str, field: str | None) -> str:
    """What a refusal under `rule` (on `field`) asks of the applicant; "" if nothing more."""
    head = (field or "").split(".")[0]
    return NOTES.get(f"{rule}:{head}") or NOTES.get(rule, "")


def fa_digits(text: str) -> str:
    """`text` with its digits in Persian."""
    return ascii_to_persian_digits(text)
