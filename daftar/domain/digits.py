"""Digit normalisation: applicants type Persian, Arabic-Indic or Latin digits (Calendar, REG-5)."""

_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_ASCII = "0123456789"

_TO_ASCII = str.maketrans(_PERSIAN + _ARABIC_INDIC, _ASCII * 2)
_TO_PERSIAN = str.maketrans(_ASCII, _PERSIAN)


def normalize_digits(text: str) -> str:
    """Return ``text`` with Persian (۰-۹) and Arabic-Indic (٠-٩) digits made ASCII.

    Every other character is left as it is. Used by REG-5 (national code), REG-6
    (organisation code), REG-2 (mobile) and the Jalali date parser.
    """
    return text.translate(_TO_ASCII)


def ascii_to_persian_digits(text: str) -> str:
    """Return ``text`` with ASCII digits shown as Persian digits (display only, Calendar)."""
    return text.translate(_TO_PERSIAN)


def is_ascii_digits(text: str) -> bool:
    """True when ``text`` is non-empty and only ASCII 0-9.

    ``str.isdigit`` is not enough: it also accepts superscripts and other scripts' digits.
    """
    return bool(text) and all(c in _ASCII for c in text)
