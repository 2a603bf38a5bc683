"""REG-6 (quota), REG-7 (city) and REG-2 (mobile) in check_registration."""

import pytest

from daftar.domain.eligibility import check_registration, is_valid_mobile, normalize_mobile
from daftar.domain.registration import RegistrationForm, RegistrationRules
from tests.factories import registration

RULES = RegistrationRules(registration_start="1401/08/30", registration_end="1401/09/06")


def rule_ids(form: RegistrationForm, rules: RegistrationRules = RULES) -> set[str]:
    return {v.rule for v in check_registration(form, rules).violations}


@pytest.mark.parametrize(
    ("quota", "bad_fields"),
    [
        ({"kind": "veteran", "category": "combatant"}, {"quota.organisation_code"}),
        (
            {"kind": "veteran", "category": "combatant", "organisation_code": "12345678901"},
            {"quota.organisation_code"},
        ),
        ({"kind": "veteran", "category": "combatant_child", "organisation_code": "۱۲۳۴۵۶۷۸۹۰۱۲"},
         set()),
        ({"kind": "veteran", "category": "combatant", "organisation_code": "1234-5678-9012"},
         set()),
        ({"kind": "veteran"}, {"quota.category"}),
        ({"kind": "veteran", "category": "disabled_veteran", "organisation_code": "123456789012"},
         {"quota.organisation_code"}),
        ({"kind": "free", "category": "martyr_family"}, {"quota.category"}),
        ({"kind": "free", "organisation_code": "123456789012"}, {"quota.organisation_code"}),
    ],
)
def test_reg6_quota_consistency(quota: dict[str, str], bad_fields: set[str]) -> None:
    check = check_registration(registration(quota=quota), RULES)
    assert {v.field for v in check.violations} == bad_fields
    assert all(v.rule == "REG-6" for v in check.violations)


def test_reg7_city_must_be_listed() -> None:
    rules = RULES.model_copy(update={"cities": [("تهران", "تهران"), ("فارس", "شیراز")]})
    assert rule_ids(registration(province="فارس", city="شیراز"), rules) == set()
    # Arabic yeh in the typed name still matches the listed city.
    assert rule_ids(registration(province="فارس", city="شيراز"), rules) == set()
    assert rule_ids(registration(province="تهران", city="شیراز"), rules) == {"REG-7"}
    assert rule_ids(registration(province="Mars", city="Olympus")) == set()  # empty list: no check


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("09121234567", True),
        ("۰۹۱۲۱۲۳۴۵۶۷", True),
        ("+989121234567", True),
        ("00989121234567", True),
        ("0912 123 4567", True),
        ("9121234567", False),
        ("0912123456", False),
        ("08121234567", False),
        ("0912123456a", False),
    ],
)
def test_mobile(raw: str, ok: bool) -> None:
    assert is_valid_mobile(raw) is ok
    assert ("REG-2" not in rule_ids(registration(mobile=raw))) is ok


def test_normalize_mobile() -> None:
    assert normalize_mobile("+98 912-123-4567") == "09121234567"
