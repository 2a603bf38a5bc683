"""Reference data: Iran's 31 provinces, as the API takes and stores them (public)."""

from __future__ import annotations

from fastapi import APIRouter

from daftar.services import places
from daftar.services.places import ProvinceView

router = APIRouter(prefix="/v1/places", tags=["places"])


@router.get("/provinces", response_model=list[ProvinceView])
def provinces() -> list[ProvinceView]:
    """Iran's 31 provinces, in the order of their codes.

    Each with the Statistical Centre of Iran's two-digit `code` (what a stored `province`
    holds), the official Persian and the English names, and the centre. Anyone may read it,
    without a token. A request's `province` may be the code, or the Persian or English name
    in any common spelling.
    """
    return places.provinces()
