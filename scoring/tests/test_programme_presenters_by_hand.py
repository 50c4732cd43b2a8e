"""A programme's words, table lines and funnel plot geometry, checked against values worked by
hand. No database: the figures are built in memory, so this file runs once per mutant of
scoring/programme.py and scoring/programme_presenters.py in a second or two.

The plot's frame (programme_funnel_chart): 640 x 320, plot from x 56 to 620 and y 16 to 272;
x(n) = 56 + 564 n / x_max with x_max = 1.1 x the largest base; y(p) = 272 - 256 p / 100.
"""

from __future__ import annotations

import pytest

from inspections.models import Inspection
from scoring.programme import Funnel, FunnelRow, ProgrammeQuestion, RegionFigure
from scoring.programme_presenters import (
    figure_text,
    funnel_lines,
    interval_text,
    programme_funnel_chart,
    programme_lines,
)
from scoring.selectors import QuestionScore


def _score(yes: int, no: int, na: int = 0, unanswered: int = 0) -> QuestionScore:
    return QuestionScore("C1", "Assessment?", "key", None, yes, no, na, unanswered, "assessment")


def _row(key, yes, relevant, limits, provisional=False) -> FunnelRow:
    low_95, high_95, low_998, high_998 = limits
    return FunnelRow(
        key=key,
        label=f"{key} (Region {key})",
        relevant=relevant,
        yes=yes,
        low_95=low_95,
        high_95=high_95,
        low_998=low_998,
        high_998=high_998,
        provisional=provisional,
    )


A = _row("A", 5, 10, (20.0, 60.0, 10.0, 70.0))  # 50%: within
B = _row("B", 8, 40, (30.4, 50.5, 22.0, 58.0))  # 20%: below the 99.8% limit
C = _row("C", 5, 20, (26.0, 60.0, 10.0, 70.0), provisional=True)  # 25%: below the 95% only
D = _row("D", 13, 20, (26.0, 60.0, 10.0, 70.0))  # 65%: above the 95% only
E = _row("E", 15, 20, (26.0, 60.0, 10.0, 70.0))  # 75%: above the 99.8%
EDGE = _row("F", 6, 20, (30.0, 60.0, 10.0, 70.0))  # 30%: on the 95% limit is within
ON_LOW_998 = _row("G", 2, 20, (26.0, 60.0, 10.0, 70.0))  # 10%: on the outer limit: inner only
ON_HIGH_998 = _row("H", 14, 20, (26.0, 60.0, 10.0, 70.0))  # 70%: likewise, above
ON_HIGH_95 = _row("I", 12, 20, (26.0, 60.0, 10.0, 70.0))  # 60%: on the inner limit: within


def _funnel(*rows: FunnelRow, what="region", yes=13, relevant=50) -> Funnel:
    return Funnel("C1", "assessment", "Assessment?", what, yes, relevant, list(rows))


def test_figures_and_intervals_read_as_the_house_style():
    assert figure_text(_score(29, 35)) == "45% (29 of 64)"
    # Wilson 95% for 29 of 64: 33.7% to 57.0% (z = 1.959964).
    assert interval_text(_score(29, 35)) == "95% CI 34–57%"
    assert figure_text(_score(0, 0, na=3)) == "–"
    assert interval_text(_score(0, 0, na=3)) == ""


@pytest.mark.parametrize(
    ("row", "position", "outside_95", "outside_998"),
    [
        (A, "within", False, False),
        (B, "below_998", True, True),
        (C, "below_95", True, False),
        (D, "above_95", True, False),
        (E, "above_998", True, True),
        (EDGE, "within", False, False),
        (ON_LOW_998, "below_95", True, False),
        (ON_HIGH_998, "above_95", True, False),
        (ON_HIGH_95, "within", False, False),
    ],
)
def test_a_point_is_placed_against_its_limits(row, position, outside_95, outside_998):
    assert row.position == position
    assert (row.outside_95, row.outside_998) == (outside_95, outside_998)


def test_each_point_has_its_table_line():
    lines = funnel_lines(_funnel(A, B, C, D, E))
    assert [(x.label, x.figure, x.limits_95, x.limits_998, x.position) for x in lines] == [
        ("A (Region A)", "50% (5 of 10)", "20–60%", "10–70%", "Within the limits"),
        # 30.4 rounds to 30, 50.5 up to 51 (halves up).
        ("B (Region B)", "20% (8 of 40)", "30–51%", "22–58%", "Below the 99.8% limit"),
        ("C (Region C)", "25% (5 of 20)", "26–60%", "10–70%", "Below the 95% limit only"),
        ("D (Region D)", "65% (13 of 20)", "26–60%", "10–70%", "Above the 95% limit only"),
        ("E (Region E)", "75% (15 of 20)", "26–60%", "10–70%", "Above the 99.8% limit"),
    ]
    assert [x.provisional for x in lines] == [False, False, True, False, False]


def test_points_outside_the_outer_limits_are_named_in_plain_words():
    funnel = _funnel(A, B, E)
    assert funnel.pooled_rate == pytest.approx(26.0)  # 13 of 50
    assert [r.key for r in funnel.outside] == ["B", "E"]
    assert funnel.words() == [
        "B (Region B): 20% (8 of 40 relevant cases) is below the 99.8% limit for assessment "
        "(26% across the programme): a difference this size would happen by chance less than "
        "once in 500.",
        "E (Region E): 75% (15 of 20 relevant cases) is above the 99.8% limit for assessment "
        "(26% across the programme): a difference this size would happen by chance less than "
        "once in 500.",
    ]


def test_with_none_outside_one_sentence_says_so_for_regions_or_pdus():
    assert _funnel(A, C).words() == [
        "All regions are within the 99.8% limits for assessment (26% across the programme): "
        "the differences between them are no larger than chance would give."
    ]
    assert _funnel(A, what="pdu").words()[0].startswith("All PDUs are within")
    assert _funnel(A, yes=0, relevant=0).words() == []
    assert _funnel(A, yes=0, relevant=0).pooled_rate is None


def test_the_chart_places_points_lines_and_ticks():
    chart = programme_funnel_chart(_funnel(A, B))
    assert chart is not None
    # x_max = 1.1 x 40 = 44. A: x(10) = 56 + 564 x 10 / 44 = 184.18; y(50) = 272 - 128 = 144.
    # B: x(40) = 568.73, near the right edge (beyond 620 - 140 = 480): its label goes left;
    # y(20) = 272 - 51.2 = 220.8; outside the 99.8% limits.
    assert [(p.x, p.y, p.label, p.outside, p.left) for p in chart.points] == [
        (184.2, 144.0, "A", False, False),
        (568.7, 220.8, "B", True, True),
    ]
    assert chart.team_y == 205.4  # 26%: 272 - 66.56
    assert (chart.width, chart.height, chart.plot_left, chart.plot_right) == (640, 320, 56, 620)
    assert (chart.plot_top, chart.plot_bottom) == (16, 272)
    assert chart.y_ticks == [
        (272.0, "0%"),
        (208.0, "25%"),
        (144.0, "50%"),
        (80.0, "75%"),
        (16.0, "100%"),
    ]
    # Ticks every 10 up to 44: x = 56, 184.2, 312.4, 440.5, 568.7.
    assert chart.x_ticks == [
        (56.0, "0"),
        (184.2, "10"),
        (312.4, "20"),
        (440.5, "30"),
        (568.7, "40"),
    ]
    assert chart.description == (
        "Programme rate 26% Yes. A (Region A): 50% Yes of 10 relevant cases; "
        "B (Region B): 20% Yes of 40 relevant cases (outside the 99.8% limits)."
    )
    # Four limit lines, one vertex per base size from 1 to 44 (60 steps of x_max / 60, rounded,
    # duplicates dropped), all inside the plot.
    assert sorted(chart.lines) == ["high_95", "high_998", "low_95", "low_998"]
    for name, line in chart.lines.items():
        vertices = [tuple(map(float, v.split(","))) for v in line.split()]
        assert len(vertices) == 44, name
        assert vertices[0][0] == 68.8 and vertices[-1][0] == 620.0  # x(1), x(44)
        assert all(16 <= y <= 272 for _, y in vertices)
    # The inner limits lie inside the outer ones, and both either side of the pooled rate.
    first = {name: float(line.split()[-1].split(",")[1]) for name, line in chart.lines.items()}
    assert first["high_998"] < first["high_95"] < chart.team_y < first["low_95"] < first["low_998"]


def test_no_chart_without_a_base_or_a_point():
    assert programme_funnel_chart(_funnel(yes=13, relevant=50)) is None
    assert programme_funnel_chart(_funnel(A, yes=0, relevant=0)) is None


_PKS: dict[str, int] = {}


def _region(slug: str, score: QuestionScore) -> RegionFigure:
    pk = _PKS.setdefault(slug, len(_PKS) + 1)  # unsaved, but told apart by id as saved ones are
    return RegionFigure(Inspection(pk=pk, slug=slug, status=Inspection.Status.PUBLISHED), score)


def test_the_table_lines_hold_each_region_then_the_pooled_figure():
    regions = [
        _region("r1", _score(3, 1)),
        _region("r2", _score(20, 20)),
        _region("r3", _score(0, 0)),
    ]
    question = ProgrammeQuestion(
        "C1", "Assessment?", "key", "assessment", regions, pooled=_score(23, 21)
    )
    (line,) = programme_lines([question])
    assert (line.code, line.text, line.area, line.is_key) == (
        "C1",
        "Assessment?",
        "assessment",
        True,
    )
    # 3 of 4: Wilson 30.1-95.4%; 20 of 40: 35.2-64.8%; 23 of 44: 37.9-66.0%.
    assert line.regions == [
        ("75% (3 of 4)", "95% CI 30–95%", True),
        ("50% (20 of 40)", "95% CI 35–65%", False),
        ("–", "", False),
    ]
    assert (line.pooled, line.pooled_interval) == ("52% (23 of 44)", "95% CI 38–66%")


def test_the_range_runs_from_the_lowest_to_the_highest_region_with_a_base():
    low, mid, high = (
        _region("low", _score(1, 3)),
        _region("mid", _score(2, 2)),
        _region("high", _score(3, 1)),
    )
    empty = _region("empty", _score(0, 0, na=4))
    question = ProgrammeQuestion("C1", "t", "key", "a", [mid, empty, high, low], _score(6, 6))
    assert question.range == (low, high)
    # By percentage, not by count: 3 of 10 (30%) is lower than 3 of 4 (75%) though its
    # product of Yes and base is larger.
    wide = _region("wide", _score(3, 7))
    assert ProgrammeQuestion("C1", "t", "key", "a", [high, wide], _score(6, 8)).range == (
        wide,
        high,
    )
    assert (
        question.is_key and not ProgrammeQuestion("P1", "t", "prompt", "", [], _score(0, 0)).is_key
    )
    assert ProgrammeQuestion("C1", "t", "key", "a", [mid, empty], _score(2, 2)).range is None
    assert question.region(question.regions[2].inspection) is high


# -- the exact binomial limits' edges (scoring.arithmetic), worked by hand ------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.5, 0, 0.025), "A funnel needs at least one case."),
        ((-0.01, 10, 0.025), "The pooled rate is a proportion, 0 to 1."),
        ((1.01, 10, 0.025), "The pooled rate is a proportion, 0 to 1."),
        ((0.5, 10, 0.0), "The quantile is a probability strictly between 0 and 1."),
        ((0.5, 10, 1.0), "The quantile is a probability strictly between 0 and 1."),
    ],
)
def test_a_limit_refuses_what_is_not_a_funnel(args, message):
    from scoring.arithmetic import binomial_quantile_limit

    with pytest.raises(ValueError) as refused:
        binomial_quantile_limit(*args)
    assert str(refused.value) == message


def test_a_limit_at_the_edges_of_its_range():
    from scoring.arithmetic import FUNNEL_95, FUNNEL_998, binomial_quantile_limit

    assert (FUNNEL_95, FUNNEL_998) == ((0.025, 0.975), (0.001, 0.999))
    # One case is enough: F(0) = 0.5 < 0.975, F(1) = 1, alpha = 0.025 / 0.5: 95%.
    assert binomial_quantile_limit(0.5, 1, 0.975) == pytest.approx(95.0)
    # A rate of exactly 0 or 1 has no spread.
    assert binomial_quantile_limit(0.0, 10, 0.999) == 0.0
    assert binomial_quantile_limit(1.0, 10, 0.001) == 100.0
    # Binomial(10, 1/2): F(7) = 968/1024, F(8) = 1013/1024. For p = 0.975, r = 8 and
    # alpha = (1013 - 998.4) / 45 = 0.32444: (8 - 0.32444) / 10 = 76.7556%.
    assert binomial_quantile_limit(0.5, 10, 0.975) == pytest.approx(76.7556, abs=1e-4)
    # Rate 0.99 and one case: F(0) = 0.01 < 0.999, so r = n = 1 with F(1) = 1:
    # alpha = (1 - 0.999) / 0.99 and the limit is 100 (1 - 0.001 / 0.99) = 99.899%.
    assert binomial_quantile_limit(0.99, 1, 0.999) == pytest.approx(100 * (1 - 0.001 / 0.99))
    # Rate 0.05 and five cases: F(0) = 0.95^5 = 0.774 >= 0.025 already at r = 0, so the
    # interpolation would go below 0: the limit is 0%.
    assert binomial_quantile_limit(0.05, 5, 0.025) == 0.0
    # Rates within the range but near its ends take the computed path, not the shortcut.
    assert 0 < binomial_quantile_limit(0.001, 50, 0.999) < 100
    assert 0 < binomial_quantile_limit(0.999, 50, 0.001) < 100


def test_funnel_limits_default_to_95_percent():
    from scoring.arithmetic import FUNNEL_95, FUNNEL_998, binomial_funnel_limits

    assert binomial_funnel_limits(0.5, 10) == binomial_funnel_limits(0.5, 10, FUNNEL_95)
    # Both ends worked by hand above: 13.2444% (low, 2 - 30.4/45 over 10) and 76.7556%.
    low, high = binomial_funnel_limits(0.5, 10)
    assert (low, high) == (pytest.approx(13.2444, abs=1e-4), pytest.approx(76.7556, abs=1e-4))
    outer = binomial_funnel_limits(0.5, 10, FUNNEL_998)
    assert outer[0] < low and outer[1] > high


def test_an_inspections_entry_says_whether_it_is_provisional_and_names_its_region():
    from inspections.models import Region
    from scoring.programme import ProgrammeInspection

    region = Region(name="North East", slug="ne")
    fieldwork = Inspection(pk=1, region=region, status=Inspection.Status.FIELDWORK)
    published = Inspection(pk=2, region=region, status=Inspection.Status.PUBLISHED)
    entry = ProgrammeInspection(fieldwork, counted=True, figures_visible=True)
    assert entry.provisional and entry.label == "North East"
    assert not ProgrammeInspection(published, counted=True, figures_visible=True).provisional
    assert RegionFigure(fieldwork, _score(1, 1)).provisional
    assert not RegionFigure(published, _score(1, 1)).provisional
    with pytest.raises(AttributeError):
        entry.counted = False  # type: ignore[misc]


def test_a_programmes_totals_and_flags_come_from_the_counted_inspections():
    from inspections.models import Programme, Region
    from scoring.programme import ProgrammeInspection, ProgrammeScores
    from scoring.selectors import InspectionScores

    region = Region(name="Wales", slug="wales")
    done = Inspection(pk=1, region=region, status=Inspection.Status.PUBLISHED, synthetic=True)
    going = Inspection(pk=2, region=region, status=Inspection.Status.FIELDWORK)
    left = Inspection(pk=3, region=region, status=Inspection.Status.FIELDWORK, synthetic=True)
    key = ProgrammeQuestion("C1", "t", "key", "a", [], _score(1, 1))
    prompt = ProgrammeQuestion("C1a", "t", "prompt", "", [], _score(1, 1))
    scores = ProgrammeScores(
        programme=Programme(slug="p", name="P"),
        provisional=True,
        inspections=[
            ProgrammeInspection(done, counted=True, figures_visible=True),
            ProgrammeInspection(going, counted=True, figures_visible=True),
            ProgrammeInspection(left, counted=False, figures_visible=False),
        ],
        scores={
            1: InspectionScores(done, cases=12, questions=[], breakdowns={}),
            2: InspectionScores(going, cases=30, questions=[], breakdowns={}),
        },
        questions=[key, prompt],
        region_funnels=[],
        pdu_funnels=[],
    )
    assert scores.counted == [done, going]
    assert scores.cases == 42
    assert scores.any_provisional  # `going` counts and is in progress
    assert scores.any_synthetic  # `done` counts and is synthetic (`left` does not count)
    assert scores.question("C1a") is prompt and scores.key_questions == [key]
    with pytest.raises(KeyError):
        scores.question("ZZ9")
    only_left = ProgrammeScores(
        programme=scores.programme,
        provisional=False,
        inspections=[
            ProgrammeInspection(done, counted=True, figures_visible=True),
            ProgrammeInspection(left, counted=False, figures_visible=False),
        ],
        scores={},
        questions=[],
        region_funnels=[],
        pdu_funnels=[],
    )
    assert not only_left.any_provisional  # `left` is in progress but not counted
    assert only_left.cases == 0
    real = Inspection(pk=4, region=region, status=Inspection.Status.PUBLISHED)
    none_synthetic_counted = ProgrammeScores(
        programme=scores.programme,
        provisional=False,
        inspections=[
            ProgrammeInspection(real, counted=True, figures_visible=True),
            ProgrammeInspection(left, counted=False, figures_visible=False),
        ],
        scores={},
        questions=[],
        region_funnels=[],
        pdu_funnels=[],
    )
    assert not none_synthetic_counted.any_synthetic  # `left` is synthetic but not counted
    for frozen, field in (
        (scores, "provisional"),
        (key, "code"),
        (RegionFigure(done, _score(1, 1)), "score"),
        (A, "yes"),
        (_funnel(A), "rows"),
    ):
        with pytest.raises(AttributeError):
            setattr(frozen, field, None)


def test_a_label_goes_left_only_beyond_140_points_from_the_right_edge():
    # Largest base 705: x_max = 775.5 and x(n) = 56 + 564 n / 775.5. n = 583 gives exactly
    # 56 + 424 = 480.0 = 620 - 140 (on the line: stays right); n = 584 gives 480.7 (left);
    # n = 582 gives 479.3 (right).
    rows = [_row(str(n), n // 2, n, (0.0, 100.0, 0.0, 100.0)) for n in (582, 583, 584, 705)]
    chart = programme_funnel_chart(_funnel(*rows, yes=1, relevant=2))
    assert chart is not None
    assert [(p.x, p.left) for p in chart.points] == [
        (479.3, False),
        (480.0, False),
        (480.7, True),
        (568.7, True),
    ]
    # The limit lines start at the first step, x_max / 60 = 12.9, rounded: base 13, x 65.5.
    first = chart.lines["low_95"].split()[0]
    assert first.split(",")[0] == "65.5"


def test_presented_lines_cannot_be_changed():
    line = funnel_lines(_funnel(A))[0]
    with pytest.raises(AttributeError):
        line.figure = "99%"  # type: ignore[misc]
    question = ProgrammeQuestion("C1", "t", "key", "a", [], _score(1, 1))
    (table_line,) = programme_lines([question])
    with pytest.raises(AttributeError):
        table_line.pooled = "99%"  # type: ignore[misc]
