from __future__ import annotations

from django.urls import path

from scoring.api import programme_views, views

EXPORTS = "inspections/<slug:slug>/exports/"
PROGRAMME = "programmes/<slug:programme>/"

urlpatterns = [
    path(
        "inspections/<slug:slug>/scores/",
        views.InspectionScoresView.as_view(),
        name="api-inspection-scores",
    ),
    path(
        "inspections/<slug:slug>/agreement/",
        views.AgreementView.as_view(),
        name="api-inspection-agreement",
    ),
    path(
        "inspections/<slug:slug>/drift/",
        views.DriftView.as_view(),
        name="api-inspection-drift",
    ),
    path(f"{EXPORTS}scores.csv", views.ScoresCsvExportView.as_view(), name="api-export-scores-csv"),
    path(
        f"{EXPORTS}scores.xlsx", views.ScoresXlsxExportView.as_view(), name="api-export-scores-xlsx"
    ),
    # A national programme's figures (issue 14).
    path("programmes/", programme_views.ProgrammeListView.as_view(), name="api-programme-list"),
    path(PROGRAMME, programme_views.ProgrammeDetailView.as_view(), name="api-programme-detail"),
    path(
        f"{PROGRAMME}scores/",
        programme_views.ProgrammeScoresView.as_view(),
        name="api-programme-scores",
    ),
    path(
        f"{PROGRAMME}exports/scores.csv",
        programme_views.ProgrammeScoresCsvExportView.as_view(),
        name="api-programme-export-scores-csv",
    ),
    path(
        f"{PROGRAMME}exports/scores.xlsx",
        programme_views.ProgrammeScoresXlsxExportView.as_view(),
        name="api-programme-export-scores-xlsx",
    ),
]
