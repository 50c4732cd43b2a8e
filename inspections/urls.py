from __future__ import annotations

from django.urls import path

from inspections import views

urlpatterns = [
    path("", views.home, name="home"),
    path("inspections/new/", views.inspection_new, name="inspection-new"),
    path("inspections/<slug:slug>/details/", views.inspection_details, name="inspection-details"),
    path("inspections/<slug:slug>/facts/", views.context_facts, name="context-facts"),
    path(
        "inspections/<slug:slug>/facts/<int:fact_id>/",
        views.context_fact_edit,
        name="context-fact",
    ),
    path(
        "inspections/<slug:slug>/facts/<int:fact_id>/remove/",
        views.context_fact_remove_view,
        name="context-fact-remove",
    ),
    path("inspections/<slug:slug>/baseline/", views.baseline_edit, name="inspection-baseline"),
    path("inspections/<slug:slug>/history/", views.inspection_history, name="inspection-history"),
]
