from __future__ import annotations

from django.urls import path

from cases.api import views

CASE = "inspections/<slug:slug>/cases/<slug:reference>/"
EXPORTS = "inspections/<slug:slug>/exports/"

urlpatterns = [
    path("inspections/<slug:slug>/cases/", views.CaseListView.as_view(), name="api-case-list"),
    path(CASE, views.CaseDetailView.as_view(), name="api-case-detail"),
    path(f"{CASE}answers/", views.CaseAnswerListView.as_view(), name="api-case-answers"),
    path(f"{CASE}answers/<slug:code>/", views.CaseAnswerView.as_view(), name="api-case-answer"),
    path(
        f"{EXPORTS}answers.csv", views.AnswersCsvExportView.as_view(), name="api-export-answers-csv"
    ),
    path(
        f"{EXPORTS}answers.xlsx",
        views.AnswersXlsxExportView.as_view(),
        name="api-export-answers-xlsx",
    ),
]
