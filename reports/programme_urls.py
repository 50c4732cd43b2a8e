"""The programme summary report's pages, under /programmes/<slug>/report/ (config/urls.py)."""

from __future__ import annotations

from django.urls import path

from reports import programme_views as views

urlpatterns = [
    path("", views.programme_report, name="programme-report"),
    path("narrative/", views.programme_report_narrative, name="programme-report-narrative"),
    path("builds/", views.programme_report_build_start, name="programme-report-build-start"),
    path("builds/<int:build_id>/", views.programme_report_build, name="programme-report-build"),
    path(
        "builds/<int:build_id>/report.<str:kind>",
        views.programme_report_build_file,
        name="programme-report-build-file",
    ),
    path("latest/report.<str:kind>", views.programme_report_latest, name="programme-report-latest"),
    path(
        "provisional/report.<str:kind>",
        views.programme_report_provisional,
        name="programme-report-provisional",
    ),
]
