"""Upload check of the applicant's photo (REG-4): format, pixels and size.

The rest of REG-4 (full face, white background, no stamp...) is a human check in
QUAL-1. Kept apart from the other domain modules so they do not pull in Pillow.
"""

import hashlib
import io

from PIL import Image
from pydantic import BaseModel

from daftar.domain.jpeg import UNSUPPORTED, decodes_cleanly, fill_mismatch
from daftar.domain.violations import Violation

RULE = "REG-4"
FIELD = "photo"
MAX_PHOTO_BYTES = 70 * 1024
MIN_WIDTH, MAX_WIDTH = 200, 300
MIN_HEIGHT, MAX_HEIGHT = 300, 400


class PhotoCheck(BaseModel):
    """Outcome of ``check_photo`` (REG-4); ``width``/``height`` are None if undecodable."""

    violations: list[Violation]
    width: int | None
    height: int | None
    size: int
    sha256: str


def _inspect(data: bytes) -> tuple[str | None, int | None, int | None, bool]:
    """(format, width, height, decodes) of ``data``; never raises on bad input."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, (width, height) = img.format, img.size
            # Decode only small images: a tiny file may claim huge dimensions (a bomb),
            # and those fail the pixel rule anyway.
            if MIN_WIDTH <= width <= MAX_WIDTH and MIN_HEIGHT <= height <= MAX_HEIGHT:
                img.load()
            return fmt, width, height, True
    except Exception:  # Pillow raises many types (OSError, SyntaxError, ValueError...)
        return None, None, None, False


def _fill_violation(data: bytes, width: int, height: int) -> Violation | None:
    """REG-4's pixels are the image data's, not the header's.

    A header claiming another size than the coded blocks fill is refused (a decoder would
    paint the missing part). A photo libjpeg-turbo decodes without a warning fills its header
    (daftar.domain.jpeg.decodes_cleanly); any other is walked block by block.
    """
    if decodes_cleanly(data):
        return None
    try:
        mismatch = fill_mismatch(data)
    except ValueError:
        mismatch = "malformed"
    if mismatch is None:
        return None
    if mismatch == UNSUPPORTED:
        message = ("The photo uses a JPEG coding that cannot be checked (arithmetic, lossless "
                   "or hierarchical); save it again as an ordinary JPG.")
    elif mismatch == "malformed":
        message = "The photo's JPEG structure is damaged; save it again as JPG."
    else:
        message = (f"The photo's header says {width}×{height} pixels, but its image data holds "
                   f"{'less' if mismatch == 'less' else 'more'} than that: the file was "
                   "altered or damaged. Save the photo again as JPG.")
    return Violation(rule=RULE, field=FIELD, message=message)


def check_photo(data: bytes) -> PhotoCheck:
    """Check an uploaded photo against REG-4 and report every failure together.

    JPEG only (the decoded format, not the file name), 200×300 to 300×400 pixels
    (width×height) as the image data fills them, not only as the header claims, at most
    70 KB (70×1024 bytes).
    """
    violations: list[Violation] = []
    fmt, width, height, decodes = _inspect(data)
    if not decodes:
        violations.append(Violation(rule=RULE, field=FIELD, message=(
            "The photo could not be read as an image; upload a JPEG (JPG) photo.")))
    elif fmt != "JPEG":
        violations.append(Violation(rule=RULE, field=FIELD, message=(
            f"The photo must be a JPEG (JPG) image; this file is {fmt}. Save it as JPG.")))
    in_range = width is not None and height is not None and (
        MIN_WIDTH <= width <= MAX_WIDTH and MIN_HEIGHT <= height <= MAX_HEIGHT)
    if width is not None and height is not None and not in_range:
        violations.append(Violation(rule=RULE, field=FIELD, message=(
            f"The photo must be between {MIN_WIDTH}×{MIN_HEIGHT} and {MAX_WIDTH}×{MAX_HEIGHT} "
            f"pixels (width×height); it is {width}×{height}. Resize or crop it.")))
    # Walked only for a JPEG of the right size and weight: the walk takes time in proportion
    # to the bytes, and any other file is refused already.
    if (decodes and fmt == "JPEG" and in_range and width is not None and height is not None
            and len(data) <= MAX_PHOTO_BYTES
            and (fill := _fill_violation(data, width, height)) is not None):
        violations.append(fill)
    if len(data) > MAX_PHOTO_BYTES:
        violations.append(Violation(rule=RULE, field=FIELD, message=(
            f"The photo must be at most 70 KB ({MAX_PHOTO_BYTES} bytes); it is {len(data)} "
            "bytes. Save it with higher compression.")))
    return PhotoCheck(violations=violations, width=width, height=height, size=len(data),
                      sha256=hashlib.sha256(data).hexdigest())
