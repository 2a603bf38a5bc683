"""Valid inputs for the benchmarks (copied from the tests' factories: bench never imports tests)."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import WorkflowHandle

from daftar.contracts import search
from daftar.contracts.applicant import APPLICANT_REVISION, ApplicantInput, CycleTerms
from daftar.contracts.ids import applicant_workflow_id
from daftar.domain import jalali
from daftar.domain.identity import application_id, tracking_code
from daftar.domain.registration import RegistrationForm
from daftar.store.models import ExamLoad
from daftar.workflows.applicant import ApplicantWorkflow

if TYPE_CHECKING:
    from bench.stack import Stack

FEE = 2_000_000
PASS = {"total_score": "6000"}
#: The EXAM-2 pass mark a single candidate's result is judged against.
PASS_MARK = Decimal("5500")
#: A passing QUAL-1 checklist for a man.
ALL_CHECKS = {r: True for r in ("REG-4", "GEN-1", "GEN-2", "GEN-3", "GEN-4", "GEN-5",
                                "GEN-6", "GEN-7", "AGE-1", "AGE-2", "EXP-1")}
#: province, city and the share of applicants choosing it (the read-model spread).
CITIES = [("Tehran", "Tehran", 0.30), ("Tehran", "Rey", 0.08), ("Isfahan", "Isfahan", 0.20),
          ("Isfahan", "Kashan", 0.10), ("Qom", "Qom", 0.17), ("Fars", "Shiraz", 0.15)]


def national_id(serial: int) -> str:
    """A valid national code (REG-5) for a serial number."""
    body = f"{serial % 10**9:09d}"
    r = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    return body + str(r if r < 2 else 11 - r)


def form(serial: int, province: str = "Tehran", city: str = "Tehran") -> dict[str, Any]:
    """A registration that breaks no rule for a cycle whose window holds today."""
    return {
        "national_id": national_id(100_000_000 + serial * 7919),
        "first_name": "Ali", "last_name": "Rezaei", "father_name": "Hasan",
        "birth_date": "1370/01/01", "gender": "male",
        "degree": {"level": "bachelor", "field": "law", "graduation_date": "1395/04/01"},
        "military_service": "completed", "computer_certificate": True,
        "experience_years": "5", "quota": {"kind": "free"},
        "province": province, "city": city, "mobile": "09121234567",
    }


def cycle_body(year: int, capacity: int) -> dict[str, Any]:
    """A cycle whose registration window runs from three days ago to ten days ahead."""
    day = jalali.to_gregorian(jalali.business_day(datetime.now(UTC)))
    return {"year": year, "fee_rials": FEE,
            "registration_start": str(jalali.from_gregorian(day - timedelta(days=3))),
            "registration_end": str(jalali.from_gregorian(day + timedelta(days=10))),
            "cities": [{"province": p, "city": c, "capacity": capacity, "priority": i + 1}
                       for i, (p, c, _) in enumerate(CITIES)]}


@cache
def photo() -> bytes:
    """A 250×350 JPG within REG-4 with a camera photo's texture: about 31 KB.

    A flat image codes in 2 KB and costs its check a fraction of what a real photo does.
    """
    return textured_photo()


def flat_photo() -> bytes:
    """A 250×350 white JPG within REG-4 (2 KB): the cheapest photo to check."""
    buf = io.BytesIO()
    Image.new("RGB", (250, 350), "white").save(buf, "JPEG")
    return buf.getvalue()


def textured_photo(width: int = 250, height: int = 350) -> bytes:
    """A photo-like JPG: a gradient with seeded, lightly blurred grain and a face-sized oval,
    at quality 90 (31 KB at 250×350, as phone photos of that size are 20–40 KB)."""
    rng = random.Random(1403)
    bands = []
    for lo, hi in ((180, 240), (150, 220), (120, 200)):
        grad = Image.linear_gradient("L").resize((width, height)).point(
            lambda v, lo=lo, hi=hi: lo + v * (hi - lo) // 255)
        grain = Image.frombytes("L", (width, height), rng.randbytes(width * height)).filter(
            ImageFilter.GaussianBlur(0.5))
        bands.append(Image.blend(grad, grain, 0.3))
    img = Image.merge("RGB", bands)
    ImageDraw.Draw(img).ellipse((width * 0.26, height * 0.17, width * 0.74, height * 0.66),
                                fill=(205, 170, 150))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def seed_pass_mark(engine: Engine, year: int) -> None:
    """Cycle `year`'s results as loaded, with no scored rows: the pass mark the full paths'
    single exam results are judged against (EXAM-2), as a results load would leave it."""
    with Session(engine) as session:
        if session.get(ExamLoad, year) is None:
            session.add(ExamLoad(cycle=year, scale=Decimal(2000), pass_mark=PASS_MARK,
                                 top_count=0, top_mean=PASS_MARK / Decimal("0.7"),
                                 candidates=0, passed=0, loaded_by="bench",
                                 loaded_at=datetime.now(UTC)))
            session.commit()


async def start_applicant(stack: Stack, form: RegistrationForm, terms: CycleTerms,
                          ) -> WorkflowHandle[Any, Any]:
    """Start one applicant's workflow through the Temporal client as the API does: on the
    revision new applications start on, with their search attributes set at the start."""
    app_id = application_id(stack.settings.identity_key, terms.year, form.national_id)
    return await stack.client.start_workflow(
        ApplicantWorkflow.run, ApplicantInput(
            application_id=app_id, tracking_code=tracking_code(app_id), cycle=terms,
            form=form, national_id=form.national_id, revision=APPLICANT_REVISION),
        id=applicant_workflow_id(app_id), task_queue=stack.task_queue,
        search_attributes=search.initial_attributes(terms.year, form))
