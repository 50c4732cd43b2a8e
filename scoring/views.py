"""The lead inspector's live scores dashboard and the moderation agreement page.

Every figure comes from scoring.selectors.inspection_scores (the engine the API uses) and is
worded by scoring.presenters.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.selectors import inspection_progress
from inspections.access import require_lead, standing_get
from scoring.agreement import inspection_agreement
from scoring.arithmetic import whole_percent
from scoring.baseline import baseline_comparison
from scoring.drift import inspection_drift
from scoring.presenters import (
    agreement_line,
    breakdown_tables,
    drift_lines,
    funnel_chart,
    key_figures,
    key_question_chart,
    score_rows,
    still_to_do,
    then_and_now_lines,
)
from scoring.selectors import inspection_scores


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    access = standing_get(request.user, slug)
    require_lead(access, "see the live scores")
    scores = inspection_scores(access.inspection)
    # The version inspection_scores has just read: the cached progress and drift share it.
    version = int(access.inspection.data_version)
    progress = inspection_progress(access.inspection, version=version)
    key_codes = [q.code for q in scores.key_questions]
    baseline = baseline_comparison(access.inspection, scores)
    drift = inspection_drift(access.inspection, version=version)
    return render(
        request,
        "scoring/dashboard.html",
        {
            "access": access,
            "inspection": access.inspection,
            "scores": scores,
            "progress": progress,
            "headline": key_figures(scores),
            "todo": still_to_do(progress),
            "progress_tables": [
                ("By inspector", "Inspector", progress.by_inspector),
                ("By PDU", "PDU", progress.by_pdu),
            ],
            "key_rows": score_rows(scores.key_questions),
            "rows": score_rows(scores.questions),
            "chart": key_question_chart(scores),
            "key_codes": key_codes,
            "baseline": baseline,
            "drift": drift,
            "drift_lines": drift_lines(drift),
            "drift_team_rate": (
                f"{whole_percent(drift.team_rate)}% Yes" if drift.team_rate is not None else ""
            ),
            "funnel": funnel_chart(drift),
            "then_and_now": then_and_now_lines(scores, baseline) if baseline else [],
            "breakdowns": breakdown_tables(scores, [q.code for q in scores.questions]),
        },
    )


@login_required
def agreement(request: HttpRequest, slug: str) -> HttpResponse:
    access = standing_get(request.user, slug)
    require_lead(access, "see moderation agreement")
    result = inspection_agreement(access.inspection)
    return render(
        request,
        "scoring/agreement.html",
        {
            "access": access,
            "inspection": access.inspection,
            "by_question": [agreement_line(r) for r in result.by_question],
            "by_inspector": [agreement_line(r) for r in result.by_inspector],
            "overall": agreement_line(result.overall),
        },
    )
