from __future__ import annotations

from django.urls import path

from scoring.api.views import InspectionScoresView

urlpatterns = [
    path(
        "inspections/<slug:slug>/scores/",
        InspectionScoresView.as_view(),
        name="api-inspection-scores",
    ),
]
