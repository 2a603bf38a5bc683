"""Exam seats (EXAM-5): one seat each, in a venue of the candidate's province, never over."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from daftar.domain.places import PROVINCES, find_province
from daftar.domain.seating import (
    ExamCandidate,
    SeatAssignment,
    SeatingPlan,
    Venue,
    VenueLoad,
    assign_seats,
    reseating_violation,
    seats_fixed,
)

TEHRAN, ALBORZ, ILAM = "23", "30", "16"


def cand(n: int, province: str = TEHRAN) -> ExamCandidate:
    """Candidate n: tracking codes are 20 digits (REG-3), so string order is number order."""
    return ExamCandidate(application_id=f"app-{n:04d}", tracking_code=f"{n:020d}",
                         province=province)


def check_invariants(plan: SeatingPlan, venues: list[Venue],
                     candidates: list[ExamCandidate]) -> None:
    """What every plan holds, whatever its input."""
    venue = {v.id: v for v in venues}
    person = {c.application_id: c for c in candidates}
    seated = [a.application_id for a in plan.assignments]
    assert len(seated) == len(set(seated))
    assert set(seated).isdisjoint(plan.unseated)
    assert set(seated) | set(plan.unseated) == set(person)
    per_venue: dict[str, list[int]] = defaultdict(list)
    for a in plan.assignments:
        assert venue[a.venue_id].province == person[a.application_id].province == a.province
        assert a.tracking_code == person[a.application_id].tracking_code
        per_venue[a.venue_id].append(a.seat)
    for load in plan.venues:
        numbers = per_venue.get(load.venue_id, [])
        assert load.assigned == len(numbers) <= load.seats == venue[load.venue_id].seats
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert load.free == load.seats - load.assigned
    assert [v.venue_id for v in plan.venues] == [
        v.id for v in sorted(venues, key=lambda v: (v.province, v.name, v.id))]
    assert plan.ok == (not plan.problems)
    assert all(p.rule == "EXAM-5" for p in plan.problems)


# --- the assignment -----------------------------------------------------------------------------


def test_venues_fill_in_name_order_and_candidates_in_tracking_code_order() -> None:
    venues = [Venue("v-b", "Sharif", TEHRAN, 2), Venue("v-a", "Amirkabir", TEHRAN, 2),
              Venue("v-k", "Karaj 1", ALBORZ, 5)]
    people = [cand(5), cand(1), cand(3), cand(2), cand(4, ALBORZ)]
    plan = assign_seats(venues, people)
    assert plan.ok and plan.problems == () and plan.unseated == ()
    assert plan.assignments == (
        SeatAssignment("app-0001", f"{1:020d}", TEHRAN, "v-a", 1),
        SeatAssignment("app-0002", f"{2:020d}", TEHRAN, "v-a", 2),
        SeatAssignment("app-0003", f"{3:020d}", TEHRAN, "v-b", 1),
        SeatAssignment("app-0005", f"{5:020d}", TEHRAN, "v-b", 2),
        SeatAssignment("app-0004", f"{4:020d}", ALBORZ, "v-k", 1),
    )
    assert plan.venues == (
        VenueLoad("v-a", "Amirkabir", TEHRAN, 2, 2),
        VenueLoad("v-b", "Sharif", TEHRAN, 2, 2),
        VenueLoad("v-k", "Karaj 1", ALBORZ, 5, 1),
    )
    assert plan.venues[2].free == 4
    check_invariants(plan, venues, people)


def test_seats_are_taken_venue_after_venue_leaving_the_last_ones_free() -> None:
    venues = [Venue("1", "A", TEHRAN, 3), Venue("2", "B", TEHRAN, 3), Venue("3", "C", TEHRAN, 3)]
    people = [cand(n) for n in range(4)]
    plan = assign_seats(venues, people)
    assert [(v.venue_id, v.assigned) for v in plan.venues] == [("1", 3), ("2", 1), ("3", 0)]
    check_invariants(plan, venues, people)


def test_venues_with_the_same_name_are_ordered_by_id() -> None:
    venues = [Venue("v2", "Hall", TEHRAN, 1), Venue("v1", "Hall", TEHRAN, 1)]
    plan = assign_seats(venues, [cand(2), cand(1)])
    assert [(a.application_id, a.venue_id) for a in plan.assignments] == [
        ("app-0001", "v1"), ("app-0002", "v2")]


def test_exactly_full_is_fine_and_a_zero_seat_venue_takes_nobody() -> None:
    venues = [Venue("a", "A", TEHRAN, 0), Venue("b", "B", TEHRAN, 2)]
    people = [cand(1), cand(2)]
    plan = assign_seats(venues, people)
    assert plan.ok
    assert [(v.venue_id, v.assigned, v.free) for v in plan.venues] == [("a", 0, 0), ("b", 2, 0)]
    check_invariants(plan, venues, people)


def test_nothing_to_seat() -> None:
    assert assign_seats([], []) == SeatingPlan((), (), (), ())
    plan = assign_seats([Venue("a", "A", ILAM, 10)], [])
    assert plan.ok and plan.venues == (VenueLoad("a", "A", ILAM, 10, 0),)


def test_by_application() -> None:
    plan = assign_seats([Venue("a", "A", TEHRAN, 2)], [cand(1), cand(2)])
    seats = plan.by_application()
    assert seats["app-0002"].seat == 2 and seats["app-0002"].venue_id == "a"


def test_codes_come_from_find_province() -> None:
    """The applicant's province is text (REG-7); its code is what seating takes."""
    tehran = find_province("تهران")
    assert tehran is not None
    plan = assign_seats([Venue("a", "A", tehran.code, 1)],
                        [ExamCandidate("x", "1".zfill(20), tehran.code)])
    assert plan.ok and plan.assignments[0].venue_id == "a"


# --- determinism and the invariants, on random inputs ----------------------------------------


def random_case(seed: int) -> tuple[list[Venue], list[ExamCandidate]]:
    rnd = random.Random(seed)
    provinces = rnd.sample([p.code for p in PROVINCES], 8)
    venues = [Venue(f"v{i}", rnd.choice(["Hall", "School", "University"]), rnd.choice(provinces),
                    rnd.randint(0, 40)) for i in range(20)]
    people = [ExamCandidate(f"app-{i}", f"{rnd.getrandbits(60):020d}", rnd.choice(provinces))
              for i in range(rnd.randint(0, 300))]
    return venues, people


@pytest.mark.parametrize("seed", range(25))
def test_the_same_input_in_any_order_gives_the_same_plan(seed: int) -> None:
    venues, people = random_case(seed)
    plan = assign_seats(venues, people)
    check_invariants(plan, venues, people)
    rnd = random.Random(seed + 1000)
    for _ in range(3):
        v2, p2 = venues[:], people[:]
        rnd.shuffle(v2)
        rnd.shuffle(p2)
        assert assign_seats(iter(v2), iter(p2)) == plan


@pytest.mark.parametrize("seed", range(25))
def test_a_candidate_is_never_seated_outside_their_province(seed: int) -> None:
    venues, people = random_case(seed)
    province_of_venue = {v.id: v.province for v in venues}
    province_of = {c.application_id: c.province for c in people}
    plan = assign_seats(venues, people)
    for a in plan.assignments:
        assert province_of_venue[a.venue_id] == province_of[a.application_id]


@pytest.mark.parametrize("seed", range(25))
def test_no_venue_is_over_its_seats_and_seats_are_contiguous(seed: int) -> None:
    venues, people = random_case(seed)
    plan = assign_seats(venues, people)
    seats = {v.id: v.seats for v in venues}
    used = Counter(a.venue_id for a in plan.assignments)
    assert all(used[v] <= seats[v] for v in used)
    by_venue: dict[str, list[int]] = defaultdict(list)
    for a in plan.assignments:
        by_venue[a.venue_id].append(a.seat)
    for numbers in by_venue.values():
        assert numbers == list(range(1, len(numbers) + 1))


# --- problems: overfull, no venue, unknown codes, venues outside the centre ------------------


def test_an_overfull_province_is_named_with_the_numbers_and_nobody_there_is_seated() -> None:
    venues = [Venue("a", "A", TEHRAN, 2), Venue("b", "B", TEHRAN, 1), Venue("k", "K", ALBORZ, 9)]
    people = [cand(n) for n in range(1, 6)] + [cand(9, ALBORZ)]
    plan = assign_seats(venues, people)
    assert not plan.ok
    [problem] = plan.problems
    assert problem.rule == "EXAM-5" and problem.field == "venues"
    assert problem.message == ("تهران (Tehran, 23) has 5 candidates for 3 seats in 2 venue(s); "
                               "2 more seats are needed in تهران (Tehran).")
    assert plan.unseated == tuple(f"app-{n:04d}" for n in range(1, 6))
    # Other provinces are still seated.
    assert [a.application_id for a in plan.assignments] == ["app-0009"]
    assert [(v.venue_id, v.assigned) for v in plan.venues] == [("a", 0), ("b", 0), ("k", 1)]
    check_invariants(plan, venues, people)


def test_a_province_with_candidates_and_no_venue_is_named() -> None:
    venues = [Venue("a", "A", TEHRAN, 10)]
    people = [cand(1), cand(2, ILAM), cand(3, ILAM), cand(4, "17")]
    plan = assign_seats(venues, people)
    assert [(p.rule, p.field) for p in plan.problems] == [("EXAM-5", "venues")] * 2
    ilam, kohgiluyeh = plan.problems
    assert ilam.message == ("ایلام (Ilam, 16) has 2 candidate(s) and no exam venue; add a venue "
                            "in ایلام (Ilam) with at least 2 seats.")
    assert kohgiluyeh.message.startswith("کهگیلویه و بویراحمد (Kohgiluyeh and Boyer-Ahmad, 17) "
                                         "has 1 candidate(s) and no exam venue")
    assert "یاسوج (Yasuj)" in kohgiluyeh.message
    assert plan.unseated == ("app-0002", "app-0003", "app-0004")
    assert [a.application_id for a in plan.assignments] == ["app-0001"]
    check_invariants(plan, venues, people)


def test_a_province_whose_venues_have_no_seats_is_overfull() -> None:
    plan = assign_seats([Venue("a", "A", ILAM, 0)], [cand(1, ILAM)])
    [problem] = plan.problems
    assert "has 1 candidates for 0 seats in 1 venue(s); 1 more seats" in problem.message


def test_problems_come_in_province_code_order() -> None:
    people = [cand(1, "30"), cand(2, "03"), cand(3, "16")]
    plan = assign_seats([], people)
    assert [p.message.split(" (")[1].split(",")[0] for p in plan.problems] == [
        "East Azerbaijan", "Ilam", "Alborz"]


def test_a_candidate_with_an_unknown_province_code_is_a_problem() -> None:
    people = [cand(1, "Tehran"), cand(2, "Tehran"), cand(3)]
    venues = [Venue("a", "A", TEHRAN, 5)]
    plan = assign_seats(venues, people)
    [problem] = plan.problems
    assert problem.field == "candidates"
    assert problem.message.startswith("2 candidate(s) have province code 'Tehran', which is no "
                                      "province")
    assert plan.unseated == ("app-0001", "app-0002")
    check_invariants(plan, venues, people)


def test_a_venue_with_an_unknown_province_code_is_a_problem() -> None:
    venues = [Venue("x", "X", "31", 5), Venue("a", "A", TEHRAN, 5)]
    plan = assign_seats(venues, [cand(1)])
    [problem] = plan.problems
    assert problem.message.startswith("Venue X (x) has province code '31', which is no province")
    assert plan.venues[0] == VenueLoad("a", "A", TEHRAN, 5, 1)
    assert plan.venues[1] == VenueLoad("x", "X", "31", 5, 0)


def test_a_venue_outside_its_province_centre_is_a_problem_and_takes_nobody() -> None:
    venues = [Venue("m", "Maragheh hall", "03", 50, city="مراغه"),
              Venue("t", "Tabriz hall", "03", 1, city="تبريز")]
    people = [cand(1, "03"), cand(2, "03")]
    plan = assign_seats(venues, people)
    assert [p.message for p in plan.problems] == [
        "Venue Maragheh hall (m) is in مراغه, not in تبریز (Tabriz), the centre of "
        "آذربایجان شرقی (East Azerbaijan, 03): the exam is held in province centres only.",
        "آذربایجان شرقی (East Azerbaijan, 03) has 2 candidates for 1 seats in 1 venue(s); "
        "1 more seats are needed in تبریز (Tabriz).",
    ]
    assert plan.assignments == ()
    check_invariants(plan, venues, people)


def test_a_venue_in_the_centre_in_any_spelling_is_fine() -> None:
    venues = [Venue("t", "Tabriz hall", "03", 1, city="Tabriz"),
              Venue("k", "Karaj hall", ALBORZ, 1, city="كرج"),
              Venue("b", "Hall", "22", 1, city="Bandar-e Abbas")]
    plan = assign_seats(venues, [cand(1, "03"), cand(2, ALBORZ), cand(3, "22")])
    assert plan.ok and len(plan.assignments) == 3


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(("venues", "people", "message"), [
    ([Venue("a", "A", TEHRAN, 1), Venue("a", "B", TEHRAN, 1)], [],
     "EXAM-5: venue id 'a' is listed more than once."),
    ([Venue("a", "A", TEHRAN, -1)], [], "EXAM-5: venue 'a' has -1 seats"),
    ([], [cand(1), cand(1, ALBORZ)], "EXAM-5: application id 'app-0001' is listed more"),
    ([], [cand(1), ExamCandidate("other", f"{1:020d}", TEHRAN)],
     "REG-3: tracking code '00000000000000000001' is listed more than once."),
])
def test_repeated_ids_and_negative_seats_are_refused(
    venues: list[Venue], people: list[ExamCandidate], message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        assign_seats(venues, people)


# --- size -----------------------------------------------------------------------------------


def test_a_hundred_thousand_candidates_are_seated_quickly() -> None:
    rnd = random.Random(7)
    people = [ExamCandidate(f"{i:016x}", f"{rnd.getrandbits(60):020d}",
                            rnd.choice(PROVINCES).code) for i in range(100_000)]
    venues = [Venue(f"{p.code}-{k}", f"Hall {k}", p.code, 2_000)
              for p in PROVINCES for k in range(3)]
    started = time.perf_counter()
    plan = assign_seats(venues, people)
    elapsed = time.perf_counter() - started
    assert plan.ok and len(plan.assignments) == 100_000
    assert elapsed < 5, elapsed
    check_invariants(plan, venues, people)


# --- EXAM-5: seats are fixed from the card date ----------------------------------------------

# 1401/09/22 is 2022-12-13; 00:00 Tehran (UTC+03:30) is 2022-12-12 20:30 UTC.
CARDS_FROM = datetime(2022, 12, 12, 20, 30, tzinfo=UTC)


def test_seats_are_fixed_from_the_card_date_in_tehran_time() -> None:
    assert not seats_fixed(CARDS_FROM - timedelta(microseconds=1), "1401/09/22")
    assert seats_fixed(CARDS_FROM, "1401/09/22")
    assert seats_fixed(CARDS_FROM, "۱۴۰۱/۰۹/۲۲")
    assert seats_fixed(CARDS_FROM + timedelta(days=30), "1401/09/22")


def test_reseating_is_refused_once_seats_are_fixed() -> None:
    assert reseating_violation(CARDS_FROM - timedelta(seconds=1), "1401/09/22") is None
    violation = reseating_violation(CARDS_FROM, "1401/9/22")
    assert violation is not None and violation.rule == "EXAM-5"
    assert "1401/09/22" in violation.message


def test_the_card_date_check_needs_an_aware_instant_and_a_real_date() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seats_fixed(datetime(2022, 12, 13), "1401/09/22")
    with pytest.raises(ValueError, match="does not exist"):
        seats_fixed(CARDS_FROM, "1401/12/30")
