"""Whether a JPEG's image data fills the size its header claims (REG-4's pixels)."""

import io
import random
import struct
from typing import Any

import pytest
from PIL import Image

from daftar.domain.jpeg import UNSUPPORTED, decodes_cleanly, fill_mismatch

#: Pillow's ways of writing a JPEG: chroma subsampling, progressive, optimised tables,
#: restart markers, grey scale.
OPTIONS: list[dict[str, Any]] = [
    {"subsampling": 0}, {"subsampling": 1}, {"subsampling": 2}, {"progressive": True},
    {"optimize": True}, {"restart_marker_blocks": 7}, {"restart_marker_rows": 2},
    {"mode": "L"}, {"mode": "L", "progressive": True}, {"mode": "CMYK"},
]


def jpeg(width: int, height: int, *, noisy: bool = True, mode: str = "RGB",
         **options: Any) -> bytes:
    if noisy:
        raw = random.Random(width * height).randbytes(width * height * len(mode))
        img = Image.frombytes(mode, (width, height), raw)
    else:
        img = Image.new(mode, (width, height))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def frame_at(data: bytes) -> int:
    pos = 2
    while data[pos + 1] not in (0xC0, 0xC1, 0xC2):
        pos += 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
    return pos


def claiming(data: bytes, width: int, height: int) -> bytes:
    pos = frame_at(data)
    return data[:pos + 5] + struct.pack(">HH", height, width) + data[pos + 9:]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize(("width", "height"), [(250, 350), (257, 333)])
@pytest.mark.parametrize("noisy", [True, False])
def test_what_an_encoder_writes_fills_its_header(options: dict[str, Any], width: int,
                                                 height: int, noisy: bool) -> None:
    assert fill_mismatch(jpeg(width, height, noisy=noisy, **options)) is None


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize(("claimed", "verdict"), [
    ((300, 400), "less"), ((250, 400), "less"), ((300, 350), "less"),
    ((200, 300), "more"), ((250, 300), "more"),
])
def test_a_header_claiming_another_size_is_caught(options: dict[str, Any],
                                                 claimed: tuple[int, int], verdict: str) -> None:
    for noisy in (True, False):
        assert fill_mismatch(claiming(jpeg(250, 350, noisy=noisy, **options), *claimed)) \
            == verdict, noisy


def test_codings_not_walked_are_named() -> None:
    data = bytearray(jpeg(250, 350))
    data[frame_at(bytes(data)) + 1] = 0xC9  # the same frame, marked arithmetic-coded
    assert fill_mismatch(bytes(data)) == UNSUPPORTED


@pytest.mark.parametrize("data", [b"", b"not a jpeg", b"\xff\xd8", b"\xff\xd8\xff\xc4\x00\x30",
                                  jpeg(250, 350)[:200]])
def test_a_broken_file_is_a_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        fill_mismatch(data)


def test_bytes_after_the_end_of_image_do_not_count() -> None:
    assert fill_mismatch(jpeg(250, 350) + b"\0" * 1000) is None


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("noisy", [True, False])
def test_a_clean_decode_is_what_the_walk_finds_filled(options: dict[str, Any],
                                                    noisy: bool) -> None:
    data = jpeg(257, 333, noisy=noisy, **options)
    if options.get("mode") != "CMYK":  # libjpeg-turbo gives no RGB of CMYK: walked instead
        assert decodes_cleanly(data)
    assert fill_mismatch(data) is None


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("claimed", [(300, 400), (250, 400), (200, 300), (250, 300)])
def test_a_header_claiming_another_size_never_decodes_cleanly(
        options: dict[str, Any], claimed: tuple[int, int]) -> None:
    for noisy in (True, False):
        assert not decodes_cleanly(claiming(jpeg(250, 350, noisy=noisy, **options), *claimed))


def test_a_warning_that_is_no_mismatch_is_left_to_the_walk() -> None:
    data = bytearray(jpeg(250, 350))
    # A baseline scan whose spectral end says 62, not 63: libjpeg-turbo warns that the
    # parameters are not sequential ones, yet decodes it, and the data fills the header.
    sos = bytes(data).find(b"\xff\xda")
    count = data[sos + 4]
    data[sos + 5 + 2 * count + 1] = 62
    assert not decodes_cleanly(bytes(data))
    assert fill_mismatch(bytes(data)) is None
