"""Office allocation (LAUNCH-1, VET-2): expected placements are worked out by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from daftar.domain.allocation import (
    Allocation,
    CitySeats,
    LaunchCandidate,
    Placement,
    allocate,
    rank_key,
    reserved_seats,
)

SHARE = Decimal("0.30")
T0 = datetime(2022, 11, 21, 8, 0, tzinfo=UTC)


def cand(key: str, total: int, *, vet: bool = False, city: str = "A", province: str = "P",
         interview: int = 50, minute: int = 0) -> LaunchCandidate:
    return LaunchCandidate(key=key, province=province, city=city, veteran=vet,
                           total=Decimal(total), interview=Decimal(interview),
                           registered_at=T0 + timedelta(minutes=minute))


def city(name: str, capacity: int, *, province: str = "P", priority: int = 1,
         neighbours: list[tuple[str, str]] | None = None, taken_open: int = 0,
         taken_reserved: int = 0) -> CitySeats:
    return CitySeats(province=province, city=name, capacity=capacity, priority=priority,
                     neighbours=neighbours or [], taken_open=taken_open,
                     taken_reserved=taken_reserved)


def seat(key: str, name: str = "A", *, reserved: bool = False, province: str = "P",
         relocation: str = "none") -> Placement:
    return Placement.model_validate({"key": key, "province": province, "city": name,
                                     "reserved": reserved, "relocation": relocation})


@pytest.mark.parametrize(("capacity", "expected"), [(5, 2), (3, 1), (1, 0), (10, 3), (0, 0)])
def test_reserved_seats_round_half_up(capacity: int, expected: int) -> None:
    # 5×0.30 = 1.5 → 2 (flooring would give 1); 3×0.30 = 0.9 → 1;
    # 1×0.30 = 0.3 → 0; 10×0.30 = 3.0 → 3.
    assert reserved_seats(capacity, SHARE) == expected


def test_reserved_seats_half_up_not_half_even() -> None:
    # 5×0.50 = 2.5 → 3 (banker's rounding would give 2).
    assert reserved_seats(5, Decimal("0.5")) == 3


def test_capacity_exactly_met() -> None:
    # capacity 3: reserved 1, open 2. a, b take open seats; no veteran, so the reserved seat
    # is released to c.
    out = allocate([cand("c", 700), cand("a", 900), cand("b", 800)], [city("A", 3)],
                   veteran_share=SHARE)
    assert out == Allocation(placements=[seat("a"), seat("b"), seat("c", reserved=True)],
                             waiting=[])


def test_high_ranking_veteran_takes_open_seat() -> None:
    # capacity 3: open 2, reserved 1. Open by rank: v1 (900), f1 (800). Remaining f2, v2, f3:
    # the reserved seat goes to v2 although f2 ranks above; f2 and f3 wait.
    cs = [cand("v1", 900, vet=True), cand("f1", 800), cand("f2", 700),
          cand("v2", 600, vet=True), cand("f3", 500)]
    out = allocate(cs, [city("A", 3)], veteran_share=SHARE)
    assert out.placements == [seat("v1"), seat("f1"), seat("v2", reserved=True)]
    assert out.waiting == ["f2", "f3"]


def test_unused_share_released_to_free_by_rank() -> None:
    # capacity 5: open 3, reserved 2. No veterans: a, b, c open; d, e the released reserved
    # seats; f waits.
    cs = [cand(k, 1000 - 10 * i) for i, k in enumerate("fedcba"[::-1])]
    out = allocate(cs, [city("A", 5)], veteran_share=SHARE)
    assert out.placements == [seat("a"), seat("b"), seat("c"),
                              seat("d", reserved=True), seat("e", reserved=True)]
    assert out.waiting == ["f"]


def test_extra_veteran_competes_only_by_rank() -> None:
    # A (capacity 3): open f1, v1; reserved v2. Overflow f2 (750), v3 (700).
    # B (capacity 1: reserved 0, open 1) takes f2, who outranks v3; v3 waits.
    cs = [cand("f1", 950), cand("v1", 900, vet=True), cand("v2", 800, vet=True),
          cand("f2", 750), cand("v3", 700, vet=True)]
    out = allocate(cs, [city("A", 3), city("B", 1, priority=2)], veteran_share=SHARE)
    assert out.placements == [seat("f1"), seat("v1"), seat("v2", reserved=True),
                              seat("f2", "B", relocation="province")]
    assert out.waiting == ["v3"]


def _relocation_map() -> list[CitySeats]:
    # Every city has capacity 1 (reserved 0, open 1). P: A, C (priority 2), B (priority 3).
    # Q: E (priority 0) and D (priority 1) neighbour A; F (priority 0) does not.
    return [city("A", 1, neighbours=[("Q", "D"), ("Q", "E")]),
            city("B", 1, priority=3), city("C", 1, priority=2),
            city("D", 1, province="Q", priority=1), city("E", 1, province="Q", priority=0),
            city("F", 1, province="Q", priority=0)]


def test_relocation_province_then_neighbour() -> None:
    # All chose P/A. a takes A; b → C and c → B (same province, priority order);
    # d → Q/E and e → Q/D (A's neighbours, priority order); f waits (Q/F is no neighbour).
    cs = [cand(k, 900 - 100 * i) for i, k in enumerate("abcdef")]
    out = allocate(cs, _relocation_map(), veteran_share=SHARE)
    assert out.placements == [
        seat("a"), seat("b", "C", relocation="province"), seat("c", "B", relocation="province"),
        seat("d", "E", province="Q", relocation="neighbour"),
        seat("e", "D", province="Q", relocation="neighbour")]
    assert out.waiting == ["f"]


def test_without_relocation_they_wait() -> None:
    cs = [cand(k, 900 - 100 * i) for i, k in enumerate("abcdef")]
    out = allocate(cs, _relocation_map(), veteran_share=SHARE, relocate=False)
    assert out.placements == [seat("a")]
    assert out.waiting == ["b", "c", "d", "e", "f"]


def test_unknown_city_is_overflow_from_the_start() -> None:
    # g chose P/Z, not offered: relocated in its province by rank before b → C; b → B.
    cs = [cand("a", 900), cand("g", 850, city="Z"), cand("b", 800)]
    out = allocate(cs, _relocation_map(), veteran_share=SHARE)
    assert out.placements == [seat("a"), seat("g", "C", relocation="province"),
                              seat("b", "B", relocation="province")]
    assert allocate(cs, _relocation_map(), veteran_share=SHARE,
                    relocate=False).waiting == ["g", "b"]


def test_relocated_veteran_who_ranks_high_takes_an_open_seat() -> None:
    # As in a chosen city (VET-2): open seats by rank from everyone moved, then the reserved
    # seat. A capacity 1 (open 1) → x. B capacity 4: reserved 1, open 3. Moved, by rank: v
    # (veteran), f, v2 (veteran) take B's open seats; f2 gets the reserved seat no moved
    # veteran is left for (released: reserved=True); f3 waits.
    cs = [cand("x", 900), cand("v", 800, vet=True), cand("f", 700), cand("v2", 650, vet=True),
          cand("f2", 600), cand("f3", 550)]
    out = allocate(cs, [city("A", 1), city("B", 4, priority=2)], veteran_share=SHARE)
    assert out.placements == [seat("x"), seat("v", "B", relocation="province"),
                              seat("f", "B", relocation="province"),
                              seat("v2", "B", relocation="province"),
                              seat("f2", "B", reserved=True, relocation="province")]
    assert out.waiting == ["f3"]


def test_moved_veteran_takes_the_last_reserved_seat_before_a_higher_moved_free() -> None:
    # VET-2 in the city moved to. A capacity 1 → x. B capacity 4: reserved 1, open 3, its
    # open seats all given in an earlier round: one reserved seat left. f (free) outranks v
    # (veteran); both are moved: the reserved seat is v's, f waits.
    cs = [cand("x", 900), cand("f", 800), cand("v", 700, vet=True)]
    cities = [city("A", 1), city("B", 4, priority=2, taken_open=3)]
    out = allocate(cs, cities, veteran_share=SHARE)
    assert out.placements == [seat("x"), seat("v", "B", reserved=True, relocation="province")]
    assert out.waiting == ["f"]
    # With no moved veteran, the reserved seat is released to f.
    alone = allocate(cs[:2], cities, veteran_share=SHARE)
    assert alone.placements == [seat("x"), seat("f", "B", reserved=True, relocation="province")]


def test_veteran_moved_from_a_neighbouring_province_before_a_free_candidate_moved_within() -> None:
    # P/A (capacity 1) → x; Q/D (capacity 1) → y. P/B (capacity 4, open seats all taken) has
    # one reserved seat left. f chose P/A and is moved within P; v chose Q/D, whose neighbour is
    # P/B. f outranks v, but the reserved seat of B goes to the moved veteran v.
    cs = [cand("x", 990), cand("y", 980, province="Q", city="D"), cand("f", 800),
          cand("v", 700, vet=True, province="Q", city="D")]
    cities = [city("A", 1), city("B", 4, priority=2, taken_open=3),
              city("D", 1, province="Q", neighbours=[("P", "B")])]
    out = allocate(cs, cities, veteran_share=SHARE)
    assert out.placements == [seat("x"), seat("y", "D", province="Q"),
                              seat("v", "B", reserved=True, relocation="neighbour")]
    assert out.waiting == ["f"]


def test_moved_free_candidate_takes_an_open_seat_further_on_before_a_reserved_one() -> None:
    # A capacity 1 → x. B (priority 2) has only a reserved seat left, C (priority 3) an open
    # one. f, moved, takes C's open seat and leaves B's reserved seat to the moved veteran v.
    cs = [cand("x", 900), cand("f", 800), cand("v", 700, vet=True)]
    cities = [city("A", 1), city("B", 4, priority=2, taken_open=3), city("C", 1, priority=3)]
    out = allocate(cs, cities, veteran_share=SHARE)
    assert out.placements == [seat("x"), seat("f", "C", relocation="province"),
                              seat("v", "B", reserved=True, relocation="province")]
    assert out.waiting == []


def test_ties_broken_by_interview_then_registration() -> None:
    # Share 0, capacity 2. All total 800: y and z interview 70 (z registered earlier), x 60.
    # Rank z, y, x: z and y placed, x waits.
    cs = [cand("x", 800, interview=60, minute=0), cand("y", 800, interview=70, minute=5),
          cand("z", 800, interview=70, minute=1)]
    out = allocate(cs, [city("A", 2)], veteran_share=Decimal(0))
    assert out.placements == [seat("z"), seat("y")]
    assert out.waiting == ["x"]


def test_rank_key_last_resort_is_key() -> None:
    assert sorted([cand("b", 1), cand("a", 1)], key=rank_key)[0].key == "a"
    assert rank_key(cand("a", 2)) < rank_key(cand("b", 1))


def test_second_round_fills_only_what_is_left() -> None:
    # A capacity 10: reserved 3, open 7; round one gave 6 open and 2 reserved → 1 open, 1
    # reserved left. f1 takes the open seat, v1 the reserved one; f2 and f3 wait.
    # B capacity 5 (reserved 2, open 3) is full after round one: its candidate b1 waits.
    cs = [cand("f1", 900), cand("f2", 800), cand("v1", 700, vet=True), cand("f3", 600),
          cand("b1", 950, city="B")]
    cities = [city("A", 10, taken_open=6, taken_reserved=2),
              city("B", 5, priority=2, taken_open=3, taken_reserved=2)]
    out = allocate(cs, cities, veteran_share=SHARE)
    assert out.placements == [seat("f1"), seat("v1", reserved=True)]
    assert out.waiting == ["b1", "f2", "f3"]


def test_over_taken_share_never_negative() -> None:
    # capacity 3: reserved 1, open 2; 3 reserved taken earlier → reserved left 0 (not −2),
    # open 2 left: a and b placed, the veteran v waits.
    cs = [cand("a", 900), cand("b", 800), cand("v", 700, vet=True)]
    out = allocate(cs, [city("A", 3, taken_reserved=3)], veteran_share=SHARE)
    assert [p.key for p in out.placements] == ["a", "b"]
    assert out.waiting == ["v"]


def _scenario(n: int, n_cities: int, seed: int) -> tuple[list[LaunchCandidate], list[CitySeats]]:
    rnd = random.Random(seed)
    cities = [city(f"c{i}", rnd.randint(0, 60), province=f"p{i % 31}", priority=rnd.randint(1, 5),
                   neighbours=[(f"p{(i + 1) % 31}", f"c{(i + 1) % n_cities}")])
              for i in range(n_cities)]
    cs = [cand(f"k{j}", rnd.randint(60, 80), vet=rnd.random() < 0.2, interview=rnd.randint(1, 3),
               city=f"c{(c := rnd.randrange(n_cities + 3))}", province=f"p{c % 31}",
               minute=rnd.randint(0, 3)) for j in range(n)]
    return cs, cities


def test_shuffled_input_gives_same_allocation() -> None:
    cs, cities = _scenario(2000, 60, seed=7)
    first = allocate(cs, cities, veteran_share=SHARE)
    rnd = random.Random(1)
    for _ in range(3):
        rnd.shuffle(cs)
        rnd.shuffle(cities)
        assert allocate(cs, cities, veteran_share=SHARE) == first


def test_large_round_respects_every_capacity() -> None:
    cs, cities = _scenario(20_000, 500, seed=3)
    out = allocate(cs, cities, veteran_share=SHARE)
    assert len(out.placements) + len(out.waiting) == len(cs)
    used: dict[tuple[str, str], list[int]] = {}
    for p in out.placements:
        used.setdefault((p.province, p.city), [0, 0])[p.reserved] += 1
    for c in cities:
        open_used, res_used = used.get((c.province, c.city), [0, 0])
        assert res_used <= reserved_seats(c.capacity, SHARE)
        assert open_used + res_used <= c.capacity
    # Whoever waits found no seat: no city of their chosen province has a seat left.
    waiting = set(out.waiting)
    waiting_provinces = {x.province for x in cs if x.key in waiting}
    assert waiting and all(sum(used.get((c.province, c.city), [0, 0])) == c.capacity
                           for c in cities if c.province in waiting_provinces)


def test_duplicate_keys_and_bad_share_rejected() -> None:
    with pytest.raises(ValueError, match="LAUNCH-1"):
        allocate([cand("a", 1), cand("a", 2)], [city("A", 1)], veteran_share=SHARE)
    with pytest.raises(ValueError, match="VET-2"):
        allocate([], [city("A", 1)], veteran_share=Decimal("1.5"))
