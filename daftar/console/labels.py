"""Every Persian label of the console in one place: stages, roles, outcomes, refusals, events."""

from __future__ import annotations

from daftar.domain.stages import DecisionStage, Role, Stage
from daftar.pages.labels import COMMON_REFUSALS
from daftar.pages.labels import REFUSAL_FALLBACK as REFUSAL_FALLBACK
from daftar.pages.labels import label as label
from daftar.pages.messages import CORRECTION_NOTES as CORRECTION_NOTES

STAGES: dict[str, str] = {
    Stage.awaiting_payment: "در انتظار پرداخت",
    Stage.awaiting_exam: "در انتظار نتیجهٔ آزمون",
    Stage.awaiting_interview: "در انتظار مصاحبه",
    Stage.awaiting_qualification: "در انتظار بررسی صلاحیت",
    Stage.awaiting_security: "در انتظار نظر حفاظت",
    Stage.awaiting_launch: "در انتظار راه‌اندازی دفتر",
    Stage.awaiting_licence: "در انتظار صدور پروانه",
    Stage.awaiting_applicant: "در انتظار مدرک از متقاضی",
    Stage.licensed: "دارای پروانه",
    Stage.rejected: "رد شده",
    Stage.withdrawn: "انصراف داده",
    Stage.disqualified: "حذف شده (تخلف)",
    Stage.revoked: "پروانه ابطال شده",
    Stage.incomplete: "ثبت‌نام ناقص",
    Stage.absent: "غایب در آزمون",
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
    "amendment": "اصلاح شرایط دوره",
    "seat": "حوزه و صندلی آزمون",
    "document": "بارگذاری مدرک",
    "document_request": "درخواست مدرک",
    # corrections (COR-1, COR-2, COR-3)
    "reopening": "بازگشایی تصمیم",
    "reinstatement": "اعادهٔ پرونده",
    "assignment": "واگذاری تصمیم",
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
    "absent": "غایب",
    "uploaded": "بارگذاری شد",
    "requested": "درخواست شد",
    "answered": "پاسخ داده شد",
    # corrections: a reinstatement proposed or confirmed (COR-2), a decision assigned (COR-3)
    "proposed": "پیشنهاد شد",
    "confirmed": "تأیید شد",
    "assigned": "واگذار شد",
}

QUOTAS: dict[str, str] = {"free": "آزاد", "veteran": "ایثارگری"}

DOCUMENTS: dict[str, str] = {
    "occupation_ended": "گواهی پایان اشتغال (مادهٔ ۱۱)",
    "veteran_certificate": "اصل گواهی ایثارگری",
}

#: The headline of each refusal code an API error carries.
REFUSALS: dict[str, str] = {
    **COMMON_REFUSALS,
    "wrong_stage": "این پرونده اکنون در این مرحله نیست.",
    "duplicate": "این مرحله پیش‌تر تصمیم‌گیری شده است.",
    "already_applied": "این تصمیم پیش‌تر ثبت شده است.",
    "not_ready": "شرط لازم این کار هنوز فراهم نیست.",
    "forbidden": "نقش شما اجازهٔ این کار را ندارد.",
    "invalid": "تصمیم کامل یا درست نیست.",
    "invalid_request": "درخواست نادرست است.",
    "not_found": "پرونده یا موردی با این مشخصات پیدا نشد.",
    "closed": "این پرونده بسته شده است.",
    "claimed": "این پرونده را همکار دیگری برداشته است.",
    "conflict": "این تغییر با آنچه پیش‌تر رخ داده سازگار نیست.",
    "unauthenticated": "برای ادامه وارد شوید.",
    "token_expired": "توکن شما منقضی شده است؛ توکن تازه بگیرید و دوباره وارد شوید.",
    "invalid_token": "توکن معتبر نیست.",
    # staff sign-in: the token paste and the organisation's OpenID provider
    "paste_disabled": "ورود با چسباندن توکن در این استقرار خاموش است؛ با حساب سازمانی وارد شوید.",
    "oidc_off": "ورود با حساب سازمانی در این استقرار راه‌اندازی نشده است.",
    "oidc_unavailable": "سامانهٔ احراز هویت سازمان پاسخ نمی‌دهد؛ کمی بعد دوباره وارد شوید.",
    "oidc_state": "این درخواست ورود معتبر نیست یا منقضی شده است؛ دوباره از ابتدا وارد شوید.",
    "oidc_denied": "سامانهٔ احراز هویت سازمان ورود را نپذیرفت.",
    "oidc_invalid": "پاسخ سامانهٔ احراز هویت سازمان معتبر نیست؛ دوباره وارد شوید.",
    "no_staff_role": "حساب سازمانی شما نقش کارکنان این سامانه را ندارد.",
}

#: Timeline event kinds (daftar.services.timeline).
EVENTS: dict[str, str] = {
    "registered": "ثبت‌نام",
    "paid": "پرداخت هزینه",
    "photo": "بارگذاری عکس",
    "exam_result": "نتیجهٔ آزمون کتبی",
    "decision": "تصمیم",
    "office": "تعیین محل دفتر",
    "document": "ارائهٔ مدرک",
    "document_uploaded": "بارگذاری مدرک",
    "document_requested": "درخواست مدرک از متقاضی",
    "licence": "صدور پروانه",
    "withdrawn": "انصراف",
    "disqualified": "حذف (تخلف)",
    "revoked": "ابطال پروانه",
    "escalated": "ارجاع به مافوق (گذشت مهلت)",
    "amended": "اصلاح شرایط دوره",
    "seat": "تعیین حوزه و صندلی آزمون",
    "absent": "غیبت در آزمون",
    "reopened": "بازگشایی تصمیم (اصلاح)",
    "reinstatement": "اعادهٔ پرونده (اصلاح با تأیید دو مدیر)",
    "assigned": "واگذاری تصمیم به بررسی‌کننده",
    "record_closed": "بسته شدن پرونده با پایان دوره",
    "claimed": "برداشتن پرونده",
    "released": "رها کردن پرونده",
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

#: A cycle's phase (daftar.services.cycles.cycle_view).
PHASES: dict[str, str] = {
    "before_registration": "ثبت‌نام آغاز نشده",
    "registration": "در حال ثبت‌نام",
    "exam": "آزمون",
    "results": "اعلام نتایج",
    "launch": "راه‌اندازی دفاتر",
}

#: A cycle's settings, as its page and its amendments (CYC-1) name them.
SETTINGS: dict[str, str] = {
    "registration_start": "آغاز مهلت ثبت‌نام",
    "registration_end": "پایان مهلت ثبت‌نام",
    "registration_closes": "بسته شدن ثبت‌نام",
    "reference_day": "روز مبنای محاسبهٔ سن",
    "sla_days": "مهلت رسیدگی",
    "claim_hours": "مدت برداشتن پرونده",
    "cities": "شهرها",
    "province": "استان",
    "city": "شهر",
    "capacity": "ظرفیت",
    "priority": "اولویت",
    "neighbours": "شهرهای مجاور",
    "city_added": "شهر افزوده",
}

#: The reviewing stages a cycle's `sla_days` names, in the order of the path.
SLA_STAGES: dict[str, str] = {
    "interview": "مصاحبهٔ علمی",
    "qualification": "بررسی صلاحیت",
    "security": "نظر حفاظت اطلاعات",
    "licence": "صدور پروانه",
}

#: The headline of a refused amendment (CYC-1) by refusal code, where it differs from REFUSALS.
AMENDMENT_REFUSALS: dict[str, str] = {
    "invalid": "این اصلاح با قواعد دوره سازگار نیست.",
    "invalid_request": "فرم اصلاح کامل یا درست نیست.",
}

#: What a refused amendment must change, by `code:rule:field` or `rule:field` (the field's
#: first part; empty for the whole amendment).
AMENDMENT_NOTES: dict[str, str] = {
    "invalid:CYC-1:": "این اصلاح هیچ تنظیمی را تغییر نمی‌دهد؛ دست‌کم یک خانه را با مقداری "
                      "تازه پر کنید.",
    "conflict:CYC-1:": "دوره در این فاصله اصلاح شده است؛ صفحه را تازه کنید و اصلاح را دوباره "
                       "بفرستید.",
    "forbidden:CYC-1:": "تنها مدیر سامانه دوره را اصلاح می‌کند.",
    "CYC-1:registration_end": "مهلت ثبت‌نام تنها تا وقتی باز است تغییر می‌کند و پایان تازهٔ آن "
                              "نمی‌تواند در گذشته باشد؛ مهلت بسته‌شده بسته می‌ماند.",
    "conflict:CYC-1:cities": "ظرفیت شهر نمی‌تواند از صندلی‌هایی که دورهای راه‌اندازی داده‌اند "
                             "کمتر شود.",
    "invalid:CYC-1:cities": "شهری که در دوره نیست تنها با ظرفیت و اولویتش افزوده می‌شود.",
    "REG-1:registration_end": "پایان مهلت ثبت‌نام تاریخ شمسی درستی به شکل سال/ماه/روز است و پیش "
                              "از آغاز مهلت نیست.",
    "REG-1:exam_date": "پایان مهلت ثبت‌نام باید پیش از روز آزمون باشد.",
    "LAUNCH-1:cities": "هر شهر یک بار در دوره می‌آید و استان و نام دارد؛ ظرفیت و اولویتش عددی "
                       "از ۰ تا ۱۰۰٬۰۰۰ است و شهرهای مجاورش از شهرهای همین دوره در استان‌های "
                       "دیگرند.",
    "REQUEST:sla_days": "مهلت رسیدگی هر مرحله عددی از ۱ تا ۳۶۵۰ روز است.",
    "REQUEST:claim_hours": "مدت برداشتن پرونده عددی از ۱ تا ۷۲ ساعت است.",
    "REQUEST:registration_end": "پایان مهلت ثبت‌نام را به شکل سال/ماه/روز بنویسید.",
}

#: The headline of a refused correction (COR-1, COR-2, COR-3), by `code:rule` of its first
#: rule, where REFUSALS' headline for the code is not apt.
CORRECTION_REFUSALS: dict[str, str] = {
    "forbidden:COR-2": "اعادهٔ پرونده را مدیر دیگری باید تأیید کند.",
    "wrong_stage:COR-1": "این تصمیم دیگر بازگشایی نمی‌شود.",
    "wrong_stage:COR-2": "این پرونده اعاده نمی‌شود.",
    "wrong_stage:COR-3": "این پرونده منتظر تصمیم بررسی‌کننده‌ای نیست.",
    "invalid_request": "فرم اصلاح کامل یا درست نیست.",
}

#: NOTE-1's SMS: each notice event (daftar.domain.notices.NoticeEvent) and outbox status.
NOTICE_EVENTS: dict[str, str] = {
    "registered": "دریافت ثبت‌نام",
    "incomplete_soon": "یادآوری ثبت‌نام ناتمام",
    "incomplete": "بسته شدن ثبت‌نام ناتمام",
    "card_available": "آماده شدن کارت ورود به جلسه",
    "exam_result": "نتیجهٔ آزمون کتبی",
    "absent": "غیبت در آزمون",
    "stage_passed": "گذراندن مرحله",
    "stage_failed": "نگذراندن مرحله",
    "document_requested": "درخواست مدرک",
    "document_reminder": "یادآوری مدرک",
    "document_lapsed": "پایان مهلت مدرک",
    "office": "تعیین محل دفتر",
    "licence": "صدور پروانه",
    "withdrawn": "انصراف",
    "disqualified": "حذف (تخلف)",
    "revoked": "ابطال پروانه",
    "reinstated": "اعادهٔ پرونده",
}
NOTICE_STATUSES: dict[str, str] = {
    "pending": "در صف",
    "sent": "فرستاده شد",
    "failed": "ناموفق (تلاش دوباره)",
    "deferred": "به تعویق (سقف ساعتی شماره)",
    "sending": "در حال ارسال (پاسخ نرسیده)",
}
