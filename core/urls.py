"""Service-wide pages (config/urls.py includes this at the root)."""

from __future__ import annotations

from django.urls import path

from core import views

urlpatterns = [
    path("accessibility/", views.accessibility_statement, name="accessibility-statement"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
]
