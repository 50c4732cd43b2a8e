"""The report pages, under /inspections/<slug>/report/ (config/urls.py includes this)."""

from __future__ import annotations

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.report_overview, name="report-overview"),
    path("sections/<str:key>/", views.report_section, name="report-section"),
    path(
        "recommendations/<str:addressee>/",
        views.report_recommendations,
        name="report-recommendations",
    ),
    path("builds/", views.report_build_start, name="report-build-start"),
    path("builds/<int:build_id>/", views.report_build, name="report-build"),
    path(
        "builds/<int:build_id>/report.<str:kind>",
        views.report_build_file,
        name="report-build-file",
    ),
    path("publish/", views.report_publish_view, name="report-publish"),
    path(
        "versions/<int:number>/report.<str:kind>",
        views.report_version_file,
        name="report-version-file",
    ),
]
