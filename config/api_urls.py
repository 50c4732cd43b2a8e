"""Version 1 of the REST API. Each app contributes its routes from its api/urls.py."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("scoring.api.urls")),
]
