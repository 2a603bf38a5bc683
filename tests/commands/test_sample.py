"""`daftar sample`: the walkthrough's photo, cycle and results are valid as the API sees them."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from daftar.commands.sample import FEE, results_csv, sample_cycle, sample_photo
from daftar.domain import jalali
from daftar.domain.cycles import cycle_violations
from daftar.domain.photo import check_photo
from daftar.domain.scoring import AnswerCounts

DAFTAR = str(Path(sys.executable).parent / "daftar")
SUBJECTS = [{"code": "civil_law", "questions": 40}, {"code": "literature", "questions": 25}]


def test_the_sample_photo_passes_reg_4(tmp_path: Path) -> None:
    assert check_photo(sample_photo()).violations == []
    out = subprocess.run([DAFTAR, "sample", "photo", str(tmp_path / "photo.jpg")],
                         capture_output=True, text=True, check=True)
    assert check_photo((tmp_path / "photo.jpg").read_bytes()).violations == []
    assert "photo.jpg" in out.stdout


def test_the_sample_cycle_window_holds_today() -> None:
    body = sample_cycle(year=1405, days=30)
    today = jalali.business_day(datetime.now(UTC))
    start, end = (jalali.parse_jalali(body[k]) for k in ("registration_start",
                                                         "registration_end"))
    assert start < today < end
    assert body["year"] == 1405 and body["fee_rials"] == FEE
    assert cycle_violations(registration_start=body["registration_start"],
                            registration_end=body["registration_end"], exam_date=None,
                            subject_codes=[], group_weights={"general": Decimal("0.4")},
                            cities=[("Tehran", "Tehran", [])]) == []
    assert sample_cycle()["year"] == today.year


def test_the_sample_results_have_a_row_per_candidate_within_the_questions() -> None:
    text = results_csv(SUBJECTS, ["0001", "0002", "0003"], spread=0.2, seed=7)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["tracking_code"] for r in rows] == ["0001", "0002", "0003"]
    for row in rows:
        for s in SUBJECTS:
            counts = AnswerCounts(correct=int(row[f"{s['code']}_correct"]),
                                  wrong=int(row[f"{s['code']}_wrong"]))
            assert counts.correct + counts.wrong <= s["questions"]
    alike = [line.split(",", 1)[1] for line in results_csv(SUBJECTS, ["1", "2"]).splitlines()[1:]]
    assert alike[0] == alike[1]  # no spread: every candidate answers alike, so all pass EXAM-2
