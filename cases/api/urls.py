from __future__ import annotations

from django.urls import path

from cases.api import privacy, views, workflow

CASE = "inspections/<slug:slug>/cases/<slug:reference>/"
EXPORTS = "inspections/<slug:slug>/exports/"

INSPECTION = "inspections/<slug:slug>/"

urlpatterns = [
    path(f"{INSPECTION}members/", workflow.MemberListView.as_view(), name="api-members"),
    path(
        f"{INSPECTION}members/<str:username>/",
        workflow.MemberDetailView.as_view(),
        name="api-member",
    ),
    path(f"{INSPECTION}status/", workflow.InspectionStatusView.as_view(), name="api-status"),
    path(
        f"{INSPECTION}moderation-samples/",
        workflow.ModerationSampleView.as_view(),
        name="api-moderation-samples",
    ),
    path("inspections/<slug:slug>/cases/", views.CaseListView.as_view(), name="api-case-list"),
    # Before cases/<reference>/: "import" is not a case.
    path(f"{INSPECTION}cases/import/", workflow.CaseImportView.as_view(), name="api-case-import"),
    path(
        f"{INSPECTION}cases/import/<int:job_id>/",
        workflow.CaseImportJobView.as_view(),
        name="api-case-import-job",
    ),
    path(CASE, views.CaseDetailView.as_view(), name="api-case-detail"),
    path(f"{CASE}submit/", workflow.CaseSubmitView.as_view(), name="api-case-submit"),
    path(f"{CASE}moderation/", workflow.CaseModerationView.as_view(), name="api-case-moderation"),
    path(f"{CASE}withdrawal/", privacy.CaseWithdrawalView.as_view(), name="api-case-withdrawal"),
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
