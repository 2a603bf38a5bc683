"""NOTE-1's templates: one per event, polite Persian, the tracking code, never the national id
nor a reason."""

from __future__ import annotations

import inspect
import re

import pytest

from daftar.contracts.notices import NoticeIn
from daftar.domain import notices
from daftar.domain.notices import (
    REQUIRED_PARAMS,
    TEMPLATES,
    NoticeEvent,
    NoticeParamsError,
    mask_mobile,
    render,
)

CODE = "00000123456789012345"
NATIONAL_ID = "0013542419"
#: Every param any template reads, so each event renders in full.
FULL = {"stage": "interview", "outcome": "pass", "score": "84.5", "deadline": "1405/10/01",
        "exam_date": "1405/11/20", "start_time": "09:00", "missing": "payment,photo",
        "document": "گواهی عدم سوء پیشینه", "province": "23", "city": "تهران",
        "licence_number": "1405-00000123456789012345", "cycle": "1405"}
#: Longest a message may be: four parts of a Persian (UCS-2) concatenated SMS.
MAX_CHARS = 4 * 67


def test_every_event_has_a_template() -> None:
    assert set(TEMPLATES) == set(NoticeEvent)
    assert set(REQUIRED_PARAMS) <= set(NoticeEvent)


@pytest.mark.parametrize("event", list(NoticeEvent))
def test_each_message_is_polite_persian_naming_the_tracking_code(event: NoticeEvent) -> None:
    for params in (FULL, {k: FULL[k] for k in REQUIRED_PARAMS.get(event, ())}):
        rendered = render(event, CODE, params)
        assert rendered.template == f"{event.value}.v{TEMPLATES[event][0]}"
        text = rendered.text
        assert text.startswith("متقاضی گرامی،")
        assert "۰۰۰۰۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵" in text  # the tracking code, in Persian digits
        assert not re.search(r"[0-9]", text), text  # every digit Persian
        assert not re.search(r"[A-Za-z]", text), text  # no ids, keys or English
        assert "{" not in text and "None" not in text
        assert len(text) <= MAX_CHARS, (event, len(text))


@pytest.mark.parametrize("event", list(NoticeEvent))
def test_no_message_carries_the_national_id_or_a_reason(event: NoticeEvent) -> None:
    leaky = {**FULL, "national_id": NATIONAL_ID, "reason": "سابقهٔ محرمانه",
             "security_reason": "محرمانه"}
    text = render(event, CODE, leaky).text
    assert text == render(event, CODE, FULL).text
    for secret in (NATIONAL_ID, "۰۰۱۳۵۴۲۴۱۹", "محرمانه", "کد ملی", "شمارهٔ ملی"):
        assert secret not in text


def test_no_template_mentions_the_national_id_field() -> None:
    """The templates (and their helpers) read only the documented params: no national id,
    no reason."""
    source = inspect.getsource(notices)
    read = set(re.findall(r"""\bp(?:\[|\.get\()["'](\w+)["']""", source))
    assert read == set(FULL)
    for word in ("national_id", "کد ملی", "شماره ملی"):
        assert word not in source, word
    assert "national_id" not in NoticeIn.model_fields


def test_a_security_failure_says_only_that_the_stage_was_not_passed() -> None:
    text = render(NoticeEvent.stage_failed, CODE, {"stage": "security",
                                                   "reason": "گزارش محرمانه"}).text
    assert "بررسی امنیتی" in text and "پشت سر نگذاشتید" in text
    assert "گزارش" not in text and "دلیل" not in text and "علت" not in text


def test_the_facts_are_in_the_text() -> None:
    text = render(NoticeEvent.office, CODE, {"province": "23", "city": "تهران"}).text
    assert "شهر تهران" in text and "استان تهران" in text
    text = render(NoticeEvent.exam_result, CODE, {"outcome": "fail", "score": "41.25"}).text
    assert "۴۱٫۲۵" in text and "حد نصاب" in text
    text = render(NoticeEvent.incomplete_soon, CODE, {"missing": "photo",
                                                      "deadline": "1405/10/01"}).text
    assert "بارگذاری عکس" in text and "پرداخت" not in text and "۱۴۰۵/۱۰/۰۱" in text
    text = render(NoticeEvent.licence, CODE, {"licence_number": "1405-12"}).text
    assert "۱۴۰۵-۱۲" in text


@pytest.mark.parametrize(("event", "params", "names"), [
    (NoticeEvent.stage_passed, {}, "stage"),
    (NoticeEvent.stage_failed, {"stage": ""}, "stage"),
    (NoticeEvent.exam_result, {"score": "50"}, "outcome"),
    (NoticeEvent.office, {"province": "23"}, "city"),
    (NoticeEvent.stage_passed, {"stage": "launch"}, "unknown stage"),
    (NoticeEvent.exam_result, {"outcome": "maybe"}, "unknown outcome"),
    (NoticeEvent.incomplete_soon, {"missing": "fee"}, "unknown missing"),
])
def test_a_missing_or_meaningless_param_is_refused(event: NoticeEvent, params: dict[str, str],
                                                   names: str) -> None:
    with pytest.raises(NoticeParamsError, match=names):
        render(event, CODE, params)


def test_mobiles_are_masked_to_their_first_and_last_four() -> None:
    assert mask_mobile("09121234567") == "0912***4567"
    assert mask_mobile("0912") == "****"
