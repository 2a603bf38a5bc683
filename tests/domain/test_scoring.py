"""Written-exam scoring (EXAM-4) and the floating pass mark (EXAM-2).

Every expected value is worked out by hand in the comments, never by the code under test.
"""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from daftar.domain.scoring import (
    AnswerCounts,
    CandidateAnswers,
    ScoringConfig,
    SubjectSpec,
    answer_violations,
    pass_mark_of_totals,
    percent,
    score_cohort,
    top_count,
    with_blanks,
)

D = Decimal


def row(key: str, **subjects: tuple[int, int]) -> CandidateAnswers:
    """A result row: subject code → (correct, wrong)."""
    return CandidateAnswers(key=key, subjects={
        code: AnswerCounts(correct=c, wrong=w) for code, (c, w) in subjects.items()})


def one_subject(scale: int = 2000) -> ScoringConfig:
    return ScoringConfig(subjects=[SubjectSpec(code="civil", questions=10)], scale=D(scale))


def test_percent_with_negative_marking() -> None:
    # (3·7 − 3) / (3·10) × 100 = 18/30 × 100 = 60
    assert percent(7, 3, 10) == D(60)
    # (0 − 9) / 27 × 100 = −100/3 = −33.333…
    allwrong = percent(0, 9, 9)
    assert allwrong.quantize(D("0.000001")) == D("-33.333333")
    assert allwrong < D("-33.33")
    # blank: (0 − 0) / 30 × 100 = 0
    assert percent(0, 0, 10) == 0
    # full marks: 30/30 × 100 = 100
    assert percent(10, 0, 10) == D(100)
    with pytest.raises(ValueError):
        percent(8, 3, 10)  # 11 answers to 10 questions


def test_two_candidates_one_subject_give_t_7000_and_3000() -> None:
    # A: (3·6 − 0)/30 × 100 = 60; B: (3·2 − 0)/30 × 100 = 20.
    # mean 40; population sd = √(((60−40)² + (20−40)²)/2) = √400 = 20; z = ±1.
    # T = 5000 ± 2000·1 = 7000, 3000. One group: total = T.
    result = score_cohort(one_subject(), [row("A", civil=(6, 0)), row("B", civil=(2, 0))])
    a, b = result.scores
    assert (a.key, b.key) == ("A", "B")
    assert a.percents == {"civil": D(60)} and b.percents == {"civil": D(20)}
    assert a.standard == {"civil": D(7000)} and b.standard == {"civil": D(3000)}
    assert a.groups == {"specialised": D(7000)}
    assert (a.total, b.total) == (D(7000), D(3000))
    # top_count(2) = 1 → top mean 7000 → mark 0.7·7000 = 4900: A passes, B fails.
    assert (result.top_count, result.top_mean, result.pass_mark) == (1, D(7000), D(4900))
    assert (a.passed, b.passed, result.passed) == (True, False, 1)
    assert result.pass_rate == D("0.5")  # 1 of 2


def test_everyone_equal_gives_t_5000() -> None:
    # All three: (15 − 1)/30 × 100; sd 0 → z 0 → T 5000; top mean 5000, mark 3500: all pass.
    result = score_cohort(one_subject(), [row(k, civil=(5, 1)) for k in "ABC"])
    assert [s.standard["civil"] for s in result.scores] == [D(5000)] * 3
    assert (result.pass_mark, result.passed, result.pass_rate) == (D(3500), 3, D(1))


def test_a_subject_left_out_of_a_row_is_blank_and_coefficients_weight_the_group() -> None:
    config = ScoringConfig(subjects=[SubjectSpec(code="s1", questions=10),
                                     SubjectSpec(code="s2", questions=10, coefficient=D(3))])
    # Every row sat the exam: C and D name no s2, so they left it blank: 0 correct, 0 wrong,
    # percent 0, and present for s2 (EXAM-4).
    # s1 (all four): 60, 20, 60, 20 → mean 40, sd √((4·400)/4) = 20 → T 7000, 3000, 7000, 3000.
    # s2: A (3·4)/30 = 40, B 40, C 0, D 0 → mean 20, sd √((4·400)/4) = 20
    #   → A 7000, B 7000, C 3000, D 3000. (Were C and D left out of s2, A and B alone would
    #   give mean 40, sd 0, T 5000 each, and C's total would be 7000.)
    # specialised = coefficient-weighted mean: A (1·7000 + 3·7000)/4 = 7000;
    #   B (1·3000 + 3·7000)/4 = 24000/4 = 6000; C (1·7000 + 3·3000)/4 = 16000/4 = 4000;
    #   D (1·3000 + 3·3000)/4 = 3000.
    rows = [row("A", s1=(6, 0), s2=(4, 0)), row("B", s1=(2, 0), s2=(4, 0)),
            row("C", s1=(6, 0)), row("D", s1=(2, 0))]
    result = score_cohort(config, rows)
    a, b, c, _ = result.scores
    assert a.standard == {"s1": D(7000), "s2": D(7000)}
    assert b.standard == {"s1": D(3000), "s2": D(7000)}
    assert c.standard == {"s1": D(7000), "s2": D(3000)}
    assert c.percents == {"s1": D(60), "s2": D(0)}
    assert [s.groups["specialised"] for s in result.scores] == [D(7000), D(6000), D(4000),
                                                                D(3000)]
    assert [s.total for s in result.scores] == [D(7000), D(6000), D(4000), D(3000)]
    # The same rows with the blanks written out score the same.
    written = [row("A", s1=(6, 0), s2=(4, 0)), row("B", s1=(2, 0), s2=(4, 0)),
               row("C", s1=(6, 0), s2=(0, 0)), row("D", s1=(2, 0), s2=(0, 0))]
    assert score_cohort(config, written) == result


def test_with_blanks_fills_every_subject_of_the_cycle() -> None:
    config = ScoringConfig(subjects=[SubjectSpec(code="s1", questions=10),
                                     SubjectSpec(code="s2", questions=10)])
    given = {"s2": AnswerCounts(correct=3, wrong=1)}
    assert with_blanks(config, given) == {"s1": AnswerCounts(correct=0, wrong=0),
                                          "s2": AnswerCounts(correct=3, wrong=1)}
    # A subject the cycle does not have is kept, for answer_violations to name.
    odd = {"s9": AnswerCounts(correct=1, wrong=0)}
    assert list(with_blanks(config, odd)) == ["s1", "s2", "s9"]


def test_a_row_naming_no_subject_is_still_refused() -> None:
    (v,) = answer_violations(one_subject(), {})
    assert v.rule == "EXAM-4" and "0 correct and 0 wrong" in v.message
    with pytest.raises(ValueError, match="no subject"):
        score_cohort(one_subject(), [row("A")])


def test_group_weights_and_renormalisation() -> None:
    config = ScoringConfig(subjects=[SubjectSpec(code="lit", questions=10, group="general"),
                                     SubjectSpec(code="civil", questions=10)])
    # lit: A 40, B 40, C and D blank (not named) 0 → mean 20, sd 20 → T 7000, 7000, 3000, 3000.
    # civil: 20, 60, 60, 20 → mean 40, sd 20 → A 3000, B 7000, C 7000, D 3000.
    # A: 0.4·7000 + 0.6·3000 = 2800 + 1800 = 4600; B: 0.4·7000 + 0.6·7000 = 7000;
    # C: 0.4·3000 + 0.6·7000 = 1200 + 4200 = 5400; D: 0.4·3000 + 0.6·3000 = 3000.
    rows = [row("A", lit=(4, 0), civil=(2, 0)), row("B", lit=(4, 0), civil=(6, 0)),
            row("C", civil=(6, 0)), row("D", civil=(2, 0))]
    result = score_cohort(config, rows)
    a, _, c, _ = result.scores
    assert a.groups == {"general": D(7000), "specialised": D(3000)}
    assert c.groups == {"general": D(3000), "specialised": D(7000)}
    assert [s.total for s in result.scores] == [D(4600), D(7000), D(5400), D(3000)]
    # top_count(4) = 1 → top mean 7000 → mark 4900: B and C pass.
    assert [s.passed for s in result.scores] == [False, True, True, False]
    # Weights 2 and 3 renormalise to 0.4 and 0.6: the same totals.
    scaled = config.model_copy(update={"group_weights": {"general": D(2), "specialised": D(3)}})
    assert [s.total for s in score_cohort(scaled, rows).scores] == [D(4600), D(7000), D(5400),
                                                                    D(3000)]
    # A cycle of specialised subjects only: its weight 0.6 renormalises to 1, total = group.
    only = ScoringConfig(subjects=[SubjectSpec(code="civil", questions=10)])
    assert [s.total for s in score_cohort(only, [row("A", civil=(6, 0)),
                                                 row("B", civil=(2, 0))]).scores] == [
        D(7000), D(3000)]


@pytest.mark.parametrize(("n", "expected"), [(0, 0), (1, 1), (99, 1), (100, 1), (101, 2),
                                             (250, 3)])
def test_top_count_is_ceil_of_one_percent(n: int, expected: int) -> None:
    # ceil(0.01·n): 0.01 → 1, 0.99 → 1, 1 → 1, 1.01 → 2, 2.5 → 3
    assert top_count(n) == expected


@pytest.mark.parametrize(("n", "top", "mean", "mark", "passing"), [
    (1, 1, D(1), D("0.7"), 1),           # top {1}: mark 0.7 → 1 passes
    (99, 1, D(99), D("69.3"), 30),       # top {99}: 0.7·99 = 69.3 → 70..99 = 30
    (100, 1, D(100), D(70), 31),         # top {100}: mark 70 → 70..100 = 31 (70 ties, passes)
    (101, 2, D("100.5"), D("70.35"), 31),  # top {101, 100}: 100.5·0.7 = 70.35 → 71..101 = 31
    (250, 3, D(249), D("174.3"), 76),    # top {250, 249, 248}: 249·0.7 = 174.3 → 175..250 = 76
])
def test_pass_mark_of_totals_one_to_n(
    n: int, top: int, mean: Decimal, mark: Decimal, passing: int
) -> None:
    totals = [D(i) for i in range(1, n + 1)]
    assert pass_mark_of_totals(totals) == (mark, top, mean)
    assert sum(1 for t in totals if t >= mark) == passing


def test_ties_at_the_top_boundary_do_not_change_the_mean() -> None:
    # 101 totals: three at 100, the rest 50. top_count 2 → exactly {100, 100} → mean 100, mark 70.
    assert pass_mark_of_totals([D(100)] * 3 + [D(50)] * 98) == (D(70), 2, D(100))
    assert pass_mark_of_totals([]) == (D(0), 0, D(0))


def test_candidate_exactly_at_the_pass_mark_passes() -> None:
    # 9 candidates, N = 10: top 10/0 → 100%, mid 7/0 → 70%, seven at 4/0 → 40%.
    # mean = (100 + 70 + 7·40)/9 = 450/9 = 50; deviations 50, 20, −10;
    # variance = (2500 + 400 + 7·100)/9 = 3600/9 = 400; sd 20; z = 2.5, 1, −0.5.
    # T = 5000 + 2000·z = 10000, 7000, 4000. top_count(9) = 1: mark 0.7·10000 = 7000.
    # mid's 7000 equals the mark: passes. The seven at 4000 fail → 2 pass.
    cohort = [row("top", civil=(10, 0)), row("mid", civil=(7, 0))] + [
        row(f"low{i}", civil=(4, 0)) for i in range(7)]
    result = score_cohort(one_subject(), cohort)
    assert result.scores[1].total == D(7000) and result.pass_mark == D(7000)
    assert result.scores[1].passed
    assert result.passed == 2
    assert result.pass_rate.quantize(D("0.000001")) == D("0.222222")  # 2/9


def test_scale_decides_who_passes() -> None:
    # 8 candidates, N = 10: one 8/0 → 80%, six 5/0 → 50%, one 2/0 → 20%.
    # mean = (80 + 6·50 + 20)/8 = 400/8 = 50; variance = (900 + 0 + 900)/8 = 225; sd 15;
    # z = 2, 0, −2. top_count(8) = 1.
    # S = 2000: T = 9000, 5000, 1000; mark 0.7·9000 = 6300 → only the top passes: 1.
    # S = 1000: T = 7000, 5000, 3000; mark 0.7·7000 = 4900 → top and the six pass: 7.
    cohort = [row("top", civil=(8, 0)), row("low", civil=(2, 0))] + [
        row(f"mid{i}", civil=(5, 0)) for i in range(6)]
    wide = score_cohort(one_subject(2000), cohort)
    narrow = score_cohort(one_subject(1000), cohort)
    assert (wide.pass_mark, wide.passed) == (D(6300), 1)
    assert (narrow.pass_mark, narrow.passed) == (D(4900), 7)
    assert narrow.pass_rate == D("0.875")  # 7/8


def test_answer_violations_reports_everything_at_once() -> None:
    config = ScoringConfig(subjects=[SubjectSpec(code="civil", questions=10),
                                     SubjectSpec(code="penal", questions=5)])
    found = answer_violations(config, {
        "civil": AnswerCounts(correct=-1, wrong=2),      # negative
        "penal": AnswerCounts(correct=4, wrong=2),       # 4 + 2 = 6 > 5
        "history": AnswerCounts(correct=1, wrong=0),     # unknown
    })
    assert {v.rule for v in found} == {"EXAM-4"}
    assert [v.field for v in found] == ["subjects.civil", "subjects.penal", "subjects.history"]
    assert "-1" in found[0].message
    assert "6" in found[1].message and "5 questions" in found[1].message
    assert "history" in found[2].message
    assert answer_violations(config, {"civil": AnswerCounts(correct=10, wrong=0)}) == []
    empty = answer_violations(config, {}, field="rows.7")
    assert len(empty) == 1 and empty[0].field == "rows.7"


def test_score_cohort_refuses_invalid_rows() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        score_cohort(one_subject(), [row("A", civil=(9, 9))])
    with pytest.raises(ValueError, match="twice"):
        score_cohort(one_subject(), [row("A", civil=(1, 0)), row("A", civil=(2, 0))])
    empty = score_cohort(one_subject(), [])
    assert (empty.scores, empty.pass_mark, empty.passed, empty.top_count) == ([], 0, 0, 0)


def test_config_needs_a_positive_weight_for_each_subject_group() -> None:
    with pytest.raises(ValidationError):
        ScoringConfig(subjects=[SubjectSpec(code="lit", questions=10, group="general")],
                      group_weights={"specialised": D(1)})
    with pytest.raises(ValidationError):
        ScoringConfig(subjects=[SubjectSpec(code="a", questions=5),
                                SubjectSpec(code="a", questions=5)])
    default = ScoringConfig(subjects=[])
    assert default.group_weights == {"general": D("0.4"), "specialised": D("0.6")}
    assert default.scale == D(2000)
