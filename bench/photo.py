"""The photo check's cost (REG-4), one photo at a time in this process.

    .venv/bin/python -m bench.photo [--repeat 50]

For a flat photo, a photo-like one (bench/data.py: 31 KB of grain, as a phone photo of that
size) and that photo with its header forged to claim 300×400, the table gives the time of the
whole check (`daftar.domain.photo.check_photo`) and of its two ways of knowing that the image
data fills the header: libjpeg-turbo's decode with warnings as errors
(`daftar.domain.jpeg.decodes_cleanly`, tried first) and the block walk in Python
(`fill_mismatch`, which decides whenever the decoder warns). The ratio is the walk's time over
the whole check's: what the check would cost if every photo were walked.
"""

from __future__ import annotations

import argparse
import struct
import time
from collections.abc import Callable

from bench.common import machine_line, table
from bench.data import flat_photo, textured_photo
from daftar.domain.jpeg import decodes_cleanly, fill_mismatch
from daftar.domain.photo import check_photo


def _forged(data: bytes, width: int, height: int) -> bytes:
    pos = 2
    while data[pos + 1] not in (0xC0, 0xC1, 0xC2):
        pos += 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
    return data[:pos + 5] + struct.pack(">HH", height, width) + data[pos + 9:]


def _ms(work: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` timings of `work`, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50, help="timings of each, the median shown")
    args = parser.parse_args()
    print(machine_line(), end="\n\n")
    textured = textured_photo()
    photos = [("flat", flat_photo()), ("photo-like", textured),
              ("photo-like, header forged to 300×400", _forged(textured, 300, 400))]
    rows = []
    for name, data in photos:
        check = check_photo(data)
        whole = _ms(lambda d=data: check_photo(d), args.repeat)
        decode = _ms(lambda d=data: decodes_cleanly(d), args.repeat)
        walk = _ms(lambda d=data: fill_mismatch(d), args.repeat)
        rows.append([name, f"{len(data) / 1024:.1f} KB",
                     "refused" if check.violations else "accepted",
                     "clean" if decodes_cleanly(data) else "warns: walked",
                     f"{whole:.2f} ms", f"{decode:.2f} ms", f"{walk:.2f} ms",
                     f"{walk / whole:.1f}×"])
    print(table("The photo check (REG-4), one photo at a time",
                ["photo", "size", "REG-4", "decoder", "check", "decode", "walk", "walk ÷ check"],
                rows))


if __name__ == "__main__":
    main()
