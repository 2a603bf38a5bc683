"""The admission card a paid candidate views and prints from the cycle's card date (EXAM-5).

One A5 page, Persian and right to left: the cycle, the candidate's name, father's name,
masked national id, tracking code and photo, and the exam's Jalali date, start time, venue
(name, address, province and city) and seat. The exam is held on one day in Tehran and every
province centre at once, so the card is all a candidate needs to find their seat.

Text is shaped by HarfBuzz through fpdf2 (letters joined, bidirectional runs ordered) in
Vazirmatn (SIL OFL, ``daftar/assets/fonts/``), which ships in the package. Numbers are printed
with Persian digits; a PDF text extractor gives them back as ``۰``-``۹``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import TTFFont

from daftar.domain.digits import ascii_to_persian_digits
from daftar.domain.jalali import parse_jalali, to_gregorian

#: The vendored Vazirmatn TTFs and their licence (package data).
FONTS = Path(__file__).resolve().parents[1] / "assets" / "fonts"
_FAMILY = "Vazirmatn"

#: Persian weekday names by ``date.weekday()`` (Monday first).
_WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")

# Page geometry, millimetres: A5 portrait.
_PAGE_W = 148.0
_PAGE_H = 210.0
_MARGIN = 10.0
_PAD = 4.0
_GAP = 4.0
_ROW_H = 8.0
_PHOTO_W = 30.0
_PHOTO_H = 40.0
#: Values shrink by steps down to this size (points) before they are cut (`_Card.fit`).
_MIN_SIZE = 7.0
_SIZE_STEP = 0.5
#: How far a value may shrink to stay on fewer lines than its most (points).
_SHRINK = 2.0
#: Line height of wrapped values, millimetres per point of font size.
_LEADING = 0.5

# Colours (RGB): dark ink for values, grey for labels, a pale band for section headers.
_INK = (25, 25, 25)
_LABEL = (90, 90, 90)
_ACCENT = (31, 58, 95)
_BAND = (232, 237, 244)
_RULE = (190, 198, 210)


@dataclass(frozen=True)
class AdmissionCard:
    """What an admission card shows (EXAM-5).

    Attributes:
        cycle: The cycle's Jalali year, e.g. 1401.
        tracking_code: The candidate's tracking code, ASCII digits.
        first_name: The candidate's first name.
        last_name: The candidate's last name.
        father_name: The candidate's father's name.
        national_id_masked: The national id with its middle hidden, or None to leave it out.
        photo_jpeg: The candidate's REG-4 photo (a JPEG), or None for an empty frame.
        venue_name: The exam venue's name.
        venue_address: The venue's street address.
        province: The province of the venue (its centre holds the exam).
        city: The city of the venue.
        seat: The candidate's seat number at the venue.
        exam_date: The exam day, Jalali ``YYYY/MM/DD``.
        start_time: The exam's start time, ``HH:MM`` Tehran time.
    """

    cycle: int
    tracking_code: str
    first_name: str
    last_name: str
    father_name: str
    national_id_masked: str | None
    photo_jpeg: bytes | None
    venue_name: str
    venue_address: str
    province: str
    city: str
    seat: int
    exam_date: str
    start_time: str


def _fa(value: object) -> str:
    return ascii_to_persian_digits(str(value))


def _exam_day(exam_date: str) -> str:
    """``پنجشنبه ۱۴۰۱/۰۹/۲۴`` for ``1401/09/24``: the weekday and the date."""
    day = parse_jalali(exam_date)
    weekday = _WEEKDAYS[to_gregorian(day).weekday()]
    return f"{weekday} {_fa(f'{day.year:04d}/{day.month:02d}/{day.day:02d}')}"


class _Card(FPDF):
    """An A5 page set up for shaped, right-to-left Persian in Vazirmatn."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format=(_PAGE_W, _PAGE_H))
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=False)
        self.add_font(_FAMILY, "", str(FONTS / "Vazirmatn-Regular.ttf"))
        self.add_font(_FAMILY, "B", str(FONTS / "Vazirmatn-Bold.ttf"))
        self.rtl()

    def rtl(self) -> None:
        """Shape what follows as a right-to-left paragraph."""
        self.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab",
                              language="fas")

    def ltr(self) -> None:
        """Shape what follows as a left-to-right paragraph (codes that mix digits and marks)."""
        self.set_text_shaping(use_shaping_engine=True, direction="ltr")

    def style(self, size: float, bold: bool = False,
              color: tuple[int, int, int] = _INK) -> None:
        """Vazirmatn at `size` points, regular or bold, in `color`."""
        self.set_font(_FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def text_at(self, x: float, y: float, w: float, h: float, text: str,
                align: Literal["R", "L", "C"] = "R") -> None:
        """One line of `text` in the box at (x, y) of width `w` and height `h`."""
        self.set_xy(x, y)
        self.cell(w, h, text, align=align, new_x=XPos.RIGHT, new_y=YPos.TOP)

    def fit(self, text: str, width: float, size: float, bold: bool,
            max_lines: int) -> tuple[float, list[str]]:
        """The size and lines (logical order) that set `text` in a box `width` wide.

        Fewer lines come first: each count of lines below `max_lines` is tried from `size`
        down to `_SHRINK` points less, and `max_lines` down to `_MIN_SIZE`. Text too long
        even then keeps its first `max_lines` lines, the last one ending in an ellipsis.
        """
        lines: list[str] = []
        current = size
        for count in range(1, max_lines + 1):
            floor = _MIN_SIZE if count == max_lines else max(_MIN_SIZE, size - _SHRINK)
            current = size
            while current >= floor:
                self.style(current, bold=bold)
                lines = self.lines(text, width)
                if len(lines) <= count:
                    return current, lines
                current -= _SIZE_STEP
        current += _SIZE_STEP
        self.style(current, bold=bold)
        kept = lines[:max_lines]
        last = kept[-1].rstrip()
        while last and self.get_string_width(last + "…") > width:
            last = last[:-1].rstrip()
        kept[-1] = last + "…"
        return current, kept

    def lines(self, text: str, width: float) -> list[str]:
        """`text` broken into the lines a box `width` wide holds, in the current font."""
        result = self.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES)
        if not isinstance(result, list):
            raise TypeError(f"multi_cell gave {type(result).__name__}, not its lines")
        return [str(line) for line in result]

    def field(self, x: float, y: float, w: float, label: str, value: str, label_w: float,
              *, ltr: bool = False, value_size: float = 11, bold: bool = True,
              max_lines: int = 2) -> float:
        """A label (right) and its value (left of it) on one row; returns the row's bottom.

        A value wider than its box wraps onto at most `max_lines` lines, in a smaller size
        when it needs to (see `fit`).
        """
        self.style(9, color=_LABEL)
        self.text_at(x + w - label_w, y, label_w, _ROW_H, label)
        value_w = w - label_w
        if ltr:
            self.ltr()
        size, lines = self.fit(value, value_w, value_size, bold, max_lines)
        self.set_text_color(*_INK)
        if len(lines) == 1:
            self.text_at(x, y, value_w, _ROW_H, lines[0])
            bottom = y + _ROW_H
        else:
            line_h = size * _LEADING
            for i, line in enumerate(lines):
                self.text_at(x, y + 1.2 + i * line_h, value_w, line_h, line)
            bottom = max(y + _ROW_H, y + 2.4 + len(lines) * line_h)
        if ltr:
            self.rtl()
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)
        self.line(x, bottom, x + w, bottom)
        return bottom

    def section(self, x: float, y: float, w: float, title: str) -> float:
        """A pale band with `title` at the right; returns its bottom."""
        self.set_fill_color(*_BAND)
        self.rect(x, y, w, 7, style="F")
        self.style(10, bold=True, color=_ACCENT)
        self.text_at(x + 2, y, w - 4, 7, title)
        return y + 7


def render_admission_card(card: AdmissionCard) -> bytes:
    """Render `card` as a one-page A5 PDF in Persian, right to left (EXAM-5).

    Args:
        card: The candidate, venue, seat and exam time to print.

    Returns:
        The PDF document's bytes (``application/pdf``).

    Raises:
        ValueError: When ``card.exam_date`` is not a Jalali date.
        OSError: When ``card.photo_jpeg`` is not an image (``PIL.UnidentifiedImageError``).
    """
    exam_day = _exam_day(card.exam_date)
    pdf = _Card()
    try:
        return _draw(pdf, card, exam_day)
    finally:
        # fpdf2 keeps each font file open until it writes the document; close them also when
        # drawing failed (a photo that is not an image).
        for font in pdf.fonts.values():
            if isinstance(font, TTFFont):
                font.close()


def _draw(pdf: _Card, card: AdmissionCard, exam_day: str) -> bytes:
    """Lay `card` out on `pdf`'s one page and return the document."""
    pdf.set_title(f"کارت ورود به جلسه آزمون {_fa(card.cycle)}، کد رهگیری {_fa(card.tracking_code)}")
    pdf.set_lang("fa")
    pdf.add_page()

    left, top = _MARGIN, _MARGIN
    width = _PAGE_W - 2 * _MARGIN
    inner_l, inner_w = left + _PAD, width - 2 * _PAD

    # Frame: a thick outer line and a thin inner one.
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(left, top, width, _PAGE_H - 2 * _MARGIN)
    pdf.set_line_width(0.2)
    pdf.rect(left + 1.5, top + 1.5, width - 3, _PAGE_H - 2 * _MARGIN - 3)

    # Header.
    y = top + 5
    pdf.style(9, color=_LABEL)
    pdf.text_at(inner_l, y, inner_w, 5, "مرکز آمار و فناوری اطلاعات قوه قضاییه", align="C")
    y += 6
    pdf.style(17, bold=True, color=_ACCENT)
    pdf.text_at(inner_l, y, inner_w, 9, "کارت ورود به جلسه آزمون", align="C")
    y += 10
    pdf.style(11, bold=True)
    pdf.text_at(inner_l, y, inner_w, 6,
                f"آزمون صدور پروانه تأسیس دفاتر خدمات الکترونیک قضایی سال {_fa(card.cycle)}",
                align="C")
    y += 9
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.5)
    pdf.line(inner_l, y, inner_l + inner_w, y)
    y += 4

    # The candidate: fields at the right, the photo at the left.
    y = pdf.section(inner_l, y, inner_w, "مشخصات داوطلب") + 2
    photo_x, photo_y = inner_l + 1, y
    fields_x = photo_x + _PHOTO_W + 5
    fields_w = inner_l + inner_w - fields_x
    label_w = 24.0
    row = y
    row = pdf.field(fields_x, row, fields_w, "نام", card.first_name, label_w,
                    max_lines=3)
    row = pdf.field(fields_x, row, fields_w, "نام خانوادگی", card.last_name, label_w,
                    max_lines=3)
    row = pdf.field(fields_x, row, fields_w, "نام پدر", card.father_name, label_w,
                    max_lines=3)
    if card.national_id_masked is not None:
        row = pdf.field(fields_x, row, fields_w, "کد ملی", _fa(card.national_id_masked),
                        label_w, ltr=True)
    row = pdf.field(fields_x, row, fields_w, "کد رهگیری", _fa(card.tracking_code), label_w,
                    ltr=True)
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.3)
    if card.photo_jpeg is not None:
        shown = pdf.image(io.BytesIO(card.photo_jpeg), x=photo_x, y=photo_y, w=_PHOTO_W,
                          h=_PHOTO_H, keep_aspect_ratio=True, alt_text="عکس داوطلب")
        shown_w, shown_h = shown.rendered_width, shown.rendered_height
        pdf.rect(photo_x + (_PHOTO_W - shown_w) / 2, photo_y + (_PHOTO_H - shown_h) / 2,
                 shown_w, shown_h)
    else:
        pdf.rect(photo_x, photo_y, _PHOTO_W, _PHOTO_H)
        pdf.style(9, color=_LABEL)
        pdf.text_at(photo_x, photo_y, _PHOTO_W, _PHOTO_H, "محل عکس", align="C")
    y = max(row, photo_y + _PHOTO_H) + 5

    # The exam: day, time, venue and seat.
    y = pdf.section(inner_l, y, inner_w, "مشخصات آزمون") + 1
    label_w = 22.0
    half = (inner_w - _GAP) / 2
    right_half = inner_l + half + _GAP
    y = max(pdf.field(right_half, y, half, "تاریخ آزمون", exam_day, label_w),
            pdf.field(inner_l, y, half, "ساعت شروع", _fa(card.start_time), label_w))
    y = pdf.field(inner_l, y, inner_w, "حوزه امتحانی", card.venue_name, label_w)
    y = pdf.field(inner_l, y, inner_w, "نشانی حوزه", card.venue_address, label_w,
                  value_size=10, bold=False, max_lines=3)
    y = max(pdf.field(right_half, y, half, "استان / شهر", f"{card.province} / {card.city}",
                      label_w),
            pdf.field(inner_l, y, half, "شماره صندلی", _fa(card.seat), label_w,
                      value_size=14))

    # Instructions, in a box at the foot of the page.
    box_h = 21.0
    box_y = max(_PAGE_H - _MARGIN - _PAD - box_h, y + 3)
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.3)
    pdf.rect(inner_l, box_y, inner_w, box_h)
    pdf.style(9, bold=True, color=_ACCENT)
    pdf.text_at(inner_l + 2, box_y + 1.5, inner_w - 4, 5, "توجه")
    pdf.style(9, color=_INK)
    pdf.set_xy(inner_l + 2, box_y + 7)
    pdf.multi_cell(
        inner_w - 4, 5,
        "این کارت را همراه با اصل کارت ملی پیش از ساعت شروع در حوزه امتحانی ارائه کنید. "
        "آزمون در یک روز و به طور همزمان در تهران و مراکز همه استان‌ها برگزار می‌شود.",
        align="R")

    return bytes(pdf.output())
