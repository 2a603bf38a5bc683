"""Persian text as applicants type it, made one spelling, and characters no form field may hold.

Keyboards differ: Arabic layouts type yeh (ي, ى) and kaf (ك) where Persian has ی and ک, and
phones send Persian (۰-۹) or Arabic-Indic (٠-٩) digits. Stored as sent, one name would have
several spellings, and a listed city would look unknown. Control characters are refused
rather than removed: a NUL cannot be stored in PostgreSQL's text, and a bidirectional override
(U+202E) makes a name display as something other than what it is. The zero-width non-joiner
(U+200C) is part of Persian spelling (می‌خواهم) and is kept.
"""

from __future__ import annotations

from daftar.domain.digits import normalize_digits

_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})

#: Bidirectional formatting characters: embeddings and overrides (U+202A-U+202E), isolates
#: (U+2066-U+2069), the left-to-right and right-to-left marks, and the Arabic letter mark.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"])


def is_control(ch: str) -> bool:
    """True for a C0 or C1 control character (DEL included) or a bidirectional control."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or ch in BIDI_CONTROLS


def control_characters(text: str) -> list[str]:
    """The control characters in `text` (see `is_control`), each once, in order."""
    found: list[str] = []
    for ch in text:
        if is_control(ch) and ch not in found:
            found.append(ch)
    return found


def normalise_text(text: str) -> str:
    """Words as one spelling: Persian yeh and kaf for the Arabic ones, white space collapsed.

    Every run of white space becomes one space, none at the ends. Digits, ZWNJ and everything
    else are left as they are.
    """
    return " ".join(text.translate(_PERSIAN_LETTERS).split())


def normalise_number(text: str) -> str:
    """A field of digits: Persian and Arabic-Indic digits made ASCII, white space trimmed."""
    return normalize_digits(text).strip()
