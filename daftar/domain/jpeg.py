"""Whether a JPEG's image data fills exactly the size its header claims (REG-4).

A decoder given too little data for the size in the frame header (SOF) does not fail: it warns
and paints the missing blocks, so a 250×350 photo whose header was edited to say 300×400 opens
as a 300×400 image. Counting the coded blocks catches it: each scan holds one coded unit per
8×8 block (or per MCU, when its components are interleaved) of the size the header claims,
and ends where its units end. This walks the Huffman-coded units without computing pixels.

Baseline and extended sequential JPEGs are checked scan by scan; progressive ones by their
first DC scans, which code every block once. Arithmetic coding, lossless and hierarchical
JPEGs are not walked (`UNSUPPORTED`): cameras and phones do not produce them.

The walk is exact but runs in Python: tens of milliseconds for a 40 KB photo. `decodes_cleanly`
asks libjpeg-turbo first, in C, in about a millisecond: a decoder that neither ran out of data
before the header's size was filled nor found coded data left over warns, and a decode with no
warning at all leaves nothing for the walk to find. Only a file it warns about (a forged header,
a damaged file, or a harmless quirk of some encoder) is walked, and the walk's verdict stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simplejpeg

UNSUPPORTED = "unsupported"
_SEQUENTIAL = (0xC0, 0xC1)
_PROGRESSIVE = 0xC2
_OTHER_FRAMES = frozenset((0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF))
_LOOKUP_BITS = 9


class _Malformed(ValueError):
    """The file is not a JPEG this module can walk."""


class _Short(Exception):
    """A scan's data ended before its last unit."""


@dataclass
class _Huffman:
    """A Huffman table (DHT): a lookup of the first 9 bits, and canonical limits beyond."""

    lookup: list[tuple[int, int] | None]
    maxcode: list[int]
    offset: list[int]
    values: bytes

    @classmethod
    def parse(cls, counts: bytes, values: bytes) -> _Huffman:
        lookup: list[tuple[int, int] | None] = [None] * (1 << _LOOKUP_BITS)
        maxcode, offset = [-1] * 17, [0] * 17
        code = index = 0
        for length in range(1, 17):
            n = counts[length - 1]
            if n:
                offset[length] = index - code
                for i in range(n):
                    if length <= _LOOKUP_BITS:
                        shift = _LOOKUP_BITS - length
                        start = (code + i) << shift
                        for peek in range(start, start + (1 << shift)):
                            lookup[peek] = (length, values[index + i])
                code += n
                index += n
                maxcode[length] = code - 1
            code <<= 1
        return cls(lookup, maxcode, offset, values)


@dataclass
class _Component:
    ident: int
    h: int
    v: int
    dc: int = 0
    ac: int = 0


@dataclass
class _Frame:
    progressive: bool
    width: int
    height: int
    components: dict[int, _Component] = field(default_factory=dict)


class _Bits:
    """The entropy-coded bytes of a scan as bits.

    Stuffed 0xFF00 is read as 0xFF; reading stops at the first marker.
    """

    def __init__(self, data: bytes, pos: int) -> None:
        self.data, self.pos = data, pos
        self.acc = self.n = 0
        self.at_marker = False

    def _fill(self) -> None:
        data, end = self.data, len(self.data)
        while self.n <= 24 and not self.at_marker:
            if self.pos >= end:
                self.at_marker = True
                break
            byte = data[self.pos]
            if byte == 0xFF:
                if self.pos + 1 < end and data[self.pos + 1] == 0x00:
                    self.pos += 2
                else:
                    self.at_marker = True
                    break
            else:
                self.pos += 1
            self.acc = ((self.acc << 8) | byte) & 0xFFFFFFFFFF
            self.n += 8

    def bits(self, k: int) -> int:
        if self.n < k:
            self._fill()
            if self.n < k:
                raise _Short
        self.n -= k
        return (self.acc >> self.n) & ((1 << k) - 1)

    def symbol(self, table: _Huffman) -> int:
        if self.n < 16:
            self._fill()
        n = self.n
        if n >= _LOOKUP_BITS:
            peek = (self.acc >> (n - _LOOKUP_BITS)) & ((1 << _LOOKUP_BITS) - 1)
        else:  # near the end: pad with 1-bits, which no complete code is made of
            peek = ((self.acc << (_LOOKUP_BITS - n)) | ((1 << (_LOOKUP_BITS - n)) - 1)) \
                & ((1 << _LOOKUP_BITS) - 1)
        hit = table.lookup[peek]
        if hit is not None and hit[0] <= n:
            self.n -= hit[0]
            return hit[1]
        for length in range(_LOOKUP_BITS + 1, 17):
            if length > n:
                raise _Short
            code = (self.acc >> (n - length)) & ((1 << length) - 1)
            if code <= table.maxcode[length]:
                self.n -= length
                return table.values[table.offset[length] + code]
        if n < 16:
            raise _Short
        raise _Malformed("a code no Huffman table holds")

    def align(self) -> bool:
        """Drop the padding of the last byte (1-bits, F.1.2.3).

        Returns:
            True when nothing coded is left before the next marker: padding that is not all
            1-bits is coded data too.
        """
        pad = self.n % 8
        ones = (1 << pad) - 1
        if (self.acc >> (self.n - pad)) & ones != ones:
            return False
        self.n -= pad
        if self.n == 0:
            self._fill()
        return self.n == 0

    def _marker_at(self) -> tuple[int | None, int]:
        """The marker the data stopped at and the position of its 0xFF (fill bytes skipped)."""
        data, pos = self.data, self.pos
        while pos + 1 < len(data) and data[pos + 1] == 0xFF:
            pos += 1
        return (data[pos + 1] if pos + 1 < len(data) else None), pos

    def restart_next(self) -> bool:
        """Whether a restart marker comes next: more units follow it."""
        marker = self._marker_at()[0] if self.at_marker else None
        return marker is not None and 0xD0 <= marker <= 0xD7

    def restart(self, expected: int) -> bool:
        """Step over the restart marker RSTn that must come next."""
        if not self.at_marker:
            return False
        marker, pos = self._marker_at()
        if marker != 0xD0 + expected:
            return False
        self.pos, self.at_marker, self.acc, self.n = pos + 2, False, 0, 0
        return True


def _u16(data: bytes, pos: int) -> int:
    if pos + 2 > len(data):
        raise _Malformed("truncated segment")
    return (data[pos] << 8) | data[pos + 1]


def _frame(marker: int, segment: bytes) -> _Frame:
    if len(segment) < 6:
        raise _Malformed("short frame header")
    height, width, count = _u16(segment, 1), _u16(segment, 3), segment[5]
    if not (width and height and count) or len(segment) < 6 + 3 * count:
        raise _Malformed("frame header without size or components")
    frame = _Frame(progressive=marker == _PROGRESSIVE, width=width, height=height)
    for i in range(count):
        ident, sampling = segment[6 + 3 * i], segment[7 + 3 * i]
        h, v = sampling >> 4, sampling & 15
        if not (1 <= h <= 4 and 1 <= v <= 4):
            raise _Malformed("sampling factors out of range")
        frame.components[ident] = _Component(ident, h, v)
    return frame


def _tables(segment: bytes, tables: dict[tuple[int, int], _Huffman]) -> None:
    pos = 0
    while pos < len(segment):
        if pos + 17 > len(segment):
            raise _Malformed("short Huffman table")
        kind, ident = segment[pos] >> 4, segment[pos] & 15
        counts = segment[pos + 1:pos + 17]
        total = sum(counts)
        values = segment[pos + 17:pos + 17 + total]
        if len(values) != total:
            raise _Malformed("short Huffman table")
        tables[(kind, ident)] = _Huffman.parse(counts, values)
        pos += 17 + total


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def _scan(data: bytes, pos: int, segment: bytes, frame: _Frame,
          tables: dict[tuple[int, int], _Huffman], interval: int) -> tuple[int, str | None]:
    """Walk one scan from `pos`; (where its data ends, a mismatch or None)."""
    count = segment[0] if segment else 0
    if not count or len(segment) < 1 + 2 * count + 3:
        raise _Malformed("short scan header")
    comps = []
    for i in range(count):
        comp = frame.components.get(segment[1 + 2 * i])
        if comp is None:
            raise _Malformed("a scan of an unknown component")
        comp.dc, comp.ac = segment[2 + 2 * i] >> 4, segment[2 + 2 * i] & 15
        comps.append(comp)
    start, _end, approx = segment[1 + 2 * count], segment[2 + 2 * count], segment[3 + 2 * count]
    walked = not frame.progressive or (start == 0 and approx >> 4 == 0)
    if not walked:
        return _skip(data, pos), None
    hmax = max(c.h for c in frame.components.values())
    vmax = max(c.v for c in frame.components.values())
    if count > 1:
        units = _ceil(frame.width, 8 * hmax) * _ceil(frame.height, 8 * vmax)
        blocks = [(c, c.h * c.v) for c in comps]
    else:
        c = comps[0]
        units = (_ceil(_ceil(frame.width * c.h, hmax), 8)
                 * _ceil(_ceil(frame.height * c.v, vmax), 8))
        blocks = [(c, 1)]
    try:
        dc = {c.ident: tables[(0, c.dc)] for c in comps}
        ac = {} if frame.progressive else {c.ident: tables[(1, c.ac)] for c in comps}
    except KeyError:
        raise _Malformed("a scan names a Huffman table that is not defined") from None
    bits = _Bits(data, pos)
    for unit in range(units):
        if interval and unit and unit % interval == 0:
            if not bits.align():
                return bits.pos, "more"
            if not bits.restart((unit // interval - 1) % 8):
                return bits.pos, "less"
        try:
            for comp, n in blocks:
                for _ in range(n):
                    _block(bits, dc[comp.ident], ac.get(comp.ident))
        except _Short:
            return bits.pos, "less"
    if not bits.align() or bits.restart_next():
        return bits.pos, "more"
    return bits.pos, None


def _block(bits: _Bits, dc: _Huffman, ac: _Huffman | None) -> None:
    """One 8×8 block's codes: its DC difference, then (sequential scans) its AC run."""
    size = bits.symbol(dc)
    if size > 16:
        raise _Malformed("a DC difference longer than 16 bits")
    if size:
        bits.bits(size)
    if ac is None:
        return
    k = 1
    while k < 64:
        rs = bits.symbol(ac)
        run, size = rs >> 4, rs & 15
        if size:
            k += run
            bits.bits(size)
            k += 1
        elif run == 15:
            k += 16
        else:
            break


def _skip(data: bytes, pos: int) -> int:
    """The position of the marker that ends a scan not walked (restart markers belong to it)."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        nxt = data[pos + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
            pos += 1 if nxt == 0xFF else 2
            continue
        return pos


def decodes_cleanly(data: bytes) -> bool:
    """Whether libjpeg-turbo decodes `data` whole without a single warning.

    True means the coded data fills exactly the size in the header: too little data warns
    "premature end of data segment", data left over "extraneous bytes before marker". False
    says nothing either way (libjpeg also warns of quirks that are no mismatch, and refuses
    codings it cannot convert): ask `fill_mismatch`.
    """
    try:
        simplejpeg.decode_jpeg(data, strict=True)
    except Exception:  # ValueError for a warning or an error; anything else: walk it
        return False
    return True


def fill_mismatch(data: bytes) -> str | None:
    """How the coded data fails to fill the size in the header, if it does.

    Returns:
        None when every scan walked holds exactly the blocks of the size in the header; else
        `"less"` (the data ends before that size is filled), `"more"` (coded data is left
        over), or `UNSUPPORTED` for a coding this module does not walk.

    Raises:
        ValueError: The file is not a well-formed JPEG.
    """
    try:
        return _walk(data)
    except IndexError as err:
        raise _Malformed("truncated segment") from err


def _walk(data: bytes) -> str | None:
    if not data.startswith(b"\xff\xd8"):
        raise _Malformed("no start-of-image marker")
    pos, frame, interval = 2, None, 0
    tables: dict[tuple[int, int], _Huffman] = {}
    while pos < len(data):
        if data[pos] != 0xFF:
            raise _Malformed("bytes between segments")
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        length = _u16(data, pos)
        segment = data[pos + 2:pos + length]
        if length < 2 or len(segment) != length - 2:
            raise _Malformed("truncated segment")
        pos += length
        if marker in _SEQUENTIAL or marker == _PROGRESSIVE:
            frame = _frame(marker, segment)
        elif marker in _OTHER_FRAMES:
            return UNSUPPORTED
        elif marker == 0xC4:
            _tables(segment, tables)
        elif marker == 0xDD:
            interval = _u16(segment, 0)
        elif marker == 0xDA:
            if frame is None:
                raise _Malformed("a scan before the frame header")
            pos, mismatch = _scan(data, pos, segment, frame, tables, interval)
            if mismatch is not None:
                return mismatch
    if frame is None:
        raise _Malformed("no frame header")
    return None
