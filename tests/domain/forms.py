"""Shared builders of registration forms for the domain tests."""

from typing import Any

from daftar.domain.registration import RegistrationForm


def form_data(**overrides: Any) -> dict[str, Any]:
    """A form that breaks no rule on the 1401 cycle (last day 1401/09/06), with overrides."""
    data: dict[str, Any] = {
        "national_id": "0013542419",  # hand-checked in test_national_code.py
        "first_name": "Ali",
        "last_name": "Rezaei",
        "father_name": "Hasan",
        "birth_date": "1370/01/01",
        "gender": "male",
        "degree": {"level": "bachelor", "field": "law", "graduation_date": "1395/04/01"},
        "military_service": "completed",
        "computer_certificate": True,
        "experience_years": "5",
        "quota": {"kind": "free"},
        "province": "Tehran",
        "city": "Tehran",
        "mobile": "09121234567",
    }
    data.update(overrides)
    return data


def make_form(**overrides: Any) -> RegistrationForm:
    """``form_data`` validated into a ``RegistrationForm``."""
    return RegistrationForm.model_validate(form_data(**overrides))
