"""The presenters' words and chart geometry, checked against values worked by hand.

No database: the figures are built directly (QuestionScore, Drift, Comparison), so this file is
fast enough to run once per mutant of scoring/presenters.py. Every expected value is written
out, with the sum or formula that gives it; none is computed by the code under test.

Wilson 95% intervals used below (z = 1.959964, z^2 = 3.841459):
- 3 of 4: 30.064% to 95.441%;
- 10 of 10: 10 / (10 + z^2) = 72.247% to 100%;
- 1 of 1: 1 / (1 + z^2) = 20.655% to 100%;
- 2 of 3: 20.766% to 93.851%.
"""

from __future__ import annotations

import pytest

from cases.selectors import Progress
from scoring.agreement import AgreementRow
from scoring.baseline import BaselineComparison, Comparison
from scoring.drift import Drift, DriftRow
from scoring.presenters import (
    agreement_line,
    base_text,
    breakdown_tables,
    change_interval,
    change_phrase,
    drift_lines,
    funnel_chart,
    interval_text,
    key_figures,
    key_question_chart,
    percent_text,
    question_name,
    score_rows,
    score_sentence,
    still_to_do,
    then_and_now_lines,
)
from scoring.selectors import GroupScores, InspectionScores, QuestionScore


def q(
    code: str, kind: str, yes: int, no: int, na: int = 0, un: int = 0, area: str = ""
) -> QuestionScore:
    return QuestionScore(
        code=code,
        text=f"Text of {code}",
        kind=kind,
        parent=None,
        yes=yes,
        no=no,
        not_applicable=na,
        unanswered=un,
        area=area,
    )


# C1 3 of 4 (75%, small base), C2 no base, C3 10 of 10 (100%); S1 is not a key question.
C1 = q("C1", "key", 3, 1, na=2, un=1, area="assessment")
C2 = q("C2", "key", 0, 0, na=5)
C3 = q("C3", "key", 10, 0, area="implementation and delivery")
S1 = q("S1", "supplementary", 1, 0, un=4)


def scores(questions: list[QuestionScore], breakdowns=None) -> InspectionScores:
    return InspectionScores(
        inspection=None,  # type: ignore[arg-type]  # the presenters never read it
        cases=12,
        questions=questions,
        breakdowns=breakdowns or {},
    )


def test_texts_for_a_figure_and_for_no_base():
    assert (percent_text(C1), interval_text(C1), base_text(C1)) == (
        "75%",
        "30–95%",
        "3 of 4 relevant cases",
    )
    assert score_sentence(C1) == "75% (3 of 4; 95% CI 30–95%)"
    assert (percent_text(C2), interval_text(C2), base_text(C2)) == (
        "–",
        "–",
        "0 of 0 relevant cases",
    )
    assert score_sentence(C2) == "No relevant cases yet"
    # One relevant case is "case", not "cases".
    assert base_text(S1) == "1 of 1 relevant case"
    assert base_text(q("X", "key", 0, 1)) == "0 of 1 relevant case"
    assert base_text(q("X", "key", 2, 0)) == "2 of 2 relevant cases"


def test_a_question_is_named_by_its_area_capitalised_else_by_its_code():
    assert question_name(C1) == "Assessment"
    assert question_name(C3) == "Implementation and delivery"
    assert question_name(C2) == "C2"


def test_score_rows_carry_every_field():
    rows = score_rows([C1, C2, S1])
    assert [
        (
            r.code,
            r.text,
            r.kind,
            r.is_key,
            r.percent,
            r.base,
            r.interval,
            r.sentence,
            r.unanswered,
            r.small_base,
        )
        for r in rows
    ] == [
        (
            "C1",
            "Text of C1",
            "key",
            True,
            "75%",
            "3 of 4 relevant cases",
            "30–95%",
            "75% (3 of 4; 95% CI 30–95%)",
            1,
            True,
        ),
        ("C2", "Text of C2", "key", True, "–", "0 of 0 relevant cases", "–",
         "No relevant cases yet", 0, False),
        ("S1", "Text of S1", "supplementary", False, "100%", "1 of 1 relevant case",
         "21–100%", "100% (1 of 1; 95% CI 21–100%)", 4, True),
    ]  # fmt: skip


def test_key_figures_are_the_key_questions_only_in_words():
    figures = key_figures(scores([C1, S1, C2, C3]))
    assert [
        (f.code, f.name, f.text, f.percent, f.base, f.interval, f.small_base) for f in figures
    ] == [
        ("C1", "Assessment", "Text of C1", "75%", "3 of 4 relevant cases", "95% CI 30–95%", True),
        ("C2", "C2", "Text of C2", "–", "0 of 0 relevant cases", "", False),
        ("C3", "Implementation and delivery", "Text of C3", "100%", "10 of 10 relevant cases",
         "95% CI 72–100%", False),
    ]  # fmt: skip


def test_still_to_do_counts_not_started_in_progress_and_returned():
    progress = Progress(
        by_status=[
            ("not_started", "Not started", 4),
            ("in_progress", "In progress", 3),
            ("submitted", "Submitted", 7),
            ("returned", "Returned", 2),
            ("moderated", "Moderated", 5),
        ],
        by_inspector=[],
        by_pdu=[],
        total=21,
    )
    todo = still_to_do(progress)
    assert (todo.outstanding, todo.total) == (4 + 3 + 2, 21)
    assert [(s.status, s.label, s.cases) for s in todo.statuses] == progress.by_status


def test_the_key_question_chart_geometry():
    chart = key_question_chart(scores([C1, S1, C2, C3]))
    # Three key rows of 64 from y = 10: the axis at 10 + 3 * 64 = 202.
    assert (chart.width, chart.height, chart.plot_x, chart.plot_width) == (640, 232, 12, 560)
    assert (chart.axis_y, chart.tick_label_y) == (202, 220)
    # Ticks at 12 + 560 * t / 100.
    assert chart.ticks == [(12.0, "0%"), (152.0, "25%"), (292.0, "50%"), (432.0, "75%"),
                           (572.0, "100%")]  # fmt: skip
    fields = [
        (b.code, b.label, b.name, b.sentence, b.y, b.width, b.label_x, b.ci_x1, b.ci_x2,
         b.text_y, b.name_y, b.bar_y, b.ci_y)
        for b in chart.bars
    ]  # fmt: skip
    assert fields == [
        # top 10, bar at 10 + 22 = 32; width 560 * 0.75 = 420; whisker 12 + 560 * 30.064% =
        # 180.4 to 12 + 560 * 95.441% = 546.5; the label 6 beyond the whisker's end (552.5);
        # text at 32 + 14 + 5 = 51, name at 10 + 15 = 25, whisker at 32 + 14 = 46.
        ("C1", "75%", "C1 Assessment",
         "C1 Assessment: 75% (3 of 4; 95% CI 30–95%) (small base)",
         10, 420.0, 552.5, 180.4, 546.5, 51, 25, 32, 46),
        # top 74: no base, so no bar and no whisker; the label 6 beyond the axis start.
        ("C2", "–", "C2 C2", "C2 C2: No relevant cases yet",
         74, 0.0, 18.0, 12.0, 12.0, 115, 89, 96, 110),
        # top 138: 100%, the whisker 12 + 560 * 72.247% = 416.6 to 572.
        ("C3", "100%", "C3 Implementation and delivery",
         "C3 Implementation and delivery: 100% (10 of 10; 95% CI 72–100%)",
         138, 560.0, 578.0, 416.6, 572.0, 179, 153, 160, 174),
    ]  # fmt: skip


def test_a_chart_without_key_questions_is_only_its_axis():
    chart = key_question_chart(scores([S1]))
    assert (chart.bars, chart.axis_y, chart.height, chart.tick_label_y) == ([], 10, 40, 28)


def test_breakdown_tables_cells_titles_and_groups():
    north = [q("C1", "key", 2, 1), q("C2", "key", 0, 0, na=1)]
    south = [q("C1", "key", 1, 0), q("C2", "key", 0, 2)]
    breakdowns = {
        "pdu": [GroupScores("n", "North", 4, north), GroupScores("s", "South", 3, south)],
        "other": [GroupScores("all", "All", 7, north)],
    }
    tables = breakdown_tables(scores([C1, C2], breakdowns), ["C2", "C1"])
    pdu, other = tables
    assert (pdu.dimension, pdu.title, pdu.groups) == ("pdu", "By PDU", [("North", 4), ("South", 3)])
    assert (other.dimension, other.title) == ("other", "other")
    cells = [
        (code, text, [(c.percent, c.base, c.interval, c.small_base) for c in row])
        for code, text, row in pdu.rows
    ]
    assert cells == [
        ("C2", "Text of C2", [("–", "0 of 0", "", False), ("0%", "0 of 2", "95% CI 0–66%", True)]),
        ("C1", "Text of C1", [("67%", "2 of 3", "95% CI 21–94%", True),
                              ("100%", "1 of 1", "95% CI 21–100%", True)]),
    ]  # fmt: skip
    titles = breakdown_tables(
        scores([C1], {"mappa": [GroupScores("a", "A", 1, [C1])], "rosh": []}), ["C1"]
    )
    assert [t.title for t in titles] == ["By MAPPA status", "By RoSH classification"]


def test_an_agreement_line_keeps_its_label_cases_and_counts():
    # 3 judgements over 2 cases, 2 agreed: 66.7% published as 67%.
    row = AgreementRow(
        "ann", "Ann Smith", cases=2, pairs=(("yes", "yes"), ("no", "no"), ("yes", "no"))
    )
    line = agreement_line(row)
    assert (line.label, line.cases, line.judgements, line.agreed, line.percent) == (
        "Ann Smith",
        2,
        3,
        2,
        "67%",
    )
    # kappa: p_o = 2/3, p_e = 2/3 * 1/3 + 1/3 * 2/3 = 4/9, (2/3 - 4/9) / (5/9) = 0.40.
    assert line.kappa == "0.40"


def comparison(then: int, now: int, change: int, low: float, high: float, words: str) -> Comparison:
    return Comparison(
        code="C1",
        then_yes=11,
        then_relevant=50,
        then_percent=then,
        now_yes=15,
        now_relevant=50,
        now_percent=now,
        change=change,
        low=low,
        high=high,
        words=words,
    )


def test_change_phrases_up_down_and_unchanged():
    up = comparison(22, 30, 8, -7.4, 23.5, "no clear change")
    assert change_phrase(up) == "up from 22 per cent to 30 per cent (no clear change)"
    assert change_phrase(up, symbol=True) == "up from 22% to 30% (no clear change)"
    down = comparison(40, 25, -15, -28.0, -1.2, "declined")
    assert change_phrase(down) == "down from 40 per cent to 25 per cent (declined)"
    same = comparison(40, 40, 0, -9.6, 9.6, "no clear change")
    assert change_phrase(same, symbol=True) == "unchanged at 40% (no clear change)"


@pytest.mark.parametrize(
    ("change", "low", "high", "text"),
    [
        # -7.4 rounds to -7, 23.5 up to +24; true minus signs.
        (8, -7.4, 23.5, "+8 points (95% CI −7 to +24)"),
        (-15, -28.0, -1.2, "−15 points (95% CI −28 to −1)"),
        # A change of 0 and ends that round to 0 carry no sign (-0.5 rounds half up to 0).
        (0, -0.5, 0.4, "0 points (95% CI 0 to 0)"),
        (1, 0.5, 2.6, "+1 points (95% CI +1 to +3)"),
    ],
)
def test_change_interval_in_points_with_signs(change, low, high, text):
    assert change_interval(comparison(40, 40 + change, change, low, high, "x")) == text


def test_then_and_now_lines_only_for_compared_key_questions():
    baseline = BaselineComparison(
        label="Earlier",
        source="",
        previous_slug=None,
        comparisons={
            "C3": comparison(22, 30, 8, -7.4, 23.5, "no clear change"),
            "S1": comparison(10, 20, 10, 1.0, 19.0, "improved"),
        },
    )
    lines = then_and_now_lines(scores([C1, S1, C3]), baseline)
    # C1 has no comparison; S1 is not a key question; C3's comparison carries the code C1.
    assert [(x.code, x.text, x.then, x.now, x.change, x.words) for x in lines] == [
        ("C1", "Text of C3", "22% (11 of 50)", "30% (15 of 50)",
         "+8 points (95% CI −7 to +24)", "no clear change"),
    ]  # fmt: skip


def drift_row(label: str, n: int, yes: int, low_998: float, high_998: float) -> DriftRow:
    return DriftRow(
        key=label.lower(),
        label=label,
        judgements=n,
        yes=yes,
        rate=100 * yes / n,
        low_95=53.2,
        high_95=66.8,
        low_998=low_998,
        high_998=high_998,
    )


# Team 150 Yes of 250 (60%); Ann 195 of 300 (65%) within, Bob 20 of 50 (40%) outside.
DRIFT = Drift(
    team_yes=150,
    team_judgements=250,
    rows=[drift_row("Ann", 300, 195, 49.3, 70.7), drift_row("Bob", 50, 20, 45.0, 75.0)],
)


def test_the_funnel_chart_geometry():
    chart = funnel_chart(DRIFT)
    assert chart is not None
    box = (chart.width, chart.height, chart.plot_left, chart.plot_right, chart.plot_top,
           chart.plot_bottom)  # fmt: skip
    assert box == (640, 320, 56, 620, 16, 272)
    # x(n) = 56 + 564 n / 330 (330 = 300 judgements * 1.1); y(p) = 272 - 256 p / 100.
    assert chart.team_y == 118.4  # 272 - 153.6
    assert [(p.x, p.y, p.label, p.outside) for p in chart.points] == [
        (568.7, 105.6, "Ann", False),  # 56 + 512.73; 272 - 166.4
        (141.5, 169.6, "Bob", True),  # 56 + 85.45; 272 - 102.4
    ]
    assert chart.y_ticks == [(272.0, "0%"), (208.0, "25%"), (144.0, "50%"), (80.0, "75%"),
                             (16.0, "100%")]  # fmt: skip
    # Step round(330 / 5 / 10) * 10 = 70.
    assert chart.x_ticks == [(56.0, "0"), (175.6, "70"), (295.3, "140"), (414.9, "210"),
                             (534.5, "280")]  # fmt: skip
    assert chart.description == (
        "Team rate 60% Yes. Ann: 65% Yes of 300 judgements; "
        "Bob: 40% Yes of 50 judgements (outside the 99.8% limits)."
    )


def test_the_funnel_lines_run_from_the_first_step_to_the_widest_point():
    chart = funnel_chart(DRIFT)
    assert chart is not None
    assert sorted(chart.lines) == ["high_95", "high_998", "low_95", "low_998"]
    # Steps round(330 i / 60) for i = 1..60: 6, 11 (x 56 + 18.8 = 74.8), ..., 330 (60 points).
    # At n = 6, 0.6 +- 1.96 sqrt(0.24 / 6) = 20.80% to 99.20% (y 218.8 and 18.0); the 99.8%
    # limits (z 3.09) are clamped to 0% and 100% (y 272 and 16).
    # At n = 330: 95% limits 54.71% to 65.29% (y 131.9, 104.9); 99.8% 51.67% to 68.33%
    # (y 139.7, 97.1).
    ends = {}
    for name, points in chart.lines.items():
        pairs = points.split(" ")
        assert len(pairs) == 60
        ends[name] = (pairs[0], pairs[1].split(",")[0], pairs[-1])
    assert ends == {
        "low_95": ("66.3,218.8", "74.8", "620.0,131.9"),
        "high_95": ("66.3,18.0", "74.8", "620.0,104.9"),
        "low_998": ("66.3,272.0", "74.8", "620.0,139.7"),
        "high_998": ("66.3,16.0", "74.8", "620.0,97.1"),
    }


def test_a_small_funnel_has_ticks_every_fifth_of_its_width():
    # 10 judgements: x_max 11, step round(11 / 5) = 2.
    chart = funnel_chart(Drift(6, 10, [drift_row("Ann", 10, 6, 0.0, 100.0)]))
    assert chart is not None
    assert [label for _, label in chart.x_ticks] == ["0", "2", "4", "6", "8", "10"]
    # 56 + 564 * 2 / 11 = 158.5
    assert chart.x_ticks[1][0] == 158.5
    # Steps max(1, round(11 i / 60)): 1 to 11, each once.
    assert len(chart.lines["low_95"].split(" ")) == 11
    assert chart.lines["low_95"].split(" ")[0].startswith("107.3,")  # 56 + 564 / 11


def test_there_is_no_funnel_without_judgements_or_rows():
    assert funnel_chart(Drift(0, 0, [])) is None
    assert funnel_chart(Drift(3, 4, [])) is None


def test_drift_lines_word_each_inspectors_rate_and_limits():
    assert [
        (d.label, d.judgements, d.rate, d.limits_95, d.limits_998, d.note)
        for d in drift_lines(DRIFT)
    ] == [
        ("Ann", 300, "65% (195 of 300)", "53–67%", "49–71%", "Within the limits."),
        ("Bob", 50, "40% (20 of 50)", "53–67%", "45–75%",
         "Says Yes less often than the team beyond the 99.8% limits: "
         "look at a sample of their cases."),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("pairs", "percent", "kappa", "ac1"),
    [
        ((), "–", "–", "–"),
        # Always opposite: kappa (0 - 1/2) / (1/2) = -1; AC1 pi_yes 1/2, chance 1/2, also -1.
        ((("yes", "no"), ("no", "yes")), "0%", "−1.00", "−1.00"),
        # One category only: kappa undefined; AC1 on the Yes/No scale: chance 0, so 1.
        ((("yes", "yes"),) * 3, "100%", "–", "1.00"),
    ],
)
def test_agreement_lines_with_no_pairs_and_with_negative_coefficients(pairs, percent, kappa, ac1):
    line = agreement_line(AgreementRow("k", "K", cases=len(pairs), pairs=pairs))
    assert (line.percent, line.kappa, line.ac1) == (percent, kappa, ac1)


@pytest.mark.parametrize(
    ("judgements", "ticks"),
    [
        # x_max 20 * 1.1 = 22: step round(22 / 50) * 10 = 0, so 1: every whole number to 22.
        (20, [str(n) for n in range(23)]),
        # x_max 2.2: step round(2.2 / 5) = 0, so 1.
        (2, ["0", "1", "2"]),
        # x_max 20.9, just over 20: step round(20.9 / 50) * 10 = 0, so 1 (not round(20.9 / 5)).
        (19, [str(n) for n in range(21)]),
        # x_max 13.2: step round(13.2 / 5) = round(2.64) = 3.
        (12, ["0", "3", "6", "9", "12"]),
    ],
)
def test_the_funnel_tick_step_near_its_bounds(judgements, ticks):
    chart = funnel_chart(Drift(1, judgements, [drift_row("Ann", judgements, 1, 0.0, 100.0)]))
    assert chart is not None
    assert [label for _, label in chart.x_ticks] == ticks


def test_every_presented_value_is_read_only():
    drift_chart = funnel_chart(DRIFT)
    chart = key_question_chart(scores([C1]))
    table = breakdown_tables(scores([C1], {"pdu": [GroupScores("a", "A", 1, [C1])]}), ["C1"])[0]
    todo = still_to_do(Progress([("returned", "Returned", 1)], [], [], 1))
    baseline = BaselineComparison("E", "", None, {"C1": comparison(1, 2, 1, 0.0, 1.0, "x")})
    values = [
        score_rows([C1])[0],
        key_figures(scores([C1]))[0],
        todo,
        todo.statuses[0],
        chart,
        chart.bars[0],
        table,
        table.rows[0][2][0],
        agreement_line(AgreementRow("k", "K", 1, (("yes", "yes"),))),
        then_and_now_lines(scores([C1]), baseline)[0],
        drift_chart,
        drift_chart.points[0] if drift_chart else None,
        drift_lines(DRIFT)[0],
    ]
    for value in values:
        with pytest.raises(AttributeError):
            value.label = "changed"  # type: ignore[union-attr]


def test_a_bar_of_a_third_is_rounded_to_a_tenth_and_its_rows_are_whole_numbers():
    # 1 of 3: width 560 / 3 = 186.67 -> 186.7; Wilson 6.149% to 79.234%: whisker
    # 12 + 34.44 = 46.4 to 12 + 443.71 = 455.7, the label at 461.7.
    (bar,) = key_question_chart(scores([q("C1", "key", 1, 2)])).bars
    assert (bar.width, bar.ci_x1, bar.ci_x2, bar.label_x) == (186.7, 46.4, 455.7, 461.7)
    # The vertical positions are whole numbers (the SVG reads "51", not "51.0").
    rows = (bar.y, bar.text_y, bar.name_y, bar.bar_y, bar.ci_y)
    assert [str(v) for v in rows] == ["10", "51", "25", "32", "46"]


def test_the_drift_plot_keeps_every_label_right_of_its_point():
    # Ann's point is at x(300) = 56 + 564 x 300 / 330 = 568.7, near the right edge: the drift
    # plot still writes its label to the right (only the programme's plots move them left).
    chart = funnel_chart(DRIFT)
    assert chart is not None
    assert [(p.label, p.x, p.left) for p in chart.points] == [
        ("Ann", 568.7, False),
        ("Bob", 141.5, False),
    ]
