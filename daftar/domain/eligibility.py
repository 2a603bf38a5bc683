"""Registration-time eligibility: every rule checkable from the declared form at once.

Rules: REG-5, AGE-1, AGE-2, GEN-1, GEN-2, GEN-3, GEN-5, EXP-1, REG-6, REG-7, REG-2
(mobile, and no control characters in any field); flags GEN-2 (a related field of study),
ART11-1 and VET-2. Documents are verified later (QUAL-1). `normalise_form` gives the form the
spelling it is stored in.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from daftar.domain.digits import is_ascii_digits, normalize_digits
from daftar.domain.jalali import JalaliDate, days_in_month, parse_jalali
from daftar.domain.national_code import national_code_violations, normalize_national_code
from daftar.domain.places import place_key
from daftar.domain.registration import (
    DegreeField,
    DegreeLevel,
    Gender,
    MilitaryService,
    Occupation,
    QuotaKind,
    RegistrationForm,
    RegistrationRules,
    VeteranCategory,
)
from daftar.domain.text import control_characters, normalise_number, normalise_text
from daftar.domain.violations import Violation

MIN_AGE, MAX_AGE = 24, 50
UNIVERSITY_LEVELS = frozenset({DegreeLevel.BACHELOR, DegreeLevel.MASTER, DegreeLevel.DOCTORATE})
MIN_EXPERIENCE_YEARS: dict[DegreeLevel, Decimal] = {
    DegreeLevel.BACHELOR: Decimal(3),
    DegreeLevel.SEMINARY_2: Decimal(3),
    DegreeLevel.MASTER: Decimal(2),
    DegreeLevel.SEMINARY_3: Decimal(2),
    DegreeLevel.DOCTORATE: Decimal(1),
    DegreeLevel.SEMINARY_4: Decimal(1),
}
COMBATANT_CATEGORIES = frozenset({VeteranCategory.COMBATANT, VeteranCategory.COMBATANT_CHILD})
ORGANISATION_CODE_LENGTH = 12


class RegistrationCheck(BaseModel):
    """Outcome of ``check_registration``: all violations, and flags that gate later steps.

    ``flags`` holds rule ids that do not refuse: ``GEN-2`` (a university degree in a related
    field, ``other``: judged by the qualification officer on the documents, QUAL-1),
    ``ART11-1`` (occupation proof before the licence) and ``VET-2`` (veteran certificate
    before the licence).
    """

    violations: list[Violation]
    flags: list[str]
    national_id: str
    veteran: bool


def age_on(birth: JalaliDate, ref: JalaliDate) -> int:
    """Full solar years on ``ref`` of someone born on ``birth`` (AGE-1).

    Compares (month, day) pairs, so a 30 Esfand birth needs no shifted date.
    """
    return ref.year - birth.year - (1 if (ref.month, ref.day) < (birth.month, birth.day) else 0)


def age_within_bounds(
    birth: JalaliDate, ref: JalaliDate, *, minimum: int = MIN_AGE, maximum: int = MAX_AGE
) -> bool:
    """AGE-1 as a birth-date range: (ref.y−max, m, d) ≤ birth ≤ (ref.y−min, m, d).

    Exactly ``maximum`` years old on ``ref`` passes; one day older fails.
    """
    earliest = (ref.year - maximum, ref.month, ref.day)
    latest = (ref.year - minimum, ref.month, ref.day)
    return earliest <= tuple(birth) <= latest


def age_bounds(
    ref: JalaliDate, *, minimum: int = MIN_AGE, maximum: int = MAX_AGE
) -> tuple[JalaliDate, JalaliDate]:
    """AGE-1's birth-date range on ``ref``: the earliest and the latest real birth day allowed.

    The bounds are the tuples (ref.y−max, m, d) and (ref.y−min, m, d). When ``ref`` is a
    30 Esfand and the bound's year has none, the earliest real day is 1 Farvardin of the next
    year and the latest is 29 Esfand: the tuple comparison of `age_within_bounds` says the same.
    """
    earliest = JalaliDate(ref.year - maximum, ref.month, ref.day)
    if earliest.day > days_in_month(earliest.year, earliest.month):
        earliest = JalaliDate(earliest.year + 1, 1, 1)
    latest = JalaliDate(ref.year - minimum, ref.month, ref.day)
    if latest.day > days_in_month(latest.year, latest.month):
        latest = JalaliDate(latest.year, latest.month, days_in_month(latest.year, latest.month))
    return earliest, latest


def normalize_mobile(raw: str) -> str:
    """Normalise a mobile number: ASCII digits, no separators, ``+98``/``0098`` → ``0`` (REG-2)."""
    text = normalize_digits(raw)
    for junk in (" ", "-", "(", ")", "\u200c"):
        text = text.replace(junk, "")
    for prefix in ("+98", "0098"):
        if text.startswith(prefix):
            return "0" + text[len(prefix) :]
    return text


def is_valid_mobile(raw: str) -> bool:
    """True for an Iranian mobile number, ``09`` and 9 more digits after normalising (REG-2)."""
    text = normalize_mobile(raw)
    return len(text) == 11 and text.startswith("09") and is_ascii_digits(text)


def _parse(text: str, rule: str, field: str, label: str, out: list[Violation]) -> JalaliDate | None:
    try:
        return parse_jalali(text)
    except ValueError as exc:
        out.append(Violation(rule=rule, field=field, message=f"{label}: {exc}"))
        return None


def _age(form: RegistrationForm, ref: JalaliDate, veteran: bool, out: list[Violation]) -> None:
    birth = _parse(form.birth_date, "AGE-1", "birth_date", "Birth date", out)
    if birth is None:
        return
    if birth > ref:
        # Even veterans (exempt from the bounds) cannot be born after registration closed.
        out.append(Violation(rule="AGE-1", field="birth_date", message=(
            f"Birth date {birth} is after the last registration day {ref}; correct it.")))
    elif not veteran and not age_within_bounds(birth, ref):
        # Stated as the birth-date range: "at most 50 full years" read literally would
        # wrongly admit someone 50 years and some days old.
        earliest, latest = age_bounds(ref)
        out.append(Violation(rule="AGE-1", field="birth_date", message=(
            f"Applicants must be born on or after {earliest} and on or before {latest} "
            f"({ref}, the last day of registration, {MAX_AGE} and {MIN_AGE} years back; "
            f"veteran-quota applicants are exempt). Your birth date {birth} is outside this "
            "range.")))


def _dates_by_deadline(form: RegistrationForm, ref: JalaliDate, out: list[Violation]) -> None:
    dates = [("degree.graduation_date", "Graduation date", form.degree.graduation_date)]
    if form.military_service_end_date:
        dates.append(("military_service_end_date", "Military service end date",
                      form.military_service_end_date))
    for field, label, text in dates:
        day = _parse(text, "AGE-2", field, label, out)
        if day is not None and day > ref:
            out.append(Violation(rule="AGE-2", field=field, message=(
                f"{label} {day} is after {ref}, the last day of registration; only what is "
                "finished by that day counts.")))


def related_field(form: RegistrationForm) -> bool:
    """GEN-2: a university degree declared in a related field (``other``).

    Whether the field is related cannot be judged from a form: it is accepted at
    registration, flagged ``GEN-2`` and judged by the qualification officer on the degree's
    documents (QUAL-1). Seminary levels qualify whatever the subject.
    """
    return (form.degree.level in UNIVERSITY_LEVELS
            and form.degree.field is DegreeField.OTHER)


def _degree(form: RegistrationForm, out: list[Violation]) -> None:
    degree = form.degree
    if degree.level not in UNIVERSITY_LEVELS:
        return  # seminary levels 2-4 qualify whatever the subject (GEN-2)
    if degree.field is None:
        out.append(Violation(rule="GEN-2", field="degree.field", message=(
            "Give the field of your university degree: law, islamic_jurisprudence, "
            "judicial_sciences, or other for a related field (judged on your documents).")))
    # Every named field passes; `other` passes flagged GEN-2 (see `related_field`).


def _quota(form: RegistrationForm, out: list[Violation]) -> None:
    quota = form.quota
    code = normalize_digits(quota.organisation_code or "").replace(" ", "").replace("-", "")
    if quota.kind is QuotaKind.FREE:
        if quota.category is not None:
            out.append(Violation(rule="REG-6", field="quota.category", message=(
                "A free-quota application has no veteran category; choose the veteran quota "
                "or remove the category (the quota cannot be changed later).")))
        if code:
            out.append(Violation(rule="REG-6", field="quota.organisation_code", message=(
                "The organisation code is only for the combatants' veteran quota; remove it.")))
        return
    if quota.category is None:
        out.append(Violation(rule="REG-6", field="quota.category", message=(
            "The veteran quota needs a category (VET-1), e.g. martyr_family or combatant.")))
    elif quota.category in COMBATANT_CATEGORIES:
        if not code:
            out.append(Violation(rule="REG-6", field="quota.organisation_code", message=(
                "Combatants' quota needs the 12-digit tracking code issued for this exam by "
                "the IRGC or the armed forces.")))
        elif len(code) != ORGANISATION_CODE_LENGTH or not is_ascii_digits(code):
            out.append(Violation(rule="REG-6", field="quota.organisation_code", message=(
                "The organisation code must be exactly 12 digits; "
                f"got {quota.organisation_code!r}.")))
    elif code:
        out.append(Violation(rule="REG-6", field="quota.organisation_code", message=(
            "The organisation code is only for combatant and combatant_child; remove it.")))


def listed_place(province: str, city: str,
                 cities: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The cycle's own spelling of (province, city) when the cycle lists it (REG-7).

    A province is compared by its code when both sides name a known province (a registration
    saying «تهران» matches a city stored as ``"23"`` or ``"Tehran"``), else by its normalised
    text; a city by its normalised text (`place_key`). Arabic yeh and kaf, case and stray
    spaces do not make a listed city look unknown.
    """
    wanted = place_key(province, city)
    return next((listed for listed in cities if place_key(*listed) == wanted), None)


def _strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text value of a dumped form, with its dotted field path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, str):
        yield path, data


def text_violations(form: RegistrationForm) -> list[Violation]:
    """REG-2: each field holding a control character (C0, C1 or bidirectional), named."""
    out = []
    for field, value in _strings(form.model_dump(mode="json")):
        if found := control_characters(value):
            listed = ", ".join(f"U+{ord(ch):04X}" for ch in found)
            out.append(Violation(rule="REG-2", field=field, message=(
                f"{field} holds control characters ({listed}); type it again without them.")))
    return out


def normalise_form(form: RegistrationForm) -> RegistrationForm:
    """The form as it is stored, each value in one spelling.

    Names and places in one Persian spelling (ی, ک, single spaces, ZWNJ kept), dates and
    codes in ASCII digits, the mobile as `09…` (REG-2), the national code as 10 digits
    (REG-5). A value that breaks a rule still breaks it after.
    """
    data = form.model_dump(mode="json")
    for field in ("first_name", "last_name", "father_name", "province", "city", "citizenship"):
        data[field] = normalise_text(data[field]) or data[field]
    for field in ("birth_date", "military_service_end_date"):
        if data.get(field) is not None:
            data[field] = normalise_number(data[field])
    data["degree"]["graduation_date"] = normalise_number(data["degree"]["graduation_date"])
    if data["quota"].get("organisation_code") is not None:
        data["quota"]["organisation_code"] = normalise_number(data["quota"]["organisation_code"])
    data["national_id"] = normalize_national_code(data["national_id"])
    data["mobile"] = normalize_mobile(data["mobile"])
    return RegistrationForm.model_validate(data)


def check_registration(form: RegistrationForm, rules: RegistrationRules) -> RegistrationCheck:
    """Check a form against every registration-time rule and return all violations at once.

    REG-5, AGE-1 (veterans exempt), AGE-2, GEN-1, GEN-2, GEN-3, GEN-5, EXP-1, REG-6, REG-7
    and REG-2 (mobile); flags GEN-2 (a related field, `related_field`), ART11-1 and VET-2.
    The reference day is ``rules.registration_end``.
    """
    out: list[Violation] = list(national_code_violations(form.national_id))
    ref = rules.registration_end
    veteran = form.quota.kind is QuotaKind.VETERAN
    _age(form, ref, veteran, out)
    _dates_by_deadline(form, ref, out)
    if form.citizenship.upper() != "IR":
        out.append(Violation(rule="GEN-1", field="citizenship",
                             message="Only Iranian citizens (citizenship IR) may apply."))
    _degree(form, out)
    if form.gender is Gender.MALE and form.military_service not in (
        MilitaryService.COMPLETED, MilitaryService.PERMANENT_EXEMPTION
    ):
        out.append(Violation(rule="GEN-3", field="military_service", message=(
            "Male applicants need a military service completion card or a permanent exemption.")))
    if not form.computer_certificate:
        out.append(Violation(rule="GEN-5", field="computer_certificate", message=(
            "A computer skills certificate from a recognised issuer is required.")))
    minimum = MIN_EXPERIENCE_YEARS[form.degree.level]
    if form.experience_years < minimum:
        out.append(Violation(rule="EXP-1", field="experience_years", message=(
            f"A {form.degree.level.value} degree needs at least {minimum} years of related work "
            f"experience; you declared {form.experience_years}.")))
    _quota(form, out)
    allowed = {place_key(p, c) for p, c in rules.cities}
    if allowed and place_key(form.province, form.city) not in allowed:
        out.append(Violation(rule="REG-7", field="city", message=(
            f"{form.city} ({form.province}) is not a city open in this cycle; choose one "
            "from the published list.")))
    if not is_valid_mobile(form.mobile):
        out.append(Violation(rule="REG-2", field="mobile", message=(
            "Enter an Iranian mobile number: 09 followed by 9 digits, e.g. 09121234567.")))
    flags = [flag for flag, on in (("GEN-2", related_field(form)),
                                   ("ART11-1", form.occupation is not Occupation.NONE),
                                   ("VET-2", veteran)) if on]
    return RegistrationCheck(violations=out, flags=flags,
                             national_id=normalize_national_code(form.national_id), veteran=veteran)
