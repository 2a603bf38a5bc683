"""Office allocation of a launch round by rank, capacity, priority and the veteran share.

Rules: LAUNCH-1 (rank, city priority, relocation) and VET-2 (the veteran share). Pure: no I/O,
no clock, no randomness; the same input, in any order, gives the same Allocation.

Algorithm of :func:`allocate`:

0. Checks: ``veteran_share`` in [0, 1]; candidate keys unique; (province, city) pairs unique.
1. Rank (LAUNCH-1): every candidate is sorted by :func:`rank_key`: total standardized score
   descending, interview score descending, earlier ``registered_at``, then ``key`` ascending,
   so no two candidates tie.
2. Seats per city (VET-2): ``R = reserved_seats(capacity, share)`` (share × capacity, half up);
   reserved left = max(0, R − taken_reserved); open left = max(0, capacity − R − taken_open).
3. First pass, cities in order (priority, province, city); for each, the candidates who chose
   it, in rank order: (a) the first ``open`` of them take open seats, veteran or not
   (``reserved=False``); (b) the remaining veterans, by rank, take reserved seats; (c) reserved
   seats still empty go to the remaining free-quota candidates by rank (``reserved=True``: the
   seat is released but still counts against the reserved share, so the next round's
   ``taken_reserved`` stays right). Whoever is left joins the overflow. A candidate whose city
   is not among ``cities`` is overflow from the start.
4. Relocation (LAUNCH-1), only when ``relocate``: the overflow moves to another city, the
   same VET-2 order holding in the city it is moved to as in a chosen city (open seats by rank
   from everyone moved, then reserved seats to the moved veterans, then what is left of them
   to the moved free-quota candidates). Each candidate looks (a) at the other cities of the
   chosen province in city order (relocation ``"province"``), then (b) at the neighbours
   listed by the chosen city (cities of other provinces; unknown ones ignored) in city order
   (``"neighbour"``). Two passes over the overflow in global rank order:
   (i) a veteran takes the first of those cities with any seat left, its open seat if it has
   one (as a high-ranking veteran does in a chosen city), else a reserved one; a free-quota
   candidate takes the first of those cities with an open seat left;
   (ii) the free-quota candidates still without a seat take the first city with a reserved
   seat left (``reserved=True``: released, still counted against the share). So a moved free
   candidate never takes a reserved seat a moved veteran of lower rank could still have had.
5. Everyone still without a seat is ``waiting``, in rank order, for the next round.
   ``placements`` are in rank order too.

Each province keeps its cities in city order with a cursor per kind of search past the cities
that have nothing left of that kind (seats only ever decrease), so relocation costs amortised
O(1) per candidate plus its neighbour list.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field

CityId = tuple[str, str]


class CitySeats(BaseModel):
    """One city's capacity and priority in a cycle (LAUNCH-1); lower ``priority`` goes first."""

    province: str
    city: str
    capacity: int = Field(ge=0)
    priority: int
    #: (province, city) of neighbouring cities in OTHER provinces (LAUNCH-1).
    neighbours: list[tuple[str, str]] = []
    #: Seats already given in earlier rounds, open and counted against the VET-2 share.
    taken_open: int = Field(default=0, ge=0)
    taken_reserved: int = Field(default=0, ge=0)


class LaunchCandidate(BaseModel):
    """An accepted candidate waiting for an office (LAUNCH-1), quota fixed at registration."""

    key: str
    province: str
    city: str
    veteran: bool
    total: Decimal
    interview: Decimal
    registered_at: datetime


class Placement(BaseModel):
    """A seat given: ``reserved`` means it counts against the VET-2 share."""

    key: str
    province: str
    city: str
    reserved: bool
    relocation: Literal["none", "province", "neighbour"]


class Allocation(BaseModel):
    """Result of one launch round: placements and waiting keys, both in rank order."""

    placements: list[Placement]
    waiting: list[str]


def reserved_seats(capacity: int, share: Decimal) -> int:
    """VET-2: seats of a city reserved for veterans, share × capacity rounded half up."""
    return int((share * capacity).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rank_key(c: LaunchCandidate) -> tuple[Decimal, Decimal, datetime, str]:
    """LAUNCH-1 rank: total desc, interview desc, earlier registration, then key (determinism)."""
    return (-c.total, -c.interview, c.registered_at, c.key)


def _city_order(s: CitySeats) -> tuple[int, str, str]:
    return (s.priority, s.province, s.city)


#: What a relocation pass looks for: an open seat, a reserved seat, or either.
_Want = Literal["open", "reserved", "any"]


class _Seats:
    """Seats still free in one city during a round (VET-2 split)."""

    __slots__ = ("open", "reserved", "seats")

    def __init__(self, seats: CitySeats, share: Decimal) -> None:
        r = reserved_seats(seats.capacity, share)
        self.seats = seats
        self.reserved = max(0, r - seats.taken_reserved)
        self.open = max(0, seats.capacity - r - seats.taken_open)

    def full(self) -> bool:
        return self.open == 0 and self.reserved == 0

    def has(self, want: _Want) -> bool:
        """Whether a seat of the kind a relocation pass looks for is left here."""
        if want == "open":
            return self.open > 0
        if want == "reserved":
            return self.reserved > 0
        return not self.full()

    def take(self, want: _Want) -> bool:
        """Take one seat of the kind `want` (``any``: open first); whether it was reserved.

        VET-2: the passes of `allocate` decide who may look for a reserved seat (a veteran at
        once, a free-quota candidate only in the last pass).
        """
        if want != "reserved" and self.open:
            self.open -= 1
            return False
        self.reserved -= 1
        return True


def allocate(
    candidates: list[LaunchCandidate],
    cities: list[CitySeats],
    *,
    veteran_share: Decimal,
    relocate: bool = True,
) -> Allocation:
    """Place candidates in offices by LAUNCH-1 and VET-2; see the module docstring for the steps.

    Raises ValueError on a share outside [0, 1], a repeated candidate key or a repeated city.
    """
    if not Decimal(0) <= veteran_share <= Decimal(1):
        raise ValueError(f"VET-2: veteran share {veteran_share} is outside 0..1.")
    if len({c.key for c in candidates}) != len(candidates):
        raise ValueError("LAUNCH-1: candidate keys must be unique.")
    ordered_cities = sorted(cities, key=_city_order)
    seats: dict[CityId, _Seats] = {}
    by_province: dict[str, list[_Seats]] = defaultdict(list)
    for s in ordered_cities:
        cid = (s.province, s.city)
        if cid in seats:
            raise ValueError(f"LAUNCH-1: city {s.province}/{s.city} is listed twice.")
        seats[cid] = _Seats(s, veteran_share)
        by_province[s.province].append(seats[cid])

    ranked = sorted(candidates, key=rank_key)
    position = {c.key: i for i, c in enumerate(ranked)}
    chosen: dict[CityId, list[LaunchCandidate]] = defaultdict(list)
    for c in ranked:
        chosen[(c.province, c.city)].append(c)

    placed: list[Placement] = []
    overflow: list[LaunchCandidate] = [c for c in ranked if (c.province, c.city) not in seats]
    for s in ordered_cities:
        placed_here, left = _first_pass(chosen.get((s.province, s.city), []),
                                        seats[(s.province, s.city)])
        placed.extend(placed_here)
        overflow.extend(left)
    overflow.sort(key=lambda c: position[c.key])

    if not relocate:
        placed.sort(key=lambda p: position[p.key])
        return Allocation(placements=placed, waiting=[c.key for c in overflow])
    # VET-2 in the cities moved to: veterans look for any seat and free-quota candidates for
    # open ones first; then the free-quota candidates left take the reserved seats left.
    cursors: dict[tuple[str, _Want], int] = defaultdict(int)
    later: list[LaunchCandidate] = []
    for c in overflow:
        p = _relocate(c, "any" if c.veteran else "open", seats, by_province, cursors)
        if p is not None:
            placed.append(p)
        elif not c.veteran:
            later.append(c)
    for c in later:
        p = _relocate(c, "reserved", seats, by_province, cursors)
        if p is not None:
            placed.append(p)
    given = {p.key for p in placed}
    placed.sort(key=lambda p: position[p.key])
    return Allocation(placements=placed, waiting=[c.key for c in overflow if c.key not in given])


def _first_pass(
    ranked: list[LaunchCandidate], here: _Seats
) -> tuple[list[Placement], list[LaunchCandidate]]:
    """VET-2 in the chosen city: open by rank, reserved to veterans, then released to the free."""
    def seat(c: LaunchCandidate, reserved: bool) -> Placement:
        return Placement(key=c.key, province=c.province, city=c.city, reserved=reserved,
                         relocation="none")

    n_open = min(here.open, len(ranked))
    out = [seat(c, False) for c in ranked[:n_open]]
    here.open -= n_open
    rest = ranked[n_open:]
    veterans = [c for c in rest if c.veteran][: here.reserved]
    free = [c for c in rest if not c.veteran][: here.reserved - len(veterans)]
    here.reserved -= len(veterans) + len(free)
    out += [seat(c, True) for c in veterans + free]
    given = {c.key for c in veterans + free}
    return out, [c for c in rest if c.key not in given]


def _relocate(
    c: LaunchCandidate,
    want: _Want,
    seats: dict[CityId, _Seats],
    by_province: dict[str, list[_Seats]],
    cursors: dict[tuple[str, _Want], int],
) -> Placement | None:
    """LAUNCH-1 relocation: a seat of the kind `want` (VET-2, see `allocate`'s passes).

    In the first city of the same province that has one, else in the first listed neighbour
    that has one; None when none has.
    """
    own = by_province.get(c.province, [])
    i = cursors[c.province, want]
    while i < len(own) and not own[i].has(want):
        i += 1
    cursors[c.province, want] = i
    # The chosen city is full (its overflow is why we are here), so it is never own[i].
    target: _Seats | None = own[i] if i < len(own) else None
    relocation: Literal["province", "neighbour"] = "province"
    if target is None:
        home = seats.get((c.province, c.city))
        near = [seats[n] for n in (home.seats.neighbours if home else []) if n in seats]
        free = [s for s in near if s.seats.province != c.province and s.has(want)]
        if free:
            target, relocation = min(free, key=lambda s: _city_order(s.seats)), "neighbour"
    if target is None:
        return None
    reserved = target.take(want)
    return Placement(key=c.key, province=target.seats.province, city=target.seats.city,
                     reserved=reserved, relocation=relocation)
