"""The admission card (EXAM-5): a one-page A5 PDF whose Persian text reads back in logical
order, with its tracking code and seat as digits, in the font the package ships.

The PDF is read back by Debian's poppler-utils (`pdftotext`, `pdftoppm`, `pdfinfo`), which
`scripts/bootstrap --test` installs. `sample_card` is also what `scripts/render-admission-card`
renders into docs/admission-card.png.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from daftar.domain.digits import normalize_digits
from daftar.domain.text import BIDI_CONTROLS
from daftar.services.admission_card import FONTS, AdmissionCard, render_admission_card
from tests.api.helpers import image

ROOT = Path(__file__).resolve().parents[2]
DOCS_PNG = ROOT / "docs" / "admission-card.png"
TRACKING = "1401020034567"
SEAT = 127


def sample_card(photo: bytes | None = None) -> AdmissionCard:
    """A candidate of the 1401 cycle seated in Tehran (the exam of 1401/09/24 at 09:00)."""
    return AdmissionCard(
        cycle=1401, tracking_code=TRACKING, first_name="سارا", last_name="محمدی",
        father_name="حسین", national_id_masked="002****787",
        photo_jpeg=image() if photo is None else photo,
        venue_name="دانشکده حقوق و علوم سیاسی دانشگاه تهران",
        venue_address="تهران، خیابان انقلاب، خیابان ۱۶ آذر، دانشکده حقوق و علوم سیاسی "
                      "دانشگاه تهران، ساختمان شماره ۲",
        province="تهران", city="تهران", seat=SEAT, exam_date="1401/09/24", start_time="09:00")


def _poppler(tool: str, *args: str | Path) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} (Debian's poppler-utils) is missing: scripts/bootstrap --test installs it"
    return subprocess.run([path, *map(str, args)], check=True, capture_output=True,
                          text=True).stdout


def _text(pdf: Path) -> str:
    """The PDF's text as pdftotext gives it, bidi marks removed and digits made ASCII."""
    raw = _poppler("pdftotext", "-enc", "UTF-8", pdf, "-")
    return normalize_digits("".join(c for c in raw if c not in BIDI_CONTROLS))


def _write(tmp_path: Path, card: AdmissionCard) -> Path:
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(render_admission_card(card))
    return pdf


def test_the_card_is_one_a5_page(tmp_path: Path) -> None:
    data = render_admission_card(sample_card())
    assert data.startswith(b"%PDF-")
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(data)
    info = _poppler("pdfinfo", pdf)
    assert re.search(r"^Pages:\s+1$", info, re.M)
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert size and (round(float(size[1])), round(float(size[2]))) == (420, 595)  # A5
    fonts = _poppler("pdffonts", pdf)
    assert re.search(r"\+Vazirmatn\s", fonts) and re.search(r"\+VazirmatnBold\s", fonts)


def test_persian_reads_back_in_logical_order(tmp_path: Path) -> None:
    text = _text(_write(tmp_path, sample_card()))
    # Words are extracted in reading order, not reversed (pdftotext reorders right-to-left
    # lines). Poppler gives the two letters of the lam-alef ligature (لا) back swapped, so
    # the phrases checked here have none.
    for phrase in ("کارت ورود به جلسه آزمون", "دفاتر خدمات الکترونیک قضایی سال 1401",
                   "مشخصات داوطلب", "سارا", "محمدی", "حسین", "نام پدر",
                   "دانشکده حقوق و علوم سیاسی دانشگاه تهران", "ساختمان شماره",
                   "شماره صندلی", "ساعت شروع", "کارت ملی"):
        assert phrase in text, phrase
    # Around neutral marks between Persian words pdftotext moves the spaces: «تهران  /تهران».
    assert "تهران/تهران" in re.sub(r"\s+", "", text)
    assert "تراک" not in text  # «کارت» is not read backwards


def test_codes_numbers_and_the_exam_time_read_back_as_digits(tmp_path: Path) -> None:
    text = _text(_write(tmp_path, sample_card()))
    numbers = re.findall(r"\d+", text)
    assert TRACKING in numbers
    assert str(SEAT) in numbers
    assert "پنجشنبه 1401/09/24" in text  # the exam's weekday and Jalali date (EXAM-5)
    assert "09:00" in text
    assert "002****787" in text


def test_without_photo_or_national_id_the_card_leaves_a_frame(tmp_path: Path) -> None:
    card = replace(sample_card(), photo_jpeg=None, national_id_masked=None)
    text = _text(_write(tmp_path, card))
    assert "محل عکس" in text
    assert "کد ملی" not in text
    assert TRACKING in re.findall(r"\d+", text)


def test_long_names_and_addresses_stay_on_the_one_page(tmp_path: Path) -> None:
    name = ("محمدحسین " * 9)[:80]  # the longest name registration accepts
    card = replace(sample_card(), first_name=name, last_name=name, father_name=name,
                   venue_name="دانشکده " * 30, venue_address="خیابان " * 80,
                   province="سیستان و بلوچستان", city="زاهدان")
    pdf = _write(tmp_path, card)
    assert re.search(r"^Pages:\s+1$", _poppler("pdfinfo", pdf), re.M)
    text = _text(pdf)
    assert "…" in text  # the address, cut after its third line
    assert "این کارت را همراه با اصل کارت ملی" in text


def test_a_date_that_is_not_jalali_is_refused() -> None:
    with pytest.raises(ValueError, match="1401/07/31"):
        render_admission_card(replace(sample_card(), exam_date="1401/07/31"))


def test_a_photo_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(OSError):
        render_admission_card(replace(sample_card(), photo_jpeg=b"not a jpeg"))


def test_the_page_renders_to_an_image(tmp_path: Path) -> None:
    from PIL import Image

    pdf = _write(tmp_path, sample_card())
    _poppler("pdftoppm", "-png", "-r", "110", "-singlefile", pdf, tmp_path / "card")
    with Image.open(tmp_path / "card.png") as png:
        assert png.size == (641, 910)  # A5 at 110 dpi
        assert png.convert("L").getextrema()[0] < 100  # ink on the page


def test_the_font_and_its_licence_are_package_data() -> None:
    files = {p.name for p in FONTS.iterdir()}
    assert {"Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf", "OFL.txt"} <= files
    assert "SIL Open Font License" in (FONTS / "OFL.txt").read_text()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["daftar"]
    for name in files:
        relative = f"assets/fonts/{name}"
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


def test_the_readme_image_is_a_png_of_the_card() -> None:
    # scripts/render-admission-card writes it; the tests never do.
    data = DOCS_PNG.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
