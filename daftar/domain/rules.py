"""Each rule id the code names, with a short Persian text and a one-line English statement.

Sources: the 1401 registration notice («شرایط ثبت نام آزمون دفاتر خدمات قضایی»: its general
conditions الف..ذ, specific conditions, Art. 11 note, exam subjects and photo requirements),
the 1404 news on the five stages, and the project's own rules (REG-5, WD-1, the scoring
formula). The wording is shortened. `docs/rules.md` is generated from these two tables
(`daftar docs rules`).
"""

from __future__ import annotations

RULE_TEXTS: dict[str, str] = {
    "REG-1": "ثبت‌نام فقط در مهلت مقرر دوره (به وقت تهران) پذیرفته می‌شود.",
    "REG-2": "ثبت‌نام با فرم، پرداخت الکترونیکی هزینه و عکس معتبر کامل می‌شود.",
    "REG-3": "پس از ثبت‌نام کد رهگیری داده می‌شود و در همهٔ مراحل به کار می‌رود.",
    "REG-4": "عکس ۳×۴ سال جاری، تمام‌رخ، JPG، بین ۲۰۰×۳۰۰ و ۳۰۰×۴۰۰ پیکسل و حداکثر ۷۰ کیلوبایت.",
    "REG-5": "هر کد ملی در هر دوره تنها یک درخواست؛ کد ملی باید معتبر باشد.",
    "REG-6": "سهمیه در ثبت‌نام انتخاب می‌شود و بعداً تغییر نمی‌کند.",
    "REG-7": "متقاضی شهر محل تأسیس دفتر را انتخاب می‌کند.",
    "GEN-1": "تابعیت جمهوری اسلامی ایران.",
    "GEN-2": "کارشناسی یا بالاتر در حقوق، فقه و مبانی حقوق اسلامی، علوم قضایی یا رشتهٔ مرتبط، "
             "یا سطح دو حوزه.",
    "GEN-3": "کارت پایان خدمت یا معافیت دائم برای داوطلبان مرد.",
    "GEN-4": "عدم محکومیت به انفصال دائم از خدمات دولتی و عمومی.",
    "GEN-5": "مدرک مهارت کار با رایانه از مراجع معتبر.",
    "GEN-6": "نداشتن سوء پیشینهٔ مؤثر کیفری.",
    "GEN-7": "عدم اعتیاد به مواد مخدر.",
    "GEN-8": "پایبندی به قانون اساسی جمهوری اسلامی ایران.",
    "GEN-9": "تدین به دین مبین اسلام و التزام عملی به احکام آن.",
    "GEN-10": "عدم وابستگی به احزاب و گروه‌های مخالف نظام یا هواداری آنها.",
    "AGE-1": "زادروز از همان روز و ماهِ آخرین روز ثبت‌نام در ۵۰ سال پیش تا همان روز و ماه در "
             "۲۴ سال پیش، هر دو شامل (ایثارگران معاف).",
    "AGE-2": "تاریخ فراغت از تحصیل و پایان خدمت تا آخرین روز ثبت‌نام.",
    "EXP-1": "سابقهٔ کار مرتبط: کارشناسی ۳ سال، کارشناسی ارشد ۲ سال، دکتری ۱ سال.",
    "ART11-1": "شاغلان مادهٔ ۱۱ آیین‌نامه تنها با مدرک پایان اشتغال پروانه می‌گیرند.",
    "EXAM-1": "آزمون چهارگزینه‌ای با نمرهٔ منفی در هشت مادهٔ اختصاصی.",
    "EXAM-2": "حد نصاب: ۷۰٪ میانگین نمرهٔ ترازِ یک درصدِ برتر.",
    "EXAM-3": "قبولی در هر مرحله حقی برای صدور پروانه ایجاد نمی‌کند.",
    "EXAM-4": "نمرهٔ هر درس با نمرهٔ منفی، تراز و میانگین وزنی محاسبه می‌شود.",
    "INT-1": "مصاحبهٔ علمی: قبول یا رد، با نمره.",
    "QUAL-1": "بررسی صلاحیت: هر شرط عمومی و اختصاصی با مدارک تأیید یا رد می‌شود.",
    "SEC-1": "نظر حفاظت اطلاعات قوه قضاییه: تأیید یا رد؛ دلیل محرمانه است.",
    "LAUNCH-1": "راه‌اندازی دفاتر به ترتیب رتبه، ظرفیت و اولویت شهرها.",
    "VET-1": "سهمیهٔ ایثارگران و دسته‌های مشمول آن.",
    "VET-2": "سهمیهٔ ایثارگران طبق مادهٔ ۵۹ مکرر؛ ارائهٔ اصل گواهی پیش از پروانه.",
    "LIC-1": "صدور پروانه پس از احراز همهٔ شرایط.",
    "FRAUD-1": "اثبات خلاف واقع بودن اظهارات یا مدارک: حذف از داوطلبان یا ابطال پروانه.",
    "WD-1": "انصراف متقاضی پیش از صدور پروانه؛ هزینه بازگردانده نمی‌شود.",
    "EXAM-5": "کارت ورود به جلسه از تاریخ اعلام‌شده؛ آزمون در یک روز در تهران و مراکز استان‌ها، "
              "هر داوطلب در مرکز استان خود.",
    "EXAM-6": "داوطلبی که هنگام اعلام نتایج نتیجه‌ای ندارد در آزمون غایب بوده است.",
    "CYC-1": "اصلاح دورهٔ جاری: تمدید یا کوتاه کردن مهلت ثبت‌نام تا پیش از پایان آن، تغییر "
             "مهلت‌ها و ظرفیت‌ها؛ روز مبنای سن تغییر نمی‌کند.",
    "COR-1": "بازگشایی آخرین تصمیم بررسی با ذکر دلیل، تا پیش از اقدام مرحلهٔ بعد.",
    "COR-2": "اعادهٔ پروندهٔ ردشده یا حذف‌شده فقط با پیشنهاد یک مدیر و تأیید مدیری دیگر.",
    "COR-3": "واگذاری تصمیم منتظر به بررسی‌کنندهٔ معین توسط مدیر.",
    "DOC-1": "هر پرونده مدارکی را لازم دارد که شرایطش را ثابت می‌کنند: مدرک تحصیلی، کارت ملی، "
             "کارت پایان خدمت (مردان)، گواهی عدم سوء پیشینه، گواهی رایانه، گواهی ترک شغل "
             "ناسازگار و گواهی ایثارگری در صورت لزوم.",
    "DOC-2": "بررسی‌کننده می‌تواند مدرک ناقص یا ناخوانا را با ذکر دلیل و مهلت از متقاضی بخواهد؛ "
             "با گذشت مهلت، پرونده رد می‌شود.",
    "NOTE-1": "متقاضی از هر رویداد پرونده‌اش با پیامک آگاه می‌شود (هرگز دلیل حفاظتی)، هر پیام "
              "یک بار.",
    "PORTAL-1": "متقاضی با کد ملی، کد رهگیری و کد یک‌بارمصرفی که به همراه ثبت‌شده‌اش پیامک "
                "می‌شود وارد درگاه می‌شود؛ هر کد پنج دقیقه و تا پنج بار آزمودن معتبر است و "
                "یک بار به کار می‌رود.",
    "REQUEST": "درخواست نادرست است.",
}

#: The same rules in English, one statement each (the Persian text above is the short form).
RULE_SUMMARIES: dict[str, str] = {
    "REG-1": "Registration is accepted only inside the cycle's window, inclusive, in Jalali "
             "dates, Asia/Tehran time.",
    "REG-2": "A registration is complete only with the form, the fee paid electronically and a "
             "valid photo (REG-4); incomplete ones are not processed further, and paid fees "
             "are never refunded.",
    "REG-3": "At registration the applicant gets a tracking code, used through every stage.",
    "REG-4": "Photo: 3×4, taken this year, full face; JPG only, 200×300 to 300×400 pixels "
             "(width×height), at most 70 KB (70×1024 bytes). Format, pixels and size are "
             "checked at upload; the rest is a human check in QUAL-1.",
    "REG-5": "One application per national id per cycle; the national id must be a valid "
             "10-digit Iranian national code (check digit).",
    "REG-6": "The quota (free, or veteran with a VET-1 category) is chosen at registration and "
             "never changed; combatants' categories also need the organisation's 12-digit "
             "tracking code.",
    "REG-7": "The applicant names the city (and so the province) where they want the office.",
    "GEN-1": "Iranian citizenship.",
    "GEN-2": "A bachelor's degree or higher in law, fiqh and foundations of Islamic law, "
             "judicial sciences or a related field, or seminary level 2 or higher; a related "
             "field (`other`) is judged on the documents in QUAL-1.",
    "GEN-3": "Male applicants: military service completed or permanently exempt.",
    "GEN-4": "No conviction to permanent dismissal from government and public service.",
    "GEN-5": "A computer skills certificate from a recognised issuer.",
    "GEN-6": "No effective criminal record.",
    "GEN-7": "No drug addiction.",
    "GEN-8": "Adherence to the constitution (judged by the security stage).",
    "GEN-9": "Practising Islam (judged by the security stage).",
    "GEN-10": "No affiliation with, nor support of, parties or groups opposed to the Islamic "
              "Republic (judged by the security stage).",
    "AGE-1": "Born between the last day of registration 50 years earlier and the same day "
             "24 years earlier, both included (for a last day of 1401/09/06: born 1351/09/06 "
             "to 1377/09/06), compared as Jalali (year, month, day); veteran-quota applicants "
             "are exempt.",
    "AGE-2": "Graduation and the end of military service count as of the last day of "
             "registration: a degree finished after it does not qualify.",
    "EXP-1": "Related work experience of at least 3 years (bachelor, seminary level 2), "
             "2 years (master, seminary level 3) or 1 year (PhD, seminary level 4).",
    "ART11-1": "Government employees, merchants, attorneys and official judicial experts may "
               "pass every stage, but get the licence only with proof that the occupation "
               "has ended.",
    "EXAM-1": "Four-option multiple choice with negative marking in eight subjects, with "
              "coefficients of the cycle (default 1 each).",
    "EXAM-2": "Pass mark: a total standardized score of at least 70% of the mean total of the "
              "top 1% of the candidates present (ties pass).",
    "EXAM-3": "Passing the exam or any stage creates no right to a licence.",
    "EXAM-4": "Scoring: per subject (3C − W) / (3N) × 100, standardized over the cycle's "
              "candidates as T = 5000 + S·z (S a cycle setting, default 2000), then weighted "
              "by coefficient within a group and by group weight (general 40%, specialised "
              "60%) into the total. A subject left blank by a candidate who sat the exam "
              "counts as 0 correct, 0 wrong. Computed exactly; rounded only to display.",
    "INT-1": "The scientific interview of those who passed the exam: pass or fail, with a "
             "score that breaks ties in LAUNCH-1.",
    "QUAL-1": "Qualification: each general and specific condition is marked verified or "
              "failed on the documents; any failure rejects with its rule ids. A woman's "
              "checklist has no GEN-3 item, a veteran's no AGE-1 item (exempt).",
    "SEC-1": "Security clearance by the Judiciary's intelligence protection unit: cleared or "
             "refused; the reason is read only by security officers and auditors.",
    "LAUNCH-1": "Offices are launched by rank (total score, interview score, registration "
                "time) within each city's capacity and priority; with relocation a candidate "
                "may be placed in another city of the province or a neighbouring city of "
                "another province, or waits for the next round.",
    "VET-1": "The veteran quota's categories: martyrs' families, disabled veterans, freed "
             "prisoners, combatants, disabled veterans' families and combatants' children.",
    "VET-2": "A share of each city's seats (default 30%) is reserved for veterans who meet "
             "every condition: open seats go by rank to everyone, then the reserved seats to "
             "the remaining veterans, then what is left of them to free-quota candidates; in a "
             "city candidates are moved to (LAUNCH-1) its reserved seats go to moved veterans "
             "before moved free-quota candidates. Veterans hand in the original veteran "
             "certificate before the licence.",
    "LIC-1": "The licence is issued when every condition is met (ART11-1 proof and the VET-2 "
             "certificate where they apply).",
    "FRAUD-1": "A statement or document proven false, at any stage and after the licence, "
               "removes the applicant and revokes an issued licence.",
    "WD-1": "An applicant may withdraw before the licence; the fee stays paid (REG-2).",
    "EXAM-5": "Admission cards from the cycle's card date; the exam is held on one day in "
              "Tehran and every province centre, each candidate in their province's centre, "
              "one seat each.",
    "EXAM-6": "A candidate with no result when the results are published did not sit the "
              "exam: their path ends as absent; the top 1% of EXAM-2 is of those present.",
    "CYC-1": "An admin may amend a running cycle (the window while it is open, SLA days, claim "
             "hours, cities), never below seats given nor into the past; AGE-1 and AGE-2 keep "
             "the reference day first announced.",
    "COR-1": "An admin may reopen the latest reviewer decision, with a reason, while the next "
             "stage has not acted.",
    "COR-2": "A disqualification or rejection found wrong is undone only by two different "
             "admins; the case returns to the stage it was at.",
    "COR-3": "An admin may assign a waiting decision to a named reviewer.",
    "DOC-1": "Each case needs the documents that prove its conditions: degree (GEN-2, EXP-1), "
             "national card (GEN-1), military service card for men (GEN-3), no-criminal-record "
             "certificate (GEN-6), computer certificate (GEN-5), the ART11-1 proof where an "
             "occupation was declared, the veteran certificate (VET-1/VET-2) for the reserved "
             "quota.",
    "DOC-2": "A reviewer may ask the applicant for a missing or unreadable document with a "
             "deadline; a lapsed request rejects the case under DOC-2 and the rule the document "
             "proves.",
    "NOTE-1": "The applicant is told by SMS of every event that concerns them (never a "
              "security reason), each message once.",
    "PORTAL-1": "The applicant signs in to the portal with the national id, the tracking code "
                "and a one-time code sent by SMS to the registered mobile: six digits, valid "
                "5 minutes, at most 5 tries, used once; codes are rate-limited per application "
                "and per number, and the answer never tells whether the pair matched.",
    "REQUEST": "The request itself is wrong (malformed, too large, not allowed): not a rule of "
               "the domain.",
}


def rule_text(rule: str) -> str:
    """The Persian text of `rule`, or an empty string for an id without one."""
    return RULE_TEXTS.get(rule, "")
