"""Builders of valid inputs for the domain, workflow and API tests: one registration form,
as the API's JSON (`form`) and as the domain's model (`registration`)."""

from __future__ import annotations

import itertools
from typing import Any

from daftar.domain.registration import RegistrationForm

_serial = itertools.count(1)
#: A national code hand-checked in tests/domain/test_national_code.py, for a test that needs
#: to know the form's code in advance.
NATIONAL_ID = "0013542419"


def national_id(serial: int) -> str:
    """A valid national code (REG-5) for a serial number; test data only."""
    body = f"{serial:09d}"
    s = sum(int(d) * (10 - i) for i, d in enumerate(body))
    r = s % 11
    return body + str(r if r < 2 else 11 - r)


def next_national_id() -> str:
    """A national id no other test of this run uses."""
    return national_id(100_000_000 + next(_serial) * 7919)


def form(**overrides: Any) -> dict[str, Any]:
    """A registration, as the API takes it, that breaks no rule for a cycle whose window holds
    today (and none on the domain tests' 1401 cycle, last day 1401/09/06); its national code
    is one no other form of this run has, unless `overrides` name one."""
    data: dict[str, Any] = {
        "national_id": next_national_id(),
        "first_name": "Ali", "last_name": "Rezaei", "father_name": "Hasan",
        "birth_date": "1370/01/01", "gender": "male",
        "degree": {"level": "bachelor", "field": "law", "graduation_date": "1395/04/01"},
        "military_service": "completed", "computer_certificate": True,
        "experience_years": "5", "quota": {"kind": "free"},
        "province": "Tehran", "city": "Tehran", "mobile": "09121234567",
    }
    data.update(overrides)
    return data


def registration(**overrides: Any) -> RegistrationForm:
    """`form(**overrides)` validated into the domain's `RegistrationForm`."""
    return RegistrationForm.model_validate(form(**overrides))


VETERAN = {"kind": "veteran", "category": "martyr_family"}

#: A passing QUAL-1 checklist for a man.
ALL_CHECKS = {r: True for r in ("REG-4", "GEN-1", "GEN-2", "GEN-3", "GEN-4", "GEN-5",
                                "GEN-6", "GEN-7", "AGE-1", "AGE-2", "EXP-1")}
