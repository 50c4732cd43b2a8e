"""Inspector drift during fieldwork: each inspector's Yes rate on the key questions against
the team's, as a funnel plot (rate against number of judgements, with 95% and 99.8% limits
around the team's rate). Allocation is not random, so a point outside the limits is a reason to
look at a sample of that inspector's cases, not a finding about the inspector."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from cases.models import Answer
from core.cache import cached_or_computed
from inspections.models import Inspection, Question
from inspections.selectors import inspection_data_version
from scoring.arithmetic import Z_95, Z_998, funnel_limits
from scoring.selectors import SCORES_CACHE_SECONDS, scores_cache_key

LOOK = "look at a sample of their cases"


@dataclass(frozen=True)
class DriftRow:
    key: str  # username ("" when no longer allocated)
    label: str
    judgements: int
    yes: int
    rate: float  # percent
    low_95: float
    high_95: float
    low_998: float
    high_998: float

    @property
    def outside_998(self) -> bool:
        return not self.low_998 <= self.rate <= self.high_998

    @property
    def outside_95(self) -> bool:
        return not self.low_95 <= self.rate <= self.high_95

    @property
    def note(self) -> str:
        if self.outside_998:
            side = "more often" if self.rate > self.high_998 else "less often"
            return f"Says Yes {side} than the team beyond the 99.8% limits: {LOOK}."
        if self.outside_95:
            return "Outside the 95% limits only: expected for about 1 in 20 by chance."
        return "Within the limits."


@dataclass(frozen=True)
class Drift:
    team_yes: int
    team_judgements: int
    rows: list[DriftRow]

    @property
    def team_rate(self) -> float | None:
        return 100 * self.team_yes / self.team_judgements if self.team_judgements else None


def inspection_drift(inspection: Inspection, *, version: int | None = None) -> Drift:
    """Yes and No answers to key questions, grouped by the case's inspector: one scan of the
    answers, cached under the inspection's data version (read afresh, one query, unless the
    caller has just read it: `version`). A write moves the version on, so a cached drift is
    never older than the version it is read at."""
    if version is None:
        version = inspection_data_version(inspection)
    return cached_or_computed(
        scores_cache_key(inspection, version, what="drift"),
        Drift,
        lambda: _drift_compute(inspection),
        timeout=SCORES_CACHE_SECONDS,
    )


def _drift_compute(inspection: Inspection) -> Drift:
    counts = list(
        Answer.objects.filter(
            case__inspection=inspection,
            case__withdrawn_at__isnull=True,  # a withdrawn case is out of every figure
            question__kind=Question.Kind.KEY,
            value__in=[Answer.Value.YES, Answer.Value.NO],
        )
        .values(
            "case__inspector__username",
            "case__inspector__first_name",
            "case__inspector__last_name",
        )
        .annotate(n=Count("pk"), yes=Count("pk", filter=Q(value=Answer.Value.YES)))
        .order_by("case__inspector__username")
    )
    team_n = sum(int(c["n"]) for c in counts)
    team_yes = sum(int(c["yes"]) for c in counts)
    rows: list[DriftRow] = []
    if team_n:
        p0 = team_yes / team_n
        for c in counts:
            n, yes = int(c["n"]), int(c["yes"])
            username = str(c["case__inspector__username"] or "")
            full = (
                f"{c['case__inspector__first_name'] or ''} {c['case__inspector__last_name'] or ''}"
            )
            low_95, high_95 = funnel_limits(p0, n, Z_95)
            low_998, high_998 = funnel_limits(p0, n, Z_998)
            rows.append(
                DriftRow(
                    key=username,
                    label=(full.strip() or username) if username else "Not allocated",
                    judgements=n,
                    yes=yes,
                    rate=100 * yes / n,
                    low_95=low_95,
                    high_95=high_95,
                    low_998=low_998,
                    high_998=high_998,
                )
            )
    return Drift(team_yes=team_yes, team_judgements=team_n, rows=rows)
