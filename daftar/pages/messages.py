"""A refusal's causes in Persian, for the pages: each violation's field and what to do.

The JSON API keeps each violation's English `message` (docs/api.md); a page shows instead the
field's Persian label (`field_label`) and a Persian sentence for the cause (`persian_cause`):
a schema error (pydantic's) translated by its pattern with its values carried over, a domain
or service message by its own pattern, else the catalog's sentence for its rule and field.
When nothing is known the cause is empty and the page shows the rule's text and the field's
label only: never English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from daftar.domain.digits import ascii_to_persian_digits
from daftar.domain.violations import Violation

#: Each field a form of the console or the portal sends, and each field a violation names,
#: by its own name (a path's last part) or its whole dotted path.
FIELDS: dict[str, str] = {
    # a decision (INT-1, QUAL-1, SEC-1) and a batch of them
    "stage": "مرحله", "outcome": "نتیجه", "score": "نمره", "reason": "دلیل",
    "checks": "فهرست بررسی صلاحیت", "items": "ردیف‌ها", "ids": "پرونده‌های برگزیده",
    "application_id": "شناسهٔ پرونده", "name": "نام",
    # corrections (COR-1, COR-2, COR-3) and a document request (DOC-2)
    "reviewer": "نام کاربری بررسی‌کننده", "kind": "نوع مدرک", "days": "مهلت (روز)",
    "file": "فایل", "documents": "مدارک", "export": "فایل خروجی", "history": "سابقه",
    # a cycle and its amendment (CYC-1)
    "year": "سال دوره", "cycle": "دوره", "registration_start": "آغاز مهلت ثبت‌نام",
    "registration_end": "پایان مهلت ثبت‌نام", "reference_day": "روز مبنای محاسبهٔ سن",
    "sla_days": "مهلت رسیدگی", "claim_hours": "مدت برداشتن پرونده", "cities": "شهرها",
    "capacity": "ظرفیت", "priority": "اولویت", "neighbours": "شهرهای مجاور",
    "amendments": "شمار اصلاح‌های دوره", "fee_rials": "هزینهٔ ثبت‌نام (ریال)",
    "veteran_share": "سهم ایثارگران", "subjects": "درس‌های آزمون", "code": "کد",
    "title": "عنوان", "questions": "شمار پرسش‌ها", "coefficient": "ضریب", "group": "گروه",
    "group_weights": "وزن گروه‌ها", "taraz_scale": "مقیاس تراز",
    # the exam session (EXAM-5) and the results (EXAM-2, EXAM-4, EXAM-6)
    "exam_date": "روز آزمون", "start_time": "ساعت شروع", "card_date": "آغاز دریافت کارت",
    "venues": "حوزه‌های آزمون", "address": "نشانی", "seats": "شمار صندلی‌ها",
    "candidates": "داوطلبان", "rows": "ردیف‌های نتایج", "correct": "پاسخ درست",
    "wrong": "پاسخ نادرست", "absent": "غایب", "confirm_absent": "تأیید غایبان",
    "total_score": "نمرهٔ کل", "pass_mark": "حد نصاب", "payloads": "داده‌ها",
    # registration (REG-*, GEN-*, AGE-*, EXP-1, ART11-1, VET-*)
    "first_name": "نام", "last_name": "نام خانوادگی", "father_name": "نام پدر",
    "national_id": "کد ملی", "birth_date": "تاریخ تولد", "gender": "جنسیت",
    "mobile": "تلفن همراه", "citizenship": "تابعیت", "degree": "مدرک تحصیلی",
    "degree.level": "مقطع تحصیلی", "degree.field": "رشتهٔ تحصیلی",
    "degree.graduation_date": "تاریخ فراغت از تحصیل", "level": "مقطع تحصیلی",
    "field": "رشتهٔ تحصیلی", "graduation_date": "تاریخ فراغت از تحصیل",
    "military_service": "وضعیت نظام وظیفه",
    "military_service_end_date": "تاریخ پایان خدمت", "computer_certificate": "مدرک رایانه",
    "experience_years": "سابقهٔ کار (سال)", "occupation": "اشتغال", "quota": "سهمیه",
    "quota.kind": "نوع سهمیه", "quota.category": "دستهٔ ایثارگری",
    "quota.organisation_code": "کد رهگیری سازمان", "organisation_code": "کد رهگیری سازمان",
    "category": "دستهٔ ایثارگری", "province": "استان", "city": "شهر",
    "tracking_code": "کد رهگیری", "amount_rials": "مبلغ (ریال)", "reference": "شمارهٔ پرداخت",
    "photo": "عکس", "confirm": "تأیید", "token": "توکن ورود", "csrf": "برگهٔ فرم",
    "filter_id": "فیلتر ذخیره‌شده", "page": "شمارهٔ صفحه", "size": "اندازهٔ صفحه",
    "q": "جست‌وجو", "overdue": "گذشته از مهلت", "from": "از تاریخ", "to": "تا تاریخ",
    "Idempotency-Key": "کلید یکتایی درخواست",
}

#: The keys of a mapping a field holds (`sla_days.interview`, `group_weights.general`).
KEYS: dict[str, str] = {
    "interview": "مصاحبهٔ علمی", "qualification": "بررسی صلاحیت",
    "security": "نظر حفاظت اطلاعات", "licence": "صدور پروانه",
    "general": "عمومی", "specialised": "اختصاصی",
}

#: The stages a domain message names, as the staff read them.
STAGES: dict[str, str] = {
    "awaiting_payment": "در انتظار پرداخت", "awaiting_exam": "در انتظار نتیجهٔ آزمون",
    "awaiting_interview": "در انتظار مصاحبه",
    "awaiting_qualification": "در انتظار بررسی صلاحیت",
    "awaiting_security": "در انتظار نظر حفاظت", "awaiting_launch": "در انتظار راه‌اندازی دفتر",
    "awaiting_licence": "در انتظار صدور پروانه",
    "awaiting_applicant": "در انتظار مدرک از متقاضی", "licensed": "دارای پروانه",
    "rejected": "رد شده", "withdrawn": "انصراف داده", "disqualified": "حذف شده (تخلف)",
    "revoked": "پروانه ابطال شده", "incomplete": "ثبت‌نام ناقص", "absent": "غایب در آزمون",
    **{k: v for k, v in KEYS.items() if k in ("interview", "qualification", "security")},
}

#: The roles a domain message names.
ROLES: dict[str, str] = {
    "admin": "مدیر سامانه", "exam_officer": "کارشناس آزمون", "interviewer": "مصاحبه‌گر",
    "qualification_officer": "کارشناس بررسی صلاحیت", "security_officer": "کارشناس حفاظت",
    "licensing_officer": "کارشناس صدور پروانه", "auditor": "حسابرس",
    "payment_gateway": "درگاه پرداخت", "applicant": "متقاضی",
}

#: The values an enum error lists (`Input should be 'pass' or 'fail'`), in Persian.
VALUES: dict[str, str] = {
    "pass": "قبول", "fail": "رد", **KEYS, **ROLES,
    "degree": "مدرک تحصیلی", "national_card": "کارت ملی",
    "military_service": "کارت پایان خدمت یا معافیت", "no_criminal_record": "گواهی عدم سوء پیشینه",
    "computer_certificate": "گواهی مهارت رایانه", "occupation_ended": "گواهی پایان اشتغال",
    "veteran_certificate": "اصل گواهی ایثارگری",
    "male": "مرد", "female": "زن", "free": "آزاد", "veteran": "ایثارگری",
    "bachelor": "کارشناسی", "master": "کارشناسی ارشد", "doctorate": "دکتری تخصصی",
    "seminary_2": "سطح دو حوزه", "seminary_3": "سطح سه حوزه", "seminary_4": "سطح چهار حوزه",
    "law": "حقوق", "islamic_jurisprudence": "فقه و مبانی حقوق اسلامی",
    "judicial_sciences": "علوم قضایی", "other": "سایر", "completed": "پایان خدمت",
    "permanent_exemption": "معافیت دائم", "none": "ندارد",
    "government_employee": "کارمند دولت", "merchant": "تاجر", "attorney": "وکیل",
    "judicial_expert": "کارشناس رسمی دادگستری", "martyr_family": "خانوادهٔ شهید",
    "disabled_veteran": "جانباز", "freed_prisoner": "آزاده", "combatant": "رزمنده",
    "disabled_veteran_family": "خانوادهٔ جانباز", "combatant_child": "فرزند رزمنده",
}

#: What a refused correction asks, by `code:rule` or `rule:field` (the field's first part):
#: the console's notes beside a correction's refusal, and causes here.
CORRECTION_NOTES: dict[str, str] = {
    "forbidden:COR-1": "تنها مدیر سامانه تصمیمی را بازگشایی می‌کند.",
    "forbidden:COR-2": "پیشنهاددهندهٔ اعاده نمی‌تواند پیشنهاد خود را تأیید کند.",
    "forbidden:COR-3": "تنها مدیر سامانه تصمیمی را به بررسی‌کننده واگذار می‌کند.",
    "wrong_stage:COR-1": "تنها آخرین تصمیم بررسی‌کننده (مصاحبه، بررسی صلاحیت یا نظر حفاظت) "
                         "بازگشایی می‌شود، آن هم تا وقتی مرحلهٔ بعد اقدامی نکرده است.",
    "wrong_stage:COR-2": "تنها پرونده‌ای که رد یا حذف شده یا پروانه‌اش ابطال شده است اعاده "
                         "می‌شود.",
    "wrong_stage:COR-3": "واگذاری تنها برای تصمیمی است که منتظر مصاحبه، بررسی صلاحیت یا نظر "
                         "حفاظت است.",
    "COR-1:reason": "دلیل بازگشایی را بنویسید.",
    "COR-2:reason": "دلیل پیشنهاد یا تأیید اعاده را بنویسید.",
    "COR-3:reviewer": "نام کاربری بررسی‌کننده (همان که با آن وارد می‌شود) را بدون فاصله "
                      "بنویسید.",
}

#: What a refusal asks, by `code:rule`, `rule:field` (the field's first part) or `rule`.
CAUSES: dict[str, str] = {
    # decisions
    "INT-1:score": "نمرهٔ مصاحبه را با رقم بنویسید: عددی از ۰ تا ۱۰۰.",
    "INT-1:reason": "برای تصمیم «رد» دلیل را بنویسید.",
    "INT-1:outcome": "نتیجهٔ مصاحبه را برگزینید: «قبول» یا «رد».",
    "INT-1": "تصمیم مصاحبه نتیجه («قبول» یا «رد») و نمره‌ای از ۰ تا ۱۰۰ دارد و برای «رد» "
             "دلیل آن.",
    "QUAL-1:checks": "هر مورد فهرست بررسی را که با مدارک تأیید شده است علامت بزنید؛ «قبول» "
                     "همهٔ موارد را می‌خواهد و «رد» دست‌کم یک مورد تأییدنشده.",
    "QUAL-1:reason": "برای تصمیم «رد» دلیل را بنویسید.",
    "QUAL-1:score": "بررسی صلاحیت نمره ندارد؛ خانهٔ نمره را خالی بگذارید.",
    "QUAL-1:outcome": "نتیجهٔ بررسی صلاحیت را برگزینید: «قبول» یا «رد».",
    "QUAL-1": "بررسی صلاحیت با فهرست بررسی کامل ثبت می‌شود و برای «رد» دلیل آن.",
    "SEC-1:reason": "برای تصمیم «رد» دلیل را بنویسید (محرمانه می‌ماند).",
    "SEC-1:score": "نظر حفاظت نمره ندارد؛ خانهٔ نمره را خالی بگذارید.",
    "SEC-1:checks": "نظر حفاظت فهرست بررسی ندارد.",
    "SEC-1:outcome": "نظر حفاظت را برگزینید: «قبول» یا «رد».",
    "SEC-1": "نظر حفاظت «قبول» یا «رد» است و برای «رد» دلیل آن.",
    "INT-1:checks": "تصمیم مصاحبه فهرست بررسی ندارد.",
    # corrections
    **CORRECTION_NOTES,
    "COR-1:stage": "مرحلهٔ تصمیمی که بازگشایی می‌شود یکی از مصاحبه، بررسی صلاحیت یا نظر حفاظت "
                   "است؛ صفحه را تازه کنید.",
    "COR-1": "تنها آخرین تصمیم بررسی‌کننده، با دلیل و پیش از اقدام مرحلهٔ بعد، بازگشایی "
             "می‌شود.",
    "COR-2": "اعادهٔ پرونده را یک مدیر پیشنهاد و مدیری دیگر تأیید می‌کند؛ دورهٔ بسته‌شده "
             "پرونده‌ای نمی‌پذیرد.",
    "COR-3": "مدیر تصمیم منتظر را به بررسی‌کننده‌ای با نقش همان مرحله واگذار می‌کند.",
    # cycles and their amendment (as the console's AMENDMENT_NOTES say them)
    "invalid:CYC-1": "این اصلاح هیچ تنظیمی را تغییر نمی‌دهد؛ دست‌کم یک خانه را با مقداری "
                     "تازه پر کنید.",
    "conflict:CYC-1": "دوره در این فاصله اصلاح شده است؛ صفحه را تازه کنید و اصلاح را دوباره "
                      "بفرستید.",
    "forbidden:CYC-1": "تنها مدیر سامانه دوره را اصلاح می‌کند.",
    "CYC-1:registration_end": "مهلت ثبت‌نام تنها تا وقتی باز است تغییر می‌کند و پایان تازهٔ "
                              "آن نمی‌تواند در گذشته باشد؛ مهلت بسته‌شده بسته می‌ماند.",
    "CYC-1:cities": "ظرفیت شهر از صندلی‌هایی که دورهای راه‌اندازی داده‌اند کمتر نمی‌شود و "
                    "شهری که در دوره نیست تنها با ظرفیت و اولویتش افزوده می‌شود.",
    "CYC-1": "دورهٔ جاری را مدیر سامانه اصلاح می‌کند: مهلت ثبت‌نام تا پیش از پایانش، مهلت‌ها "
             "و ظرفیت‌ها.",
    "REG-1:registration_end": "پایان مهلت ثبت‌نام تاریخ شمسی درستی به شکل سال/ماه/روز است و "
                              "پیش از آغاز مهلت نیست.",
    "REG-1:registration_start": "آغاز مهلت ثبت‌نام را به شکل سال/ماه/روز بنویسید.",
    "REG-1:exam_date": "پایان مهلت ثبت‌نام باید پیش از روز آزمون باشد.",
    "REG-1": "ثبت‌نام و پرداخت تنها در مهلت ثبت‌نام دوره (به وقت تهران) پذیرفته می‌شود.",
    "LAUNCH-1:cities": "هر شهر یک بار در دوره می‌آید و استان و نام دارد؛ ظرفیت و اولویتش عددی "
                       "از ۰ تا ۱۰۰٬۰۰۰ است و شهرهای مجاورش از شهرهای همین دوره در استان‌های "
                       "دیگرند.",
    "LAUNCH-1:province": "نام یا کد دورقمی یکی از ۳۱ استان ایران را بنویسید.",
    "LAUNCH-1": "دورهای راه‌اندازی را کارشناس صدور پروانه، هر دور پس از پایان دور پیش، "
                "اجرا می‌کند و هر داوطلب یک دفتر می‌گیرد.",
    "REQUEST:sla_days": "مهلت رسیدگی هر مرحله عددی از ۱ تا ۳۶۵۰ روز است.",
    "REQUEST:claim_hours": "مدت برداشتن پرونده عددی از ۱ تا ۷۲ ساعت است.",
    "REQUEST:registration_end": "پایان مهلت ثبت‌نام را به شکل سال/ماه/روز بنویسید.",
    "REQUEST:ids": "دست‌کم یک پرونده را برگزینید.",
    "REQUEST:name": "برای فیلتر نامی بنویسید.",
    "REQUEST:history": "فایل خروجی سابقه خوانا نیست.",
    "REQUEST:payloads": "داده‌های فرستاده خوانا نیستند.",
    "REQUEST": "درخواست کامل یا درست نیست؛ خانه‌های فرم را بازبینی کنید و دوباره بفرستید.",
    "EXAM-1:subjects": "هر کد درس یک بار می‌آید.",
    "EXAM-1": "درس‌های آزمون را با کد، عنوان و شمار پرسش‌ها بنویسید.",
    # the exam session and the results
    "EXAM-5:exam_date": "روز آزمون را به شکل سال/ماه/روز، پس از پایان ثبت‌نام، بنویسید.",
    "EXAM-5:card_date": "آغاز دریافت کارت را به شکل سال/ماه/روز و تا روز آزمون بنویسید.",
    "EXAM-5:venues": "هر استانی که داوطلب دارد حوزه‌ای در مرکز استان با صندلی کافی می‌خواهد؛ "
                     "از روز آغاز کارت‌ها صندلی‌ها ثابت‌اند.",
    "EXAM-5:candidates": "هر داوطلب کد دورقمی استان خود را لازم دارد.",
    "EXAM-5:start_time": "ساعت شروع را به شکل ساعت:دقیقه بنویسید، مثلاً ۰۹:۰۰.",
    "forbidden:EXAM-5": "تنها کارشناس آزمون حوزه‌ها و صندلی‌ها را تعیین می‌کند.",
    "EXAM-5": "کارت ورود به جلسه برای داوطلب صندلی‌دار و از تاریخ اعلام‌شده است؛ آزمون در "
              "مرکز هر استان برگزار می‌شود.",
    "EXAM-2": "نتایج را کارشناس آزمون یک بار بارگذاری و سپس اعلام می‌کند.",
    "EXAM-4": "هر ردیف نتایج یک داوطلب در انتظار آزمون است با درس‌های دوره و شمار پاسخ‌های "
              "درست و نادرست که از شمار پرسش‌ها بیشتر نیست.",
    "EXAM-4:group_weights": "وزن هر گروه (عمومی و اختصاصی) عددی مثبت است.",
    "EXAM-6:confirm_absent": "شمار غایبان (بی‌نتیجه‌ها) را تأیید کنید.",
    "EXAM-6": "داوطلبی که غایب است پاسخی ندارد و داوطلبی که نتیجه دارد غایب نیست.",
    # documents
    "DOC-1:kind": "این مدرک برای این پرونده لازم نیست.",
    "DOC-1:file": "فایل باید پی‌دی‌اف یا جی‌پگ و حداکثر ۵ مگابایت باشد.",
    "DOC-1": "مدارک تا پیش از صدور پروانه و تا وقتی پرونده باز است پذیرفته می‌شوند.",
    "DOC-2:reason": "دلیل خواستن مدرک را بنویسید؛ متقاضی آن را می‌خواند.",
    "DOC-2:kind": "مدرکی را برگزینید که این پرونده لازم دارد.",
    "DOC-2:days": "مهلت را عددی از ۱ تا ۶۰ روز بنویسید.",
    "forbidden:DOC-2": "تنها کارشناس بررسی صلاحیت یا کارشناس صدور پروانه مدرک می‌خواهد.",
    "DOC-2": "مدرک را تنها هنگام بررسی صلاحیت یا صدور پروانه و با دلیل می‌توان خواست.",
    "ART11-1:documents": "گواهی پایان اشتغال (مادهٔ ۱۱) هنوز بارگذاری نشده است.",
    "ART11-1:kind": "گواهی پایان اشتغال تنها برای کسی است که اشتغال مادهٔ ۱۱ اعلام کرده است.",
    "ART11-1": "شاغل مادهٔ ۱۱ تنها با گواهی پایان اشتغال پروانه می‌گیرد.",
    "VET-2:documents": "اصل گواهی ایثارگری هنوز بارگذاری نشده است.",
    "VET-2:kind": "گواهی ایثارگری تنها برای متقاضی سهمیهٔ ایثارگری است.",
    "VET-2": "متقاضی سهمیهٔ ایثارگری پیش از پروانه اصل گواهی را می‌دهد.",
    "VET-1": "دستهٔ ایثارگری را از دسته‌های مشمول سهمیه برگزینید.",
    "LIC-1": "پروانه تنها پس از احراز همهٔ شرایط و یک بار صادر می‌شود.",
    "FRAUD-1:reason": "دلیل حذف را بنویسید.",
    "FRAUD-1": "حذف یا ابطال پروانه تنها با دلیل ثبت می‌شود.",
    "WD-1:confirm": "برای انصراف، خانهٔ تأیید را علامت بزنید.",
    "WD-1": "انصراف تنها پیش از صدور پروانه و تا وقتی پرونده باز است ممکن است.",
    # registration (as the portal's NOTES say them, where the same)
    "REG-2:mobile": "شمارهٔ همراه ایرانی را بنویسید: ۰۹ و پس از آن ۹ رقم.",
    "REG-2:amount_rials": "مبلغ پرداخت‌شده با هزینهٔ ثبت‌نام دوره برابر نیست.",
    "REG-2:reference": "هر شمارهٔ پرداخت تنها یک پرونده را می‌پردازد.",
    "REG-2": "ثبت‌نام با فرم کامل، پرداخت هزینه و عکس معتبر کامل می‌شود؛ متن‌ها را بدون "
             "نویسهٔ کنترلی بنویسید.",
    "REG-3:tracking_code": "کد رهگیری بیست رقمی است که هنگام ثبت‌نام گرفتید.",
    "REG-3": "پرونده با کد رهگیری آن شناخته می‌شود.",
    "REG-4": "عکس ۳×۴، از نوع جی‌پگ، بین ۲۰۰×۳۰۰ و ۳۰۰×۴۰۰ پیکسل و حداکثر ۷۰ کیلوبایت است.",
    "REG-5:national_id": "کد ملی ده رقمی خود را درست بنویسید.",
    "REG-5": "هر کد ملی در هر دوره تنها یک درخواست دارد و کد ملی باید معتبر باشد.",
    "REG-6:quota": "سهمیه و دستهٔ آن را درست برگزینید؛ کد رهگیری سازمان تنها برای رزمندگان "
                   "و فرزندانشان است و دوازده رقم دارد.",
    "REG-6": "سهمیه در ثبت‌نام انتخاب می‌شود و بعداً تغییر نمی‌کند.",
    "REG-7:city": "شهری از فهرست شهرهای این دوره برگزینید.",
    "REG-7": "شهر محل دفتر را از فهرست شهرهای دوره برگزینید.",
    "GEN-1": "تنها اتباع جمهوری اسلامی ایران ثبت‌نام می‌کنند.",
    "GEN-2": "رشتهٔ مدرک تحصیلی را از رشته‌های پذیرفته برگزینید.",
    "GEN-3": "داوطلب مرد کارت پایان خدمت یا معافیت دائم لازم دارد.",
    "GEN-5": "مدرک مهارت رایانه از مرجع معتبر لازم است.",
    "AGE-1": "تاریخ تولد باید در بازهٔ سنی دوره باشد؛ آن را به شکل سال/ماه/روز بنویسید.",
    "AGE-2": "تاریخ فراغت از تحصیل و پایان خدمت باید تا آخرین روز ثبت‌نام باشد.",
    "EXP-1": "سابقهٔ کار مرتبط: کارشناسی ۳ سال، کارشناسی ارشد ۲ سال و دکتری ۱ سال.",
    "ART11-1:occupation": "اشتغال مادهٔ ۱۱ را درست برگزینید.",
    "PORTAL-1": "هر کد پنج دقیقه و تا پنج بار آزمودن معتبر است و یک بار به کار می‌رود؛ "
                "اگر لازم است، کد تازه بخواهید.",
    "NOTE-1": "پیامک هر رویداد یک بار فرستاده می‌شود.",
}


_LATIN = re.compile(r"[A-Za-z]")
#: A rule id (`QUAL-1`, `ART11-1`), the one Latin a Persian cause may carry.
_RULE_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")


def fa_digits(value: object) -> str:
    """`value` as text with Persian digits."""
    return ascii_to_persian_digits(str(value))


def _number(text: str) -> str:
    """A number of a message in Persian: digits, the decimal mark and thousands separators."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return fa_digits(text)
    if value == value.to_integral_value() and abs(value) >= 1000:
        return fa_digits(f"{int(value):,}".replace(",", "٬"))
    return fa_digits(text.replace(".", "٫"))


def _safe(text: str) -> str:
    """A value of a message to show as is: digits, dates, Persian; "" if it has Latin letters."""
    return "" if _LATIN.search(text) else fa_digits(text)


def _list(words: str) -> str:
    """`A, B, C` (rule ids) with the Persian comma."""
    return "، ".join(w.strip() for w in words.split(",") if w.strip())


def _stage(name: str) -> str:
    return STAGES.get(name, "")


def _value(text: str) -> str:
    return VALUES.get(text, "")


def _choices(listed: str) -> str:
    """The choices a pydantic message lists as «الف»، «ب» یا «پ»; "" if one has no label."""
    values = re.findall(r"'([^']*)'", listed)
    names = [_value(v) for v in values]
    if not names or not all(names):
        return ""
    quoted = [f"«{n}»" for n in names]
    return quoted[0] if len(quoted) == 1 else "، ".join(quoted[:-1]) + " یا " + quoted[-1]


def _enum(m: re.Match[str]) -> str:
    choices = _choices(m[1])
    return (f"یکی از این‌ها را برگزینید: {choices}." if choices
            else "مقدار برگزیده از گزینه‌های پذیرفتنی نیست؛ یکی از گزینه‌ها را برگزینید.")


Rewrite = Callable[[re.Match[str]], str]

#: pydantic's (and FastAPI's) messages, each by its pattern.
SCHEMA: list[tuple[re.Pattern[str], Rewrite]] = [(re.compile(p), f) for p, f in [
    (r"^Field required$", lambda m: "این خانه لازم است و پر نشده است."),
    (r"^Input should be ((?:'[^']*'(?:, | or )?)+)$", _enum),
    (r"^Input should be a valid number", lambda m: "باید عدد باشد؛ آن را با رقم بنویسید."),
    (r"^Input should be a valid decimal", lambda m: "باید عدد باشد؛ آن را با رقم بنویسید."),
    (r"^Input should be a finite number", lambda m: "باید عددی معمولی باشد."),
    (r"^Input should be a valid integer, got a number with a fractional part",
     lambda m: "باید عدد درست و بی‌اعشار باشد."),
    (r"^Input should be a valid integer", lambda m: "باید عدد درست باشد؛ آن را با رقم بنویسید."),
    (r"^Input should be greater than or equal to (\S+)$",
     lambda m: f"باید دست‌کم {_number(m[1])} باشد."),
    (r"^Input should be greater than (\S+)$", lambda m: f"باید بیشتر از {_number(m[1])} باشد."),
    (r"^Input should be less than or equal to (\S+)$",
     lambda m: f"باید حداکثر {_number(m[1])} باشد."),
    (r"^Input should be less than (\S+)$", lambda m: f"باید کمتر از {_number(m[1])} باشد."),
    (r"^Decimal input should have no more than (\d+) decimal places?$",
     lambda m: f"حداکثر {_number(m[1])} رقم اعشار می‌پذیرد."),
    (r"^Decimal input should have no more than (\d+) digits? in total$",
     lambda m: f"حداکثر {_number(m[1])} رقم می‌پذیرد."),
    (r"^Decimal input should have no more than (\d+) digits? before the decimal point$",
     lambda m: f"حداکثر {_number(m[1])} رقم پیش از ممیز می‌پذیرد."),
    (r"^String should have at least 1 character", lambda m: "خالی مانده است؛ آن را پر کنید."),
    (r"^String should have at least (\d+) characters",
     lambda m: f"دست‌کم {_number(m[1])} نویسه لازم دارد."),
    (r"^String should have at most (\d+) characters?",
     lambda m: f"حداکثر {_number(m[1])} نویسه می‌پذیرد؛ آن را کوتاه کنید."),
    (r"^String should match pattern", lambda m: "شکل نوشتن آن درست نیست."),
    (r"^List should have at least (\d+) items?",
     lambda m: f"دست‌کم {_number(m[1])} مورد لازم دارد."),
    (r"^List should have at most (\d+) items?",
     lambda m: f"حداکثر {_number(m[1])} مورد می‌پذیرد."),
    (r"^Value should have at least 1 items?", lambda m: "خالی مانده است؛ آن را پر کنید."),
    (r"^Value should have at least (\d+) items?",
     lambda m: f"کوتاه است (دست‌کم {_number(m[1])})."),
    (r"^Value should have at most (\d+) items?",
     lambda m: f"بیش از اندازه بلند است (حداکثر {_number(m[1])})؛ آن را کوتاه کنید."),
    (r"^Decimal input should be an integer, float, string or Decimal object",
     lambda m: "باید عدد باشد؛ آن را با رقم بنویسید."),
    (r"^Dictionary should have at (least|most) (\d+) items?",
     lambda m: f"{'دست‌کم' if m[1] == 'least' else 'حداکثر'} {_number(m[2])} مورد."),
    (r"^Extra inputs are not permitted$", lambda m: "این خانه در این فرم پذیرفته نیست."),
    (r"^Input should be a valid date", lambda m: "باید تاریخی درست باشد."),
    (r"^Input should be a valid datetime", lambda m: "باید زمانی درست باشد."),
    (r"^Input should be a valid time", lambda m: "باید ساعتی درست باشد."),
    (r"^Input should be a valid boolean", lambda m: "باید «بله» یا «خیر» باشد."),
    (r"^Input should be a valid string", lambda m: "باید متن باشد."),
    (r"^Input should be a valid (dictionary|list|array|tuple|set)",
     lambda m: "شکل داده‌اش درست نیست."),
    (r"^Input should be a valid UUID", lambda m: "شناسه درست نیست."),
    (r"^Value error, must not contain the NUL character",
     lambda m: "نویسهٔ تهی (کد صفر) دارد؛ متن را دوباره بنویسید."),
    (r"^Value error, unknown SLA stages",
     lambda m: "مهلت رسیدگی تنها برای مرحله‌های مصاحبه، بررسی صلاحیت، نظر حفاظت و صدور "
               "پروانه است."),
    (r"^Value error, SLA days must be from 1 to (\d+)",
     lambda m: f"مهلت رسیدگی عددی از ۱ تا {_number(m[1])} روز است."),
    (r"^(?:JSON decode error|Invalid JSON)", lambda m: "داده‌ها خوانا نیستند."),
]]

#: The domain's and the services' messages a page may show, each by its pattern.
DOMAIN: list[tuple[re.Pattern[str], Rewrite]] = [(re.compile(p), f) for p, f in [
    # decisions (INT-1, QUAL-1, SEC-1)
    (r"^A failing decision must state its reason\.$",
     lambda m: "برای تصمیم «رد» دلیل را بنویسید."),
    (r"^The interview decision needs a score from 0 to 100\.$",
     lambda m: "نمرهٔ مصاحبه را بنویسید: عددی از ۰ تا ۱۰۰."),
    (r"^Interview score (\S+) is outside 0\.\.100\.$",
     lambda m: f"نمرهٔ مصاحبه ({_number(m[1])}) بیرون از بازهٔ ۰ تا ۱۰۰ است؛ عددی از ۰ تا "
               "۱۰۰ بنویسید."),
    (r"^Not a number: .*$",
     lambda m: "آنچه نوشتید عدد نیست؛ نمره را با رقم بنویسید، مثلاً ۸۵ یا ۸۵٫۵."),
    (r"^A (\w+) decision carries no score\.$",
     lambda m: f"تصمیم {_stage(m[1]) or 'این مرحله'} نمره ندارد؛ خانهٔ نمره را خالی "
               "بگذارید."),
    (r"^A (\w+) decision carries no checklist\.$",
     lambda m: f"تصمیم {_stage(m[1]) or 'این مرحله'} فهرست بررسی ندارد."),
    (r"^Checklist items not marked: (.+)\.$",
     lambda m: f"این موارد فهرست بررسی تعیین نشده‌اند: {_list(m[1])}."),
    (r"^Not items of this applicant's checklist: ([^(]+?)( \(a veteran.*)?\.$",
     lambda m: f"این موارد در فهرست بررسی این متقاضی نیستند: {_list(m[1])}"
               + ("؛ متقاضی سهمیهٔ ایثارگری از AGE-1 معاف است." if m[2] else ".")),
    (r"^A pass needs every item verified; failed: (.+)\.$",
     lambda m: f"برای «قبول» همهٔ موارد فهرست باید تأیید شوند؛ تأییدنشده: {_list(m[1])}. "
               "همه را علامت بزنید یا «رد» را برگزینید."),
    (r"^A failure must mark the failed items of the checklist\.$",
     lambda m: "برای «رد»، موردی از فهرست را که تأیید نشده است بی‌علامت بگذارید."),
    # who may act, and when (daftar.domain.transitions)
    (r"^Only the (\w+) role (?:may do this|publishes results|runs rounds|amends a cycle|"
     r"assigns exam seats|closes a cycle)\.$",
     lambda m: f"این کار تنها با نقش «{ROLES.get(m[1], 'دیگری')}» ممکن است."),
    (r"^An applicant may act on their own application only\.$",
     lambda m: "متقاضی تنها بر پروندهٔ خود اقدام می‌کند."),
    (r"^The application is at (\w+), not (\w+)\.$",
     lambda m: f"پرونده اکنون «{_stage(m[1])}» است، نه «{_stage(m[2])}»؛ صفحه را تازه کنید."),
    (r"^The application is (?:closed|still open|ended at) ?\(?(\w+)\)?\.$",
     lambda m: f"وضعیت پرونده: «{_stage(m[1])}»."),
    (r"^The application ended at (\w+)\.$",
     lambda m: f"پرونده پایان یافته است: «{_stage(m[1])}»."),
    (r"^.+ has claimed this decision until .+; it cannot be taken meanwhile\.$",
     lambda m: "همکار دیگری این پرونده را برداشته است؛ تا پایان مدت برداشتن، تصمیم با "
               "اوست."),
    (r"^You hold this claim until .+; it can be renewed once half of it has passed\.$",
     lambda m: "این پرونده را خودتان برداشته‌اید؛ برداشتن دوباره پس از گذشت نیمی از مدت آن "
               "ممکن است."),
    (r"^This stage's decision has been claimed (\d+) times without a decision;.*$",
     lambda m: f"تصمیم این مرحله {_number(m[1])} بار بی‌تصمیم برداشته شده است؛ اکنون تصمیم "
               "بگیرید یا از مدیر بخواهید آن را واگذار کند."),
    (r"^Only .+, who holds the claim, or an admin may release it\.$",
     lambda m: "تنها همکاری که پرونده را برداشته است، یا مدیر سامانه، آن را رها می‌کند."),
    (r"^The (\w+) stage is already decided\.$",
     lambda m: f"تصمیم مرحلهٔ {_stage(m[1]) or 'این مرحله'} پیش‌تر ثبت شده است."),
    (r"^The registration window has closed\.$",
     lambda m: "مهلت ثبت‌نام به پایان رسیده است."),
    # corrections (COR-1, COR-2, COR-3)
    (r"^Only the latest reviewer decision reopens: this application has (\w+), not a (\w+) "
     r"decision\.$",
     lambda m: f"تنها آخرین تصمیم بررسی‌کننده بازگشایی می‌شود: آخرین تصمیم این پرونده "
               f"{_stage(m[1]) or 'دیگری'} است، نه {_stage(m[2]) or 'این مرحله'}."),
    (r"^The next stage has acted: the application is at (\w+), no longer waiting at (\w+)\.$",
     lambda m: f"مرحلهٔ بعد اقدام کرده است: پرونده اکنون «{_stage(m[1])}» است و دیگر "
               f"«{_stage(m[2])}» نیست."),
    (r"^The application is at (\w+): the (\w+) rejection no longer stands\.$",
     lambda m: f"پرونده اکنون «{_stage(m[1])}» است و رد مرحلهٔ {_stage(m[2]) or 'پیشین'} "
               "دیگر برقرار نیست."),
    (r"^Only a rejected, disqualified or revoked application is reinstated; this one is at "
     r"(\w+)\.$",
     lambda m: f"تنها پروندهٔ ردشده، حذف‌شده یا ابطال‌شده اعاده می‌شود؛ این پرونده "
               f"«{_stage(m[1])}» است."),
    (r"^A reinstatement needs a second, different admin to confirm it\.$",
     lambda m: "اعاده را مدیری جز پیشنهاددهندهٔ آن باید تأیید کند."),
    (r"^No reviewer's decision waits: the application is at (\w+)\.$",
     lambda m: f"پرونده منتظر تصمیم بررسی‌کننده‌ای نیست؛ اکنون «{_stage(m[1])}» است."),
    (r"^The cycle is closed(?: already)?\.$", lambda m: "دوره بسته شده است."),
    (r"^Registration is open until (.+) \(Tehran time\): a cycle closes once its "
     r"registration is over\.$",
     lambda m: f"ثبت‌نام تا {_safe(m[1])} (به وقت تهران) باز است؛ دوره پس از پایان ثبت‌نام "
               "بسته می‌شود."),
    (r"^(\d+) candidates still wait for the exam's results:.*$",
     lambda m: f"{_number(m[1])} داوطلب هنوز در انتظار نتیجهٔ آزمون‌اند؛ نخست نتایج را اعلام "
               "کنید (EXAM-2، EXAM-6)."),
    # the cycle and its amendment (CYC-1, REG-1, LAUNCH-1)
    (r"^Name at least one setting to change\.$",
     lambda m: "این اصلاح هیچ تنظیمی را تغییر نمی‌دهد؛ دست‌کم یک خانه را با مقداری تازه پر "
               "کنید."),
    (r"^The cycle was amended meanwhile.*$",
     lambda m: "دوره در این فاصله اصلاح شده است؛ صفحه را تازه کنید و اصلاح را دوباره "
               "بفرستید."),
    (r"^The registration window has closed, and a closed window stays closed.*$",
     lambda m: "مهلت ثبت‌نام بسته شده است و بسته می‌ماند؛ پایان آن دیگر تغییر نمی‌کند."),
    (r"^The registration window cannot end in the past\.$",
     lambda m: "پایان مهلت ثبت‌نام نمی‌تواند در گذشته باشد."),
    (r"^.+ is not a city of this cycle: to add it, give its capacity and priority\.$",
     lambda m: "این شهر در دوره نیست؛ برای افزودن آن، ظرفیت و اولویتش را هم بنویسید."),
    (r"^.+: capacity (\d+) is below the (\d+) seats launch rounds have already given\.$",
     lambda m: f"ظرفیت {_number(m[1])} از {_number(m[2])} صندلی‌ای که دورهای راه‌اندازی "
               "پیش‌تر داده‌اند کمتر است."),
    (r"^Amendment (\d+) is already in this application's terms\.$",
     lambda m: f"اصلاح {_number(m[1])} پیش‌تر به این پرونده رسیده است."),
    (r"^The application has ended \((\w+)\); amendments do not reach it\.$",
     lambda m: f"پرونده پایان یافته است («{_stage(m[1])}»)؛ اصلاح دوره به آن نمی‌رسد."),
    (r"^The window ends \((.+)\) before it starts \((.+)\)\.$",
     lambda m: f"پایان مهلت ({_safe(m[1])}) پیش از آغاز آن ({_safe(m[2])}) است."),
    (r"^The exam \((.+)\) must come after registration \((.+)\)\.$",
     lambda m: f"روز آزمون ({_safe(m[1])}) باید پس از پایان ثبت‌نام ({_safe(m[2])}) باشد."),
    (r"^Registration is open from (.+) to (.+) \(Tehran time\)\.$",
     lambda m: f"ثبت‌نام از {_safe(m[1])} تا {_safe(m[2])} (به وقت تهران) باز است."),
    (r"^City .+ is listed twice\.$", lambda m: "شهری دو بار آمده است."),
    (r"^.+'s neighbour .+ is not a city of this cycle\.$",
     lambda m: "شهر مجاوری که نام برده‌اید از شهرهای این دوره نیست."),
    (r"^.+'s neighbour .+ is in the same province;.*$",
     lambda m: "شهر مجاور باید در استانی دیگر باشد."),
    (r"^Subject codes repeat: .*$", lambda m: "کد درسی تکرار شده است."),
    (r"^Group weights are positive.*$", lambda m: "وزن هر گروه عددی مثبت است."),
    # Jalali dates (daftar.domain.jalali.parse_jalali)
    (r"^.* is not a Jalali date; write it as YYYY/MM/DD.*$",
     lambda m: "تاریخ شمسی درستی نیست؛ آن را به شکل سال/ماه/روز بنویسید، مثلاً ۱۴۰۱/۰۹/۰۶."),
    (r"^.*: year (\d+) is out of range\.$",
     lambda m: f"سال {_number(m[1])} در بازهٔ پذیرفتنی نیست."),
    (r"^.*: month (\d+) does not exist;.*$",
     lambda m: f"ماه {_number(m[1])} وجود ندارد؛ ماه‌ها از ۱ تا ۱۲ هستند."),
    (r"^.*: day (\d+) does not exist; month (\d+) of (\d+) has (\d+) days.*$",
     lambda m: f"روز {_number(m[1])} وجود ندارد؛ ماه {_number(m[2])} سال {fa_digits(m[3])} "
               f"{_number(m[4])} روز دارد."),
    # the exam session and admission cards (EXAM-5)
    (r"^Cards must open \((.+)\) on or before the exam day \((.+)\)\.$",
     lambda m: f"آغاز دریافت کارت ({_safe(m[1])}) باید تا روز آزمون ({_safe(m[2])}) باشد."),
    (r"^Venue .+ is listed twice in province .+\.$",
     lambda m: "حوزه‌ای دو بار در یک استان آمده است."),
    (r"^.+ is not one of Iran's 31 provinces\.$",
     lambda m: "این استان از ۳۱ استان ایران نیست؛ نام یا کد دورقمی استان را بنویسید."),
    (r"^The exam is held in each province's centre:.*$",
     lambda m: "آزمون در مرکز هر استان برگزار می‌شود؛ شهر حوزه را مرکز استان بگذارید."),
    (r"^Venue .+ has province code .+, which is no province;.*$",
     lambda m: "کد استان حوزه درست نیست؛ کد دورقمی ۰۰ تا ۳۰ را به کار ببرید."),
    (r"^Venue .+ is in .+, not in .+: the exam is held in province centres only\.$",
     lambda m: "آزمون تنها در مرکز استان‌ها برگزار می‌شود؛ حوزه را به مرکز استان ببرید."),
    (r"^(\d+) candidate\(s\) have province code .+, which is no province;.*$",
     lambda m: f"{_number(m[1])} داوطلب کد استان درستی ندارند."),
    (r"^.+ has (\d+) candidate\(s\) and no exam venue;.* with at least (\d+) seats\.$",
     lambda m: f"استانی {_number(m[1])} داوطلب دارد و حوزه‌ای ندارد؛ در مرکز آن حوزه‌ای با "
               f"دست‌کم {_number(m[2])} صندلی بیفزایید."),
    (r"^.+ has (\d+) candidates for (\d+) seats in (\d+) venue\(s\); (\d+) more seats are "
     r"needed.*$",
     lambda m: f"استانی {_number(m[1])} داوطلب و {_number(m[2])} صندلی در {_number(m[3])} "
               f"حوزه دارد؛ {_number(m[4])} صندلی دیگر در مرکز آن لازم است."),
    (r"^Seats are fixed from the card date (.+) \(Tehran time\):.*$",
     lambda m: f"صندلی‌ها از روز آغاز کارت‌ها ({_safe(m[1])}، به وقت تهران) ثابت‌اند؛ "
               "حوزه‌ها و صندلی‌های داده‌شده دیگر تغییر نمی‌کنند."),
    (r"^Admission cards are for candidates with a seat:.*$",
     lambda m: "کارت ورود به جلسه برای داوطلبی است که صندلی دارد؛ کارشناس آزمون هنوز حوزه‌ها "
               "را تعیین نکرده یا حوزه‌های استان پر است."),
    (r"^Admission cards can be viewed and printed from (.+) \(Tehran time\)\.$",
     lambda m: f"کارت ورود به جلسه از {_safe(m[1])} (به وقت تهران) دیدنی و چاپ‌شدنی است."),
    (r"^The seat of exam session version (\d+) is already given\.$",
     lambda m: f"صندلی نسخهٔ {_number(m[1])} پیش‌تر داده شده است."),
    (r"^Seats are given to candidates waiting for the exam, not at (\w+)\.$",
     lambda m: f"صندلی تنها به داوطلب در انتظار آزمون داده می‌شود، نه «{_stage(m[1])}»."),
    # documents (DOC-1, DOC-2) and the licence
    (r"^The licence is issued: the case's documents are closed\.$",
     lambda m: "پروانه صادر شده است و مدارک پرونده بسته است."),
    (r"^Only the qualification officer or the licensing officer asks for documents\.$",
     lambda m: "تنها کارشناس بررسی صلاحیت یا کارشناس صدور پروانه مدرک می‌خواهد."),
    (r"^The application is at (\w+): documents are asked for while it waits.*$",
     lambda m: f"پرونده اکنون «{_stage(m[1])}» است؛ مدرک تنها هنگام بررسی صلاحیت یا صدور "
               "پروانه خواسته می‌شود."),
    (r"^Say why the document is asked for: the applicant reads it\.$",
     lambda m: "دلیل خواستن مدرک را بنویسید؛ متقاضی آن را می‌خواند."),
    (r"^This case does not need a (\w+) document; it needs: (.*)\.$",
     lambda m: f"این پرونده {_value(m[1]) or 'این مدرک'} را لازم ندارد"
               + (f"؛ مدارک لازم: {'، '.join(_value(k.strip()) for k in m[2].split(','))}."
                  if all(_value(k.strip()) for k in m[2].split(",")) else ".")),
    (r"^No ART11-1 occupation was declared; no proof is needed\.$",
     lambda m: "اشتغال مادهٔ ۱۱ اعلام نشده است و گواهی پایان اشتغال لازم نیست."),
    (r"^Only veteran-quota applicants hand in this certificate\.$",
     lambda m: "این گواهی تنها برای متقاضی سهمیهٔ ایثارگری است."),
    (r"^The file is empty\.$", lambda m: "فایل خالی است."),
    (r"^The file is neither a PDF nor a JPEG.*$",
     lambda m: "فایل باید پی‌دی‌اف یا جی‌پگ باشد (از محتوای آن خوانده می‌شود، نه از نامش)."),
    (r"^The file is (\d+) bytes; a document may be at most (\d+) bytes\.$",
     lambda m: f"فایل {_number(m[1])} بایت است؛ هر مدرک حداکثر {_number(m[2])} بایت است."),
    (r"^The stored bytes of the .+ document no longer hash to .+$",
     lambda m: "فایل ذخیره‌شدهٔ این مدرک با چکیدهٔ ثبت‌شده در سابقه نمی‌خواند: فایل تغییر "
               "کرده است."),
    (r"^Proof that the declared occupation has ended is missing\.$",
     lambda m: "گواهی پایان اشتغال (مادهٔ ۱۱) هنوز بارگذاری نشده است."),
    (r"^The original veteran certificate is missing\.$",
     lambda m: "اصل گواهی ایثارگری هنوز بارگذاری نشده است."),
    (r"^The licence is already issued\.$", lambda m: "پروانه پیش‌تر صادر شده است."),
    (r"^Withdrawal is possible only before the licence\.$",
     lambda m: "انصراف تنها پیش از صدور پروانه ممکن است."),
    (r"^A disqualification must state its reason\.$", lambda m: "دلیل حذف را بنویسید."),
    (r"^The candidate already has an office\.$", lambda m: "داوطلب پیش‌تر دفتر گرفته است."),
    (r"^This office is already assigned\.$", lambda m: "این دفتر پیش‌تر داده شده است."),
    # the console's own forms
    (r"^Select at least one application\.$", lambda m: "دست‌کم یک پرونده را برگزینید."),
    (r"^Name the filter\.$", lambda m: "برای فیلتر نامی بنویسید."),
]]


def field_label(path: str | None) -> str:
    """The Persian label of a field's dotted path: `items.3.score` → «نمره (ردیف ۴)».

    `items[3].score` is read as `items.3.score`. A mapping's key follows its field's label
    (`sla_days.interview` → «مهلت رسیدگی (مصاحبهٔ علمی)», `checks.GEN-3` → «فهرست بررسی
    صلاحیت (GEN-3)»); an unknown field is «یکی از خانه‌های فرم»; no field at all is "".
    """
    if not path:
        return ""
    if path in FIELDS:
        return FIELDS[path]
    parts = re.sub(r"\[(\d+)\]", r".\1", path).split(".")  # `rows[3]` as `rows.3`
    rows = [int(p) + 1 for p in parts if p.isdigit()]
    names = [p for p in parts if not p.isdigit()]
    label, key = "", ""
    for i in range(len(names)):
        tail = ".".join(names[i:])
        if tail in FIELDS:
            label = FIELDS[tail]
            break
    if not label and names:
        *head, last = names
        parent = next((FIELDS[h] for h in reversed(head) if h in FIELDS), "")
        if _RULE_ID.fullmatch(last):
            key = last  # a rule id, shown as is
        elif last in KEYS:
            key = KEYS[last]
        if parent:
            label = parent
    if not label:
        return "یکی از خانه‌های فرم"
    extra = [key] if key else []
    extra += [f"ردیف {fa_digits(r)}" for r in rows]
    return f"{label} ({'، '.join(extra)})" if extra else label


def _catalog(v: Violation, code: str | None) -> str:
    head = (v.field or "").split(".")[0]
    keys = ([f"{code}:{v.rule}:{head}", f"{code}:{v.rule}"] if code else [])
    keys += [f"{v.rule}:{head}"] if head else []
    keys.append(v.rule)
    return next((CAUSES[k] for k in keys if k in CAUSES), "")


def schema_cause(message: str) -> str:
    """A pydantic message in Persian; "" when it is not one."""
    for pattern, rewrite in SCHEMA:
        if m := pattern.match(message):
            return rewrite(m)
    return ""


def domain_cause(message: str) -> str:
    """A domain or service message in Persian; "" when its pattern is not known."""
    for pattern, rewrite in DOMAIN:
        if m := pattern.match(message):
            return rewrite(m)
    return ""


def persian_cause(v: Violation | Mapping[str, Any], code: str | None = None) -> str:
    """What `v` asks, in Persian, for a refusal with `code`; "" when nothing is known.

    A pydantic message by its pattern (a pattern mismatch says what the field takes, from the
    catalog), a domain message by its own, else the catalog's sentence for `code:rule:field`,
    `code:rule`, `rule:field` or `rule`. `v` may be a violation or its mapping (the API's
    shape). Never English: a sentence with a value that would carry Latin letters is left for
    the catalog's.
    """
    if not isinstance(v, Violation):  # a violation in the API's shape, as a mapping
        v = Violation.model_validate(v)
    schema = schema_cause(v.message)
    if schema and v.message.startswith("String should match pattern"):
        schema = _catalog(v, code) or schema
    for text in (schema, domain_cause(v.message), _catalog(v, code)):
        if text and not _LATIN.search(_RULE_ID.sub("", text)):
            return text
    return ""
