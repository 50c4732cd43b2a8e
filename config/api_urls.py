"""Version 1 of the REST API. Each app contributes its routes from its api/urls.py."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import api_not_found

urlpatterns = [
    path("", include("inspections.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("reports.api.urls")),
    # The schema and its documentation are public: they describe the API, not its data.
    # Swagger UI only: drf-spectacular's Redoc page loads web fonts from the internet. The split
    # view serves its start-up script as a file (the Content-Security-Policy allows no inline
    # script).
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="api-schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", authentication_classes=[], permission_classes=[]
        ),
        name="api-docs",
    ),
    # Last: whatever matched no route above is a JSON 404 like every other API error.
    re_path(r"^", api_not_found),
]
