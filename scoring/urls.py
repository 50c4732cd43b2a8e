"""Live scores and agreement pages under /inspections/<slug>/ (included from config/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from scoring import views

urlpatterns: list[URLPattern] = [
    path("scores/", views.dashboard, name="scores-dashboard"),
    path("agreement/", views.agreement, name="agreement"),
]
