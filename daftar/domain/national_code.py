"""Iranian national code validation (REG-5)."""

from daftar.domain.digits import is_ascii_digits, normalize_digits
from daftar.domain.violations import Violation

RULE = "REG-5"
_LENGTH = 10


def normalize_national_code(raw: str) -> str:
    """Normalise a national code as typed (REG-5).

    Digits become ASCII, spaces and dashes are removed, and an 8- or 9-digit code is
    left-padded with zeros to 10 (codes of some provinces start with zeros that people
    drop). The result is returned even when it is not a valid code.
    """
    text = normalize_digits(raw)
    for junk in (" ", "\t", "\u200c", "-", "\u2010", "\u2011", "\u2013"):
        text = text.replace(junk, "")
    if is_ascii_digits(text) and len(text) in (8, 9):
        text = text.zfill(_LENGTH)
    return text


def _expected_check_digit(code: str) -> int:
    """Check digit of the first nine digits: s = Σ d_i·(10−i), r = s mod 11 (REG-5)."""
    s = sum(int(code[i]) * (10 - i) for i in range(9))
    r = s % 11
    return r if r < 2 else 11 - r


def national_code_violations(raw: str, field: str = "national_id") -> list[Violation]:
    """All REG-5 problems of ``raw``: not digits, wrong length, ten equal digits, check digit."""
    code = normalize_national_code(raw)
    if not code:
        return [Violation(rule=RULE, field=field, message="Enter your 10-digit national code.")]
    if not is_ascii_digits(code):
        return [
            Violation(
                rule=RULE,
                field=field,
                message=f"The national code {raw!r} must contain digits only.",
            )
        ]
    if len(code) != _LENGTH:
        return [
            Violation(
                rule=RULE,
                field=field,
                message=(
                    f"The national code must have 10 digits; {raw!r} has {len(code)}. "
                    "Copy it from your national card."
                ),
            )
        ]
    if len(set(code)) == 1:
        return [
            Violation(
                rule=RULE,
                field=field,
                message=f"The national code {code} (ten equal digits) is not a real code.",
            )
        ]
    if int(code[9]) != _expected_check_digit(code):
        return [
            Violation(
                rule=RULE,
                field=field,
                message=(
                    f"The national code {code} is not valid (its check digit does not match). "
                    "Check it against your national card."
                ),
            )
        ]
    return []


def is_valid_national_code(raw: str) -> bool:
    """True when ``raw`` (after normalisation) is a valid Iranian national code (REG-5)."""
    return not national_code_violations(raw)
