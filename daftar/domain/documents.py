"""The documents a case needs (DOC-1), and an uploaded file's kind read from its bytes.

DOC-1: each case needs the documents that prove its conditions. Which ones follows from the
registration: every applicant hands in the degree (GEN-2, EXP-1), the national card (GEN-1),
the no-criminal-record certificate (GEN-6) and the computer certificate (GEN-5); a man the
military service card (GEN-3); an applicant who declared an occupation the ART11-1 proof of
leaving it; an applicant of the reserved quota the veteran certificate (VET-1, VET-2).

A file is a PDF or a JPEG, recognised by its first bytes (never by its name or the type a
client claims), of at most :data:`MAX_DOCUMENT_BYTES`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from daftar.domain.registration import Gender, RegistrationForm
from daftar.domain.violations import Violation

#: The largest document accepted, in bytes (a scanned page or a few, as PDF or JPEG).
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


class DocKind(StrEnum):
    """A document an applicant hands in (DOC-1)."""

    degree = "degree"  # GEN-2, EXP-1
    national_card = "national_card"  # GEN-1
    military_service = "military_service"  # GEN-3, men only
    no_criminal_record = "no_criminal_record"  # GEN-6
    computer_certificate = "computer_certificate"  # GEN-5
    occupation_ended = "occupation_ended"  # ART11-1, when an occupation was declared
    veteran_certificate = "veteran_certificate"  # VET-1, VET-2, the reserved quota


@dataclass(frozen=True, slots=True)
class Need:
    """One document a case needs: its kind, the rules it proves, and its Persian name."""

    kind: DocKind
    rules: tuple[str, ...]
    name_fa: str


NEEDS: dict[DocKind, Need] = {n.kind: n for n in (
    Need(DocKind.degree, ("GEN-2", "EXP-1"), "مدرک تحصیلی"),
    Need(DocKind.national_card, ("GEN-1",), "کارت ملی"),
    Need(DocKind.military_service, ("GEN-3",), "کارت پایان خدمت یا معافیت"),
    Need(DocKind.no_criminal_record, ("GEN-6",), "گواهی عدم سوء پیشینه"),
    Need(DocKind.computer_certificate, ("GEN-5",), "گواهی مهارت رایانه"),
    Need(DocKind.occupation_ended, ("ART11-1",), "گواهی ترک شغل ناسازگار"),
    Need(DocKind.veteran_certificate, ("VET-1", "VET-2"), "گواهی ایثارگری"),
)}


#: The kinds that also count as handed in for LIC-1 (ART11-1's proof, VET-2's certificate).
HANDED_IN = frozenset({DocKind.occupation_ended.value, DocKind.veteran_certificate.value})


def case_needs(form: RegistrationForm, flags: Collection[str],
               veteran: bool) -> tuple[Need, ...]:
    """DOC-1: the documents an application needs, from its registration."""
    return required_documents(male=form.gender == Gender.MALE, occupation="ART11-1" in flags,
                              veteran=veteran)


def required_documents(*, male: bool, occupation: bool, veteran: bool) -> tuple[Need, ...]:
    """DOC-1: the documents one case needs, in the order of :class:`DocKind`.

    Args:
        male: whether the applicant is a man (GEN-3's military service card).
        occupation: whether an occupation was declared (ART11-1's proof of leaving it).
        veteran: whether the applicant is in the reserved quota (VET-1, VET-2).

    Returns:
        Each document the case needs.
    """
    left_out = {kind for kind, out in ((DocKind.military_service, not male),
                                       (DocKind.occupation_ended, not occupation),
                                       (DocKind.veteran_certificate, not veteran)) if out}
    return tuple(need for kind, need in NEEDS.items() if kind not in left_out)


#: What each accepted content type's bytes start with.
_MAGIC: tuple[tuple[bytes, str], ...] = ((b"%PDF-", "application/pdf"),
                                         (b"\xff\xd8\xff", "image/jpeg"))


def sniff(data: bytes) -> str | None:
    """The content type of a file read from its first bytes: a PDF, a JPEG, or None."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def document_violations(kind: str, data: bytes) -> tuple[str | None, list[Violation]]:
    """DOC-1: whether a file may be stored as a document of `kind`.

    Args:
        kind: the document's kind, as the request names it.
        data: the file's bytes.

    Returns:
        The content type read from the bytes, and every reason the file is refused (the
        kind unknown, the file empty or too large, or neither a PDF nor a JPEG).
    """
    out: list[Violation] = []
    if kind not in DocKind.__members__:
        out.append(Violation(rule="DOC-1", field="kind", message=(
            f"{kind!r} is not a document daftar keeps; the kinds are "
            + ", ".join(k.value for k in DocKind) + ".")))
    content_type = sniff(data)
    if not data:
        out.append(Violation(rule="DOC-1", field="file", message="The file is empty."))
    elif len(data) > MAX_DOCUMENT_BYTES:
        out.append(Violation(rule="DOC-1", field="file", message=(
            f"The file is {len(data):,} bytes; a document may be at most "
            f"{MAX_DOCUMENT_BYTES:,} bytes.")))
    if data and content_type is None:
        out.append(Violation(rule="DOC-1", field="file", message=(
            "The file is neither a PDF nor a JPEG (read from its bytes, not its name).")))
    return content_type, out
