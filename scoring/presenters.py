"""Turn scoring results into the words and shapes the pages show. Templates do no arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cases.selectors import Progress
from scoring.agreement import AgreementRow
from scoring.arithmetic import Z_95, Z_998, funnel_limits, percent_published, whole_percent
from scoring.baseline import BaselineComparison, Comparison
from scoring.drift import Drift
from scoring.selectors import InspectionScores, QuestionScore


def score_sentence(score: QuestionScore) -> str:
    """'45% (29 of 64; 95% CI 33-57%)', or why there is no figure yet."""
    if score.percent is None or score.interval is None:
        return "No relevant cases yet"
    low, high = score.interval
    return (
        f"{score.percent}% ({score.yes} of {score.relevant}; "
        f"95% CI {whole_percent(low)}–{whole_percent(high)}%)"
    )


def percent_text(score: QuestionScore) -> str:
    return "–" if score.percent is None else f"{score.percent}%"


def base_text(score: QuestionScore) -> str:
    """'29 of 64 relevant cases': yes answers over the cases the question was relevant to."""
    noun = "case" if score.relevant == 1 else "cases"
    return f"{score.yes} of {score.relevant} relevant {noun}"


def interval_text(score: QuestionScore) -> str:
    if score.interval is None:
        return "–"
    low, high = score.interval
    return f"{whole_percent(low)}–{whole_percent(high)}%"


@dataclass(frozen=True)
class ScoreRow:
    code: str
    text: str
    kind: str
    is_key: bool
    percent: str
    base: str
    interval: str
    sentence: str
    unanswered: int
    small_base: bool


def score_rows(questions: list[QuestionScore]) -> list[ScoreRow]:
    return [
        ScoreRow(
            code=q.code,
            text=q.text,
            kind=q.kind,
            is_key=q.kind == "key",
            percent=percent_text(q),
            base=base_text(q),
            interval=interval_text(q),
            sentence=score_sentence(q),
            unanswered=q.unanswered,
            small_base=q.small_base,
        )
        for q in questions
    ]


def question_name(score: QuestionScore) -> str:
    """A key question in words ("Implementation and delivery"), from its area; else its code."""
    return score.area[:1].upper() + score.area[1:] if score.area else score.code


@dataclass(frozen=True)
class KeyFigure:
    """One key question in the dashboard's headline panel."""

    code: str
    name: str
    text: str
    percent: str
    base: str
    interval: str
    small_base: bool


def key_figures(scores: InspectionScores) -> list[KeyFigure]:
    return [
        KeyFigure(
            code=q.code,
            name=question_name(q),
            text=q.text,
            percent=percent_text(q),
            base=base_text(q),
            interval="" if q.interval is None else f"95% CI {interval_text(q)}",
            small_base=q.small_base,
        )
        for q in scores.key_questions
    ]


@dataclass(frozen=True)
class StatusLine:
    status: str
    label: str
    cases: int


@dataclass(frozen=True)
class StillToDo:
    """Cases by status for the dashboard: how many are not yet submitted, and each status."""

    outstanding: int
    total: int
    statuses: list[StatusLine]


# Statuses in which a case still waits for its inspector.
OUTSTANDING = ("not_started", "in_progress", "returned")


def still_to_do(progress: Progress) -> StillToDo:
    lines = [StatusLine(key, label, n) for key, label, n in progress.by_status]
    return StillToDo(
        outstanding=sum(line.cases for line in lines if line.status in OUTSTANDING),
        total=progress.total,
        statuses=lines,
    )


@dataclass(frozen=True)
class Bar:
    code: str
    label: str
    name: str
    sentence: str
    y: int
    width: float
    label_x: float
    ci_x1: float
    ci_x2: float
    text_y: int
    name_y: int
    bar_y: int
    ci_y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_x: int
    plot_width: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    axis_y: int
    tick_label_y: int


CHART_WIDTH = 640
PLOT_X = 12
PLOT_WIDTH = 560
BAR_HEIGHT = 28
NAME_HEIGHT = 22  # the question's name in words, above its bar
ROW_HEIGHT = 64


def key_question_chart(scores: InspectionScores) -> Chart:
    """A horizontal bar per key question (percentage Yes) with its 95% interval as a whisker,
    each bar named in words above it ("C1 Assessment")."""
    bars = []
    for i, q in enumerate(scores.key_questions):
        top = 10 + i * ROW_HEIGHT
        bar_y = top + NAME_HEIGHT
        share = (q.exact or 0.0) / 100
        low, high = q.interval or (0.0, 0.0)
        width = round(PLOT_WIDTH * share, 1)
        small = " (small base)" if q.small_base else ""
        bars.append(
            Bar(
                code=q.code,
                label=percent_text(q),
                name=f"{q.code} {question_name(q)}",
                sentence=f"{q.code} {question_name(q)}: {score_sentence(q)}{small}",
                y=top,
                width=width,
                # Beyond the whisker, so the figure never sits on the interval line.
                label_x=round(PLOT_X + max(width, PLOT_WIDTH * high / 100) + 6, 1),
                ci_x1=round(PLOT_X + PLOT_WIDTH * low / 100, 1),
                ci_x2=round(PLOT_X + PLOT_WIDTH * high / 100, 1),
                text_y=bar_y + BAR_HEIGHT // 2 + 5,
                name_y=top + 15,
                bar_y=bar_y,
                ci_y=bar_y + BAR_HEIGHT // 2,
            )
        )
    axis_y = 10 + len(bars) * ROW_HEIGHT
    ticks = [(PLOT_X + PLOT_WIDTH * t / 100, f"{t}%") for t in (0, 25, 50, 75, 100)]
    return Chart(
        width=CHART_WIDTH,
        height=axis_y + 30,
        plot_x=PLOT_X,
        plot_width=PLOT_WIDTH,
        bars=bars,
        ticks=ticks,
        axis_y=axis_y,
        tick_label_y=axis_y + 18,
    )


@dataclass(frozen=True)
class BreakdownCell:
    percent: str
    base: str  # "29 of 64"
    interval: str  # "95% CI 34-57%" (an en dash), or blank without a base
    small_base: bool


@dataclass(frozen=True)
class BreakdownTable:
    dimension: str
    title: str
    groups: list[tuple[str, int]]  # label, cases
    rows: list[tuple[str, str, list[BreakdownCell]]]  # code, text, one cell per group


BREAKDOWN_TITLES = {"pdu": "By PDU", "mappa": "By MAPPA status", "rosh": "By RoSH classification"}


def breakdown_cell(score: QuestionScore) -> BreakdownCell:
    return BreakdownCell(
        percent=percent_text(score),
        base=f"{score.yes} of {score.relevant}",
        interval="" if score.interval is None else f"95% CI {interval_text(score)}",
        small_base=score.small_base,
    )


def breakdown_tables(scores: InspectionScores, codes: list[str]) -> list[BreakdownTable]:
    """The chosen questions' figures per group of each breakdown, as table cells."""
    tables = []
    for dimension, groups in scores.breakdowns.items():
        rows = []
        for code in codes:
            overall = scores.question(code)
            cells = [breakdown_cell(g.question(code)) for g in groups]
            rows.append((code, overall.text, cells))
        tables.append(
            BreakdownTable(
                dimension=dimension,
                title=BREAKDOWN_TITLES.get(dimension, dimension),
                groups=[(g.label, g.cases) for g in groups],
                rows=rows,
            )
        )
    return tables


@dataclass(frozen=True)
class AgreementLine:
    label: str
    cases: int
    judgements: int
    agreed: int
    percent: str
    kappa: str
    ac1: str


def agreement_line(row: AgreementRow) -> AgreementLine:
    # Agreement is a count of a base like every other figure: published rounding, halves up.
    percent = percent_published(row.agreed, len(row.pairs)) if row.pairs else None
    kappa = row.kappa
    return AgreementLine(
        label=row.label,
        cases=row.cases,
        judgements=len(row.pairs),
        agreed=row.agreed,
        percent="–" if percent is None else f"{percent}%",
        kappa=(
            "–"
            if kappa is None
            else f"{kappa:.2f}".replace("-", "−")  # a true minus sign reads better
        ),
        ac1=_coefficient(row.ac1),
    )


def _coefficient(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".replace("-", "−")


def _signed(value: float) -> str:
    whole = whole_percent(value)
    return "0" if whole == 0 else f"{whole:+d}".replace("-", "−")


def change_phrase(comparison: Comparison, *, symbol: bool = False) -> str:
    """ "up from 22 per cent to 30 per cent (no clear change)": then and now as published, and
    the words the interval allows."""

    def pct(value: int) -> str:
        return f"{value}%" if symbol else f"{value} per cent"

    then, now = comparison.then_percent, comparison.now_percent
    if now > then:
        moved = f"up from {pct(then)} to {pct(now)}"
    elif now < then:
        moved = f"down from {pct(then)} to {pct(now)}"
    else:
        moved = f"unchanged at {pct(now)}"
    return f"{moved} ({comparison.words})"


def change_interval(comparison: Comparison) -> str:
    """The change and its interval, e.g. "+8 points (95% CI -7 to +23)" (true minus signs)."""
    change = f"{comparison.change:+d}".replace("-", "−") if comparison.change else "0"
    return f"{change} points (95% CI {_signed(comparison.low)} to {_signed(comparison.high)})"


@dataclass(frozen=True)
class ThenAndNowLine:
    code: str
    text: str
    then: str
    now: str
    change: str
    words: str


def then_and_now_lines(
    scores: InspectionScores, baseline: BaselineComparison
) -> list[ThenAndNowLine]:
    """One line per key question compared with the baseline, for the dashboard and report."""
    lines = []
    for question in scores.key_questions:
        c = baseline.get(question.code)
        if c is None:
            continue
        lines.append(
            ThenAndNowLine(
                code=c.code,
                text=question.text,
                then=f"{c.then_percent}% ({c.then_yes} of {c.then_relevant})",
                now=f"{c.now_percent}% ({c.now_yes} of {c.now_relevant})",
                change=change_interval(c),
                words=c.words,
            )
        )
    return lines


@dataclass(frozen=True)
class FunnelPoint:
    x: float
    y: float
    label: str
    outside: bool
    left: bool  # label to the left of the point (near the right edge: not cut off)


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    team_y: float
    lines: dict[str, str]  # limit name -> SVG polyline points
    points: list[FunnelPoint]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    description: str


def funnel_chart(drift: Drift) -> FunnelChart | None:
    """The funnel plot's geometry (server-side SVG): Yes rate against judgements, with the
    team's rate and its 95% and 99.8% limits. Templates only place what is computed here."""
    rate = drift.team_rate
    if rate is None or not drift.rows:
        return None
    p0 = rate / 100
    described = "; ".join(
        f"{r.label}: {whole_percent(r.rate)}% Yes of {r.judgements} judgements"
        f"{' (outside the 99.8% limits)' if r.outside_998 else ''}"
        for r in drift.rows
    )
    return funnel_geometry(
        rate=rate,
        limits=lambda n, z: funnel_limits(p0, n, z),
        levels=(("95", Z_95), ("998", Z_998)),
        points=[(r.judgements, r.rate, r.label, r.outside_998) for r in drift.rows],
        description=f"Team rate {whole_percent(rate)}% Yes. {described}.",
    )


FUNNEL_WIDTH, FUNNEL_HEIGHT = 640, 320
FUNNEL_LEFT, FUNNEL_RIGHT, FUNNEL_TOP, FUNNEL_BOTTOM = 56, 620, 16, 272


def funnel_geometry(
    *,
    rate: float,
    limits: Callable[[int, Any], tuple[float, float]],
    levels: Sequence[tuple[str, Any]],
    points: Sequence[tuple[int, float, str, bool]],
    description: str,
    labels_left_near_edge: bool = False,
) -> FunnelChart:
    """A funnel plot's geometry, whoever's points: `rate` (percent) is the centre line;
    `limits(n, level)` the (low, high) limits in percent at base n for each of `levels`
    (name, level); `points` (base, rate in percent, label, outside the outer limits). The
    x axis runs to 1.1 times the largest base; the limit lines have a vertex per base size
    over 60 steps. With `labels_left_near_edge`, a label near the right edge goes left of its
    point (not cut off)."""
    left, right, top, bottom = FUNNEL_LEFT, FUNNEL_RIGHT, FUNNEL_TOP, FUNNEL_BOTTOM
    x_max = max(n for n, *_ in points) * 1.1

    def x(n: float) -> float:
        return round(left + (right - left) * n / x_max, 1)

    def y(percent: float) -> float:
        return round(bottom - (bottom - top) * percent / 100, 1)

    steps = sorted({max(1, round(x_max * i / 60)) for i in range(1, 61)})
    lines: dict[str, str] = {}
    for name, level in levels:
        at = [(n, *limits(n, level)) for n in steps]
        lines[f"low_{name}"] = " ".join(f"{x(n)},{y(lo)}" for n, lo, _ in at)
        lines[f"high_{name}"] = " ".join(f"{x(n)},{y(hi)}" for n, _, hi in at)
    return FunnelChart(
        width=FUNNEL_WIDTH,
        height=FUNNEL_HEIGHT,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        team_y=y(rate),
        lines=lines,
        points=[
            FunnelPoint(
                x(n), y(r), label, outside, left=labels_left_near_edge and x(n) > right - 140
            )
            for n, r, label, outside in points
        ],
        y_ticks=[(y(v), f"{v}%") for v in (0, 25, 50, 75, 100)],
        x_ticks=[(x(v), str(v)) for v in _ticks(x_max)],
        description=description,
    )


def _ticks(x_max: float) -> list[int]:
    step = max(1, round(x_max / 5 / 10) * 10) if x_max > 20 else max(1, round(x_max / 5))
    return list(range(0, int(x_max) + 1, step))


@dataclass(frozen=True)
class DriftLine:
    label: str
    judgements: int
    rate: str
    limits_95: str
    limits_998: str
    note: str


def drift_lines(drift: Drift) -> list[DriftLine]:
    return [
        DriftLine(
            label=r.label,
            judgements=r.judgements,
            rate=f"{whole_percent(r.rate)}% ({r.yes} of {r.judgements})",
            limits_95=f"{whole_percent(r.low_95)}–{whole_percent(r.high_95)}%",
            limits_998=f"{whole_percent(r.low_998)}–{whole_percent(r.high_998)}%",
            note=r.note,
        )
        for r in drift.rows
    ]
