"""Service-wide pages (config/urls.py includes this at the root)."""

from __future__ import annotations

from django.urls import path

from core import views

urlpatterns = [
    # Probes for load balancers and docker-compose (core/health.py): public, no sign-in.
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("accessibility/", views.accessibility_statement, name="accessibility-statement"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
]
