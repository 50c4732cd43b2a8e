"""A programme's figures formatted for pages and the report: table lines and funnel plots.

Templates only place what is computed here (no arithmetic in templates).
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.arithmetic import FUNNEL_95, FUNNEL_998, binomial_funnel_limits, whole_percent
from scoring.presenters import FunnelChart, funnel_geometry
from scoring.programme import Funnel, FunnelRow, ProgrammeQuestion
from scoring.selectors import QuestionScore

DASH = "–"


def figure_text(score: QuestionScore) -> str:
    """'45% (29 of 64)', or a dash when no case is relevant."""
    if score.percent is None:
        return DASH
    return f"{score.percent}% ({score.yes} of {score.relevant})"


def interval_text(score: QuestionScore) -> str:
    """'95% CI 33-57%' (Wilson, en dash), or '' when no case is relevant."""
    interval = score.interval
    if interval is None:
        return ""
    return f"95% CI {whole_percent(interval[0])}–{whole_percent(interval[1])}%"


@dataclass(frozen=True)
class FunnelLine:
    """One row of the table beside a funnel plot."""

    label: str
    figure: str
    limits_95: str
    limits_998: str
    position: str  # words: within, below the 95% limit, ...
    provisional: bool


_POSITION_WORDS = {
    "within": "Within the limits",
    "below_95": "Below the 95% limit only",
    "above_95": "Above the 95% limit only",
    "below_998": "Below the 99.8% limit",
    "above_998": "Above the 99.8% limit",
}


def funnel_lines(funnel: Funnel) -> list[FunnelLine]:
    return [
        FunnelLine(
            label=r.label,
            figure=f"{r.percent}% ({r.yes} of {r.relevant})",
            limits_95=f"{whole_percent(r.low_95)}–{whole_percent(r.high_95)}%",
            limits_998=f"{whole_percent(r.low_998)}–{whole_percent(r.high_998)}%",
            position=_POSITION_WORDS[r.position],
            provisional=r.provisional,
        )
        for r in funnel.rows
    ]


def programme_funnel_chart(funnel: Funnel) -> FunnelChart | None:
    """Server-side SVG geometry of a programme funnel plot: each region's (or PDU's) Yes rate
    against its relevant cases, the pooled rate, and the exact binomial 95% and 99.8% limits
    drawn as lines over the range of base sizes. None when there is nothing to plot."""
    rate = funnel.pooled_rate
    if rate is None or not funnel.rows:
        return None
    p0 = funnel.pooled_yes / funnel.pooled_relevant
    described = "; ".join(
        f"{r.label}: {r.percent}% Yes of {r.relevant} relevant cases"
        f"{' (outside the 99.8% limits)' if r.outside_998 else ''}"
        for r in funnel.rows
    )
    return funnel_geometry(
        rate=rate,
        limits=lambda n, levels: binomial_funnel_limits(p0, n, levels),
        levels=(("95", FUNNEL_95), ("998", FUNNEL_998)),
        points=[(r.relevant, r.rate, _short(r), r.outside_998) for r in funnel.rows],
        description=f"Programme rate {whole_percent(rate)}% Yes. {described}.",
        labels_left_near_edge=True,
    )


def _short(row: FunnelRow) -> str:
    """A point's label on the plot: the region or PDU name without the region in brackets."""
    return row.label.split(" (")[0]


@dataclass(frozen=True)
class ProgrammeLine:
    """One question of the national table: each counted region's figure, then the pooled."""

    code: str
    text: str
    area: str
    is_key: bool
    regions: list[tuple[str, str, bool]]  # (figure, interval, small base)
    pooled: str
    pooled_interval: str


def programme_lines(questions: list[ProgrammeQuestion]) -> list[ProgrammeLine]:
    return [
        ProgrammeLine(
            code=q.code,
            text=q.text,
            area=q.area,
            is_key=q.is_key,
            regions=[
                (figure_text(r.score), interval_text(r.score), r.score.small_base)
                for r in q.regions
            ],
            pooled=figure_text(q.pooled),
            pooled_interval=interval_text(q.pooled),
        )
        for q in questions
    ]
