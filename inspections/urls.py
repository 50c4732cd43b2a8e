from __future__ import annotations

from django.urls import path

from inspections import views

urlpatterns = [
    path("", views.home, name="home"),
    path("inspections/new/", views.inspection_new, name="inspection-new"),
]
