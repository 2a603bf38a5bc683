"""Every Persian label of the console in one place: stages, roles, outcomes, refusals, events."""

from __future__ import annotations

from daftar.domain.stages import DecisionStage, Role, Stage

STAGES: dict[str, str] = {
    Stage.awaiting_payment: "در انتظار پرداخت",
    Stage.awaiting_exam: "در انتظار نتیجهٔ آزمون",
    Stage.awaiting_interview: "در انتظار مصاحبه",
    Stage.awaiting_qualification: "در انتظار بررسی صلاحیت",
    Stage.awaiting_security: "در انتظار نظر حفاظت",
    Stage.awaiting_launch: "در انتظار راه‌اندازی دفتر",
    Stage.awaiting_licence: "در انتظار صدور پروانه",
    Stage.licensed: "دارای پروانه",
    Stage.rejected: "رد شده",
    Stage.withdrawn: "انصراف داده",
    Stage.disqualified: "حذف شده (تخلف)",
    Stage.revoked: "پروانه ابطال شده",
    Stage.incomplete: "ثبت‌نام ناقص",
}

DECISION_STAGES: dict[str, str] = {
    DecisionStage.interview: "مصاحبهٔ علمی",
    DecisionStage.qualification: "بررسی صلاحیت",
    DecisionStage.security: "نظر حفاظت اطلاعات",
    # the other events a decision record may name
    "payment": "پرداخت",
    "photo": "عکس",
    "exam": "آزمون کتبی",
    "launch": "راه‌اندازی دفتر",
    "licence": "پروانه",
    "registration": "ثبت‌نام",
    "withdrawal": "انصراف",
    "disqualification": "حذف",
}

ROLES: dict[str, str] = {
    Role.admin: "مدیر سامانه",
    Role.exam_officer: "کارشناس آزمون",
    Role.interviewer: "مصاحبه‌گر",
    Role.qualification_officer: "کارشناس بررسی صلاحیت",
    Role.security_officer: "کارشناس حفاظت",
    Role.licensing_officer: "کارشناس صدور پروانه",
    Role.auditor: "حسابرس",
    Role.payment_gateway: "درگاه پرداخت",
    Role.applicant: "متقاضی",
}

OUTCOMES: dict[str, str] = {
    "pass": "قبول",
    "fail": "رد",
    "passed": "قبول",
    "failed": "رد",
    "done": "انجام شد",
    "withdrawn": "انصراف",
    "disqualified": "حذف",
    "revoked": "ابطال",
}

QUOTAS: dict[str, str] = {"free": "آزاد", "veteran": "ایثارگری"}

DOCUMENTS: dict[str, str] = {
    "occupation_ended": "گواهی پایان اشتغال (مادهٔ ۱۱)",
    "veteran_certificate": "اصل گواهی ایثارگری",
}

#: The headline of each refusal code an API error carries.
REFUSALS: dict[str, str] = {
    "wrong_stage": "این پرونده اکنون در این مرحله نیست.",
    "duplicate": "این مرحله پیش‌تر تصمیم‌گیری شده است.",
    "already_applied": "این تصمیم پیش‌تر ثبت شده است.",
    "not_ready": "شرط لازم این کار هنوز فراهم نیست.",
    "forbidden": "نقش شما اجازهٔ این کار را ندارد.",
    "invalid": "تصمیم کامل یا درست نیست.",
    "rule_violation": "درخواست با قواعد سازگار نیست.",
    "invalid_request": "درخواست نادرست است.",
    "not_found": "پرونده یا موردی با این مشخصات پیدا نشد.",
    "closed": "این پرونده بسته شده است.",
    "claimed": "این پرونده را همکار دیگری برداشته است.",
    "unavailable": "سامانه موقتاً در دسترس نیست؛ کمی بعد دوباره تلاش کنید.",
    "unauthenticated": "برای ادامه وارد شوید.",
    "token_expired": "توکن شما منقضی شده است؛ توکن تازه بگیرید و دوباره وارد شوید.",
    "invalid_token": "توکن معتبر نیست.",
    "csrf": "فرم منقضی یا نامعتبر است؛ صفحه را تازه کنید و دوباره بفرستید.",
    "internal": "خطای داخلی رخ داد.",
}
REFUSAL_FALLBACK = "درخواست پذیرفته نشد."

#: Timeline event kinds (daftar.services.timeline).
EVENTS: dict[str, str] = {
    "registered": "ثبت‌نام",
    "paid": "پرداخت هزینه",
    "photo": "بارگذاری عکس",
    "exam_result": "نتیجهٔ آزمون کتبی",
    "decision": "تصمیم",
    "office": "تعیین محل دفتر",
    "document": "ارائهٔ مدرک",
    "licence": "صدور پروانه",
    "withdrawn": "انصراف",
    "disqualified": "حذف (تخلف)",
    "revoked": "ابطال پروانه",
    "escalated": "ارجاع به مافوق (گذشت مهلت)",
    "closed": "پایان پرونده",
}

PUBLICATION: dict[str, str] = {
    "loaded": "بارگذاری شده",
    "publishing": "در حال اعلام",
    "published": "اعلام شده",
    "sending": "در حال ارسال",
    "done": "پایان یافته",
}

RELOCATION: dict[str, str] = {
    "none": "شهر انتخابی",
    "province": "شهر دیگر همان استان",
    "neighbour": "شهر مجاور استان دیگر",
}


def label(table: dict[str, str], key: object) -> str:
    """`key`'s Persian label in `table`, or the key itself when it has none."""
    text = str(getattr(key, "value", key))
    return table.get(text, text)


#: Registration values (RegistrationForm), by value.
VALUES: dict[str, str] = {
    "male": "مرد", "female": "زن",
    "bachelor": "کارشناسی", "master": "کارشناسی ارشد", "doctorate": "دکتری تخصصی",
    "seminary_2": "سطح دو حوزه", "seminary_3": "سطح سه حوزه", "seminary_4": "سطح چهار حوزه",
    "law": "حقوق", "islamic_jurisprudence": "فقه و مبانی حقوق اسلامی",
    "judicial_sciences": "علوم قضایی", "other": "سایر",
    "completed": "پایان خدمت", "permanent_exemption": "معافیت دائم", "none": "ندارد",
    "government_employee": "کارمند دولت", "merchant": "تاجر", "attorney": "وکیل",
    "judicial_expert": "کارشناس رسمی دادگستری",
    "martyr_family": "خانوادهٔ شهید", "disabled_veteran": "جانباز",
    "freed_prisoner": "آزاده", "combatant": "رزمنده",
    "disabled_veteran_family": "خانوادهٔ جانباز", "combatant_child": "فرزند رزمنده",
    "IR": "ایران",
}
