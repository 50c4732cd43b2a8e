from __future__ import annotations

from django.urls import path

from scoring.api import views

EXPORTS = "inspections/<slug:slug>/exports/"

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
]
