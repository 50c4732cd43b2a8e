from __future__ import annotations

from django.urls import path

from inspections.api import views

urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="api-inspection-list"),
    path(
        "inspections/<slug:slug>/",
        views.InspectionDetailView.as_view(),
        name="api-inspection-detail",
    ),
    path(
        "inspections/<slug:slug>/pdus/",
        views.InspectionPDUListView.as_view(),
        name="api-inspection-pdus",
    ),
    path(
        "inspections/<slug:slug>/framework/",
        views.InspectionFrameworkView.as_view(),
        name="api-inspection-framework",
    ),
    path(
        "inspections/<slug:slug>/recommendations/",
        views.RecommendationListView.as_view(),
        name="api-inspection-recommendations",
    ),
    path(
        "inspections/<slug:slug>/context-facts/",
        views.ContextFactListView.as_view(),
        name="api-inspection-context-facts",
    ),
    path(
        "inspections/<slug:slug>/context-facts/<int:fact_id>/",
        views.ContextFactDetailView.as_view(),
        name="api-inspection-context-fact",
    ),
    path(
        "inspections/<slug:slug>/baseline/",
        views.BaselineView.as_view(),
        name="api-inspection-baseline",
    ),
]
