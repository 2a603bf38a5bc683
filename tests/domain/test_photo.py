"""REG-4: photo format, pixels and size, checked at upload."""

import hashlib
import io
import random

import pytest
from PIL import Image

from daftar.domain.photo import MAX_PHOTO_BYTES, check_photo


def image_bytes(width: int, height: int, fmt: str = "JPEG", *, noisy: bool = False) -> bytes:
    if noisy:
        # Seeded noise: incompressible, so the JPEG is large, and the test is repeatable.
        raw = random.Random(1401).randbytes(width * height * 3)
        img = Image.frombytes("RGB", (width, height), raw)
    else:
        img = Image.new("RGB", (width, height), (250, 250, 250))
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def test_valid_jpeg_passes() -> None:
    data = image_bytes(250, 350)
    assert len(data) <= MAX_PHOTO_BYTES
    check = check_photo(data)
    assert check.violations == []
    assert (check.width, check.height, check.size) == (250, 350, len(data))
    assert check.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("width", "height"), [(200, 300), (300, 400), (200, 400), (300, 300)])
def test_bounds_are_inclusive(width: int, height: int) -> None:
    assert check_photo(image_bytes(width, height)).violations == []


def test_png_is_refused_by_content() -> None:
    check = check_photo(image_bytes(250, 350, "PNG"))
    (violation,) = check.violations
    assert violation.rule == "REG-4"
    assert "JPEG" in violation.message and "PNG" in violation.message
    assert (check.width, check.height) == (250, 350)


@pytest.mark.parametrize(("width", "height"), [(199, 300), (301, 400), (250, 299), (250, 401)])
def test_pixels_out_of_range_are_refused(width: int, height: int) -> None:
    (violation,) = check_photo(image_bytes(width, height)).violations
    assert violation.rule == "REG-4"
    assert f"{width}×{height}" in violation.message


def test_over_70_kb_is_refused() -> None:
    data = image_bytes(300, 400, noisy=True)
    assert len(data) > MAX_PHOTO_BYTES  # precondition: the noise really is that big
    (violation,) = check_photo(data).violations
    assert violation.rule == "REG-4"
    assert "70 KB" in violation.message


def test_exactly_70_kb_is_accepted_by_size() -> None:
    data = image_bytes(250, 350)
    padded = data + b"\0" * (MAX_PHOTO_BYTES - len(data))  # bytes after EOI are ignored
    assert len(padded) == MAX_PHOTO_BYTES
    assert check_photo(padded).violations == []
    assert len(check_photo(padded + b"\0").violations) == 1


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff" + b"\x00" * 50])
def test_garbage_is_a_violation_not_an_exception(data: bytes) -> None:
    check = check_photo(data)
    assert [v.rule for v in check.violations] == ["REG-4"]
    assert check.width is None and check.height is None
    assert check.size == len(data)


def test_truncated_jpeg_is_refused() -> None:
    data = image_bytes(250, 350, noisy=True)
    truncated = data[: len(data) // 3]
    assert len(truncated) <= MAX_PHOTO_BYTES  # so only the decoding can fail
    (violation,) = check_photo(truncated).violations
    assert violation.rule == "REG-4"
    assert "could not be read" in violation.message


def test_all_failures_reported_together() -> None:
    data = image_bytes(600, 800, "PNG", noisy=True)
    assert len(data) > MAX_PHOTO_BYTES
    messages = [v.message for v in check_photo(data).violations]
    assert len(messages) == 3  # format, pixels and size


def _claiming(data: bytes, width: int, height: int) -> bytes:
    """`data` (a JPEG) with the size in its frame header changed, its image data kept."""
    pos = 2
    while data[pos + 1] not in (0xC0, 0xC1, 0xC2):
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return data[:pos + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[pos + 9:]


@pytest.mark.parametrize(("data", "claimed"), [
    (image_bytes(250, 350), (300, 400)),  # a header enlarged over a smaller photo's data
    (image_bytes(300, 400), (250, 350)),  # and shrunk over a larger one's
])
def test_a_header_that_the_image_data_does_not_fill_is_refused(
        data: bytes, claimed: tuple[int, int]) -> None:
    forged = _claiming(data, *claimed)
    with Image.open(io.BytesIO(forged)) as img:
        img.load()  # the decoder paints what is missing: it is no check
        assert img.size == claimed
    check = check_photo(forged)
    (violation,) = check.violations
    assert violation.rule == "REG-4"
    assert f"{claimed[0]}×{claimed[1]}" in violation.message
    assert (check.width, check.height) == claimed


def test_a_progressive_jpeg_passes() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (250, 350), (250, 250, 250)).save(buffer, "JPEG", progressive=True)
    assert check_photo(buffer.getvalue()).violations == []
