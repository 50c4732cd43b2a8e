"""Report API routes, under /api/v1/ (config/api_urls.py includes this)."""

from __future__ import annotations

from django.urls import path

from reports.api import views

urlpatterns = [
    path(
        "inspections/<slug:slug>/report/sections/",
        views.ReportSectionListView.as_view(),
        name="api-report-sections",
    ),
    path(
        "inspections/<slug:slug>/report/sections/<str:key>/",
        views.ReportSectionView.as_view(),
        name="api-report-section",
    ),
    path(
        "inspections/<slug:slug>/report/recommendations/<str:addressee>/",
        views.ReportRecommendationsView.as_view(),
        name="api-report-recommendations",
    ),
    path(
        "inspections/<slug:slug>/report/checklist/",
        views.ReportChecklistView.as_view(),
        name="api-report-checklist",
    ),
    path(
        "inspections/<slug:slug>/report/builds/",
        views.ReportBuildListView.as_view(),
        name="api-report-builds",
    ),
    path(
        "inspections/<slug:slug>/report/builds/<int:build_id>/",
        views.ReportBuildDetailView.as_view(),
        name="api-report-build",
    ),
    path(
        "inspections/<slug:slug>/report/builds/<int:build_id>/report.<str:kind>",
        views.ReportBuildFileView.as_view(),
        name="api-report-build-file",
    ),
    path(
        "inspections/<slug:slug>/report/versions/",
        views.ReportVersionListView.as_view(),
        name="api-report-versions",
    ),
    path(
        "inspections/<slug:slug>/report/versions/<int:number>/",
        views.ReportVersionDetailView.as_view(),
        name="api-report-version",
    ),
    path(
        "inspections/<slug:slug>/report/versions/<int:number>/report.<str:kind>",
        views.ReportVersionFileView.as_view(),
        name="api-report-version-file",
    ),
]
